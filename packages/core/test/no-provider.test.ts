import { context, propagation, trace } from "@opentelemetry/api";
import { ensureGlobalContext } from "@otel-agents/testing/harness";
import { describe, expect, it } from "vitest";
import { extractTraceContext, injectTraceHeaders } from "../src/propagation/headers.js";
import { GenAITelemetry } from "../src/telemetry.js";

// No TracerProvider and no MeterProvider registered (an app that installed an adapter but no SDK):
// operations do nothing but hand the context on, so an incoming trace still propagates.
ensureGlobalContext();

describe("with nothing registered", () => {
  it("is inactive and passes the caller's context, remote parent included, through unchanged", async () => {
    const t = new GenAITelemetry({ name: "idle" });
    expect(t.active).toBe(false);
    const incoming = extractTraceContext({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    const seen = await context.with(incoming, () =>
      t.run({ operation: "invoke_agent", agent: { name: "A" } }, async (agent) => {
        const chat = t.start({ operation: "chat", provider: "openai", requestModel: "m", parent: agent });
        expect(chat.context).toBe(incoming);
        chat.end({ usage: { inputTokens: 1, outputTokens: 1 } });
        return injectTraceHeaders({}) as Record<string, string>;
      }),
    );
    expect(seen.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(trace.getSpan(incoming)?.isRecording()).toBe(false);
    expect(propagation.fields()).toContain("traceparent");
  });

  it("becomes active as soon as an explicit provider is given", () => {
    const t = new GenAITelemetry({ name: "explicit" }, { tracerProvider: trace.getTracerProvider() });
    expect(t.active).toBe(true);
  });
});
