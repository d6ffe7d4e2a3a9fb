import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());

describe("framework steps", () => {
  it("carry error.type when they fail, like GenAI operations", () => {
    const t = new GenAITelemetry({ name: "step-error-test" }, { tracerProvider: h.tracerProvider });
    class QuotaError extends Error {
      override name = "QuotaError";
    }
    t.start({ operation: "step", step: { type: "node", name: "fetch" } }).fail(new QuotaError("x"));
    const spans = h.spans();
    assertConformance(spans);
    expect(spans[0]?.status.code).toBe(2);
    expect(spans[0]?.attributes).toEqual({ "otel_agents.step.type": "node", "error.type": "QuotaError" });
  });
});
