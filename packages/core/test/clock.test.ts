import { context, trace } from "@opentelemetry/api";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { nowMs } from "../src/operation/handle.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());
afterEach(() => vi.restoreAllMocks());

const ms = (t: readonly [number, number]) => t[0] * 1e3 + t[1] / 1e6;

/**
 * The wall clock moves away from the monotonic one over a long-running process (NTP steps, a
 * suspend). The SDK starts the app's own spans at Date.now(): ours must stay on that scale.
 */
describe.each([
  ["forward", 5_000],
  ["back", -5_000],
])("the wall clock stepped %s by 5 s since the process started", (_label, stepMs) => {
  it("our child span starts and ends inside the app's parent span", () => {
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + stepMs);
    const t = new GenAITelemetry({ name: "clock-test" }, { tracerProvider: h.tracerProvider });
    const parent = h.tracerProvider.getTracer("app").startSpan("handle request");
    const chat = t.start(
      { operation: "chat", provider: "openai", requestModel: "gpt-4o" },
      trace.setSpan(context.active(), parent),
    );
    chat.end({ responseModel: "gpt-4o" });
    parent.end();

    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([{ "handle request [INTERNAL]": ["chat gpt-4o [CLIENT]"] }]);
    const [child, app] = [spans.find((s) => s.name.startsWith("chat"))!, spans.find((s) => s.name === "handle request")!];
    expect(ms(child.startTime)).toBeGreaterThanOrEqual(ms(app.startTime));
    expect(ms(child.startTime) - ms(app.startTime)).toBeLessThan(1_000);
    expect(ms(child.endTime)).toBeGreaterThanOrEqual(ms(child.startTime));
    // The SDK ends a span at its whole-millisecond start plus the monotonic time since: its end can
    // read up to 1 ms early, for its own children as for ours.
    expect(ms(child.endTime)).toBeLessThan(ms(app.endTime) + 1);
  });
});

describe("nowMs", () => {
  it("reads within the millisecond Date.now() reads", () => {
    for (let i = 0; i < 2_000; i++) {
      const before = Date.now();
      const t = nowMs();
      const after = Date.now();
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThan(after + 1);
    }
  });
});
