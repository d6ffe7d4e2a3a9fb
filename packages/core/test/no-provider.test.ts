import { context, propagation, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ensureGlobalContext } from "@otel-agents/testing/harness";
import { describe, expect, it } from "vitest";
import { extractTraceContext, injectTraceHeaders } from "../src/propagation/headers.js";
import { GenAITelemetry } from "../src/telemetry.js";

// No TracerProvider and no MeterProvider registered (an app that installed an adapter but no SDK):
// operations do nothing but hand the context on, so an incoming trace still propagates.
ensureGlobalContext();
const exporter = new InMemorySpanExporter();

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

  it("never writes to or ends the caller's span it passes through, even one another provider records", () => {
    const app = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const t = new GenAITelemetry({ name: "idle" });
    const request = app.getTracer("app").startSpan("POST /ask");
    context.with(trace.setSpan(context.active(), request), () => {
      const chat = t.start({ operation: "chat", provider: "openai", requestModel: "m" });
      expect(chat.context).toBe(context.active());
      expect(chat.span.spanContext().spanId).toBe(request.spanContext().spanId);
      expect(chat.span.isRecording()).toBe(false);
      chat.end({ responseModel: "m-1", usage: { inputTokens: 1, outputTokens: 2 } });
      t.start({ operation: "execute_tool", tool: { name: "x" } }).fail(new Error("boom"));
    });
    expect(request.isRecording()).toBe(true);
    request.end();
    const [exported] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(exported?.name).toBe("POST /ask");
    expect(exported?.attributes).toEqual({});
    expect(exported?.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(exported?.events).toEqual([]);
  });

  it("becomes active as soon as an explicit provider is given", () => {
    const t = new GenAITelemetry({ name: "explicit" }, { tracerProvider: trace.getTracerProvider() });
    expect(t.active).toBe(true);
  });
});
