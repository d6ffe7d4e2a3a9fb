import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import { abortErrorType } from "../src/operation/error-type.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());

describe("fail with an explicit error.type", () => {
  it("uses the given type for error.type and the status, and the error's own type for the exception event", () => {
    const t = new GenAITelemetry({ name: "fail-type-test" }, { tracerProvider: h.tracerProvider });
    class APICallError extends Error {
      override name = "APICallError";
    }
    t.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o" }).fail(
      new APICallError("Too Many Requests"),
      undefined,
      undefined,
      "429",
    );
    const [span] = h.spans();
    assertConformance(h.spans());
    expect(span?.status).toEqual({ code: 2, message: "429" });
    expect(span?.attributes["error.type"]).toBe("429");
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([["exception", { "exception.type": "APICallError" }]]);
  });

  it("falls back to the error's type when none is given", () => {
    const t = new GenAITelemetry({ name: "fail-type-test" }, { tracerProvider: h.tracerProvider });
    t.start({ operation: "execute_tool", tool: { name: "x" } }).fail(new TypeError("bad"), undefined, undefined, undefined);
    expect(h.spans()[0]?.attributes["error.type"]).toBe("TypeError");
  });
});

describe("abortErrorType", () => {
  it("names the abort reason's own kind, else AbortError", () => {
    const controller = new AbortController();
    controller.abort();
    const timeout = new DOMException("timed out", "TimeoutError");
    expect([
      abortErrorType(controller.signal.reason),
      abortErrorType(timeout),
      abortErrorType(new Error("stop")),
      abortErrorType("user left"),
      abortErrorType(undefined),
      abortErrorType({
        get name(): string {
          throw new Error("getter");
        },
      }),
    ]).toEqual(["AbortError", "TimeoutError", "AbortError", "AbortError", "AbortError", "AbortError"]);
  });
});
