import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import { SDK_LINE } from "@otel-agents/testing/harness";
import { afterEach, describe, expect, it } from "vitest";
import { ConsoleTreeExporter, renderTraceTree } from "../src/node/console-tree-exporter.js";
import { setup } from "../src/node/setup.js";
import { extractTraceContext, injectTraceHeaders } from "../src/propagation/headers.js";
import { GenAITelemetry } from "../src/telemetry.js";

// setup() replaces the global providers; put back what the other test files rely on.
afterEach(async () => {
  const { ensureGlobalContext } = await import("@otel-agents/testing/harness");
  ensureGlobalContext();
});

async function scriptedRun() {
  const t = new GenAITelemetry({ name: "setup-test" });
  await t.run({ operation: "invoke_agent", agent: { name: "Triage" } }, async (agent) => {
    t.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent }).end({
      responseModel: "gpt-4o-2024-08-06",
      finishReasons: ["tool_calls"],
      usage: { inputTokens: 12, outputTokens: 3, cacheReadInputTokens: 4 },
    });
    await t.run({ operation: "execute_tool", tool: { name: "get_weather" } }, async () => {
      const headers: Record<string, string> = {};
      injectTraceHeaders(headers);
      expect(headers.traceparent).toBeDefined();
    });
    t.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent }).fail(
      Object.assign(new Error("x"), { name: "RateLimitError" }),
    );
  });
}

describe("setup()", () => {
  it("prints each finished trace as a tree on the console when no OTLP endpoint is set", async () => {
    const lines: string[] = [];
    const otel = await setup({ serviceName: "demo", env: {}, console: { write: (s) => lines.push(s) } });
    try {
      expect(otel.exporter).toBe("console");
      expect(otel.sdkMajor).toBe(SDK_LINE);
      await scriptedRun();
      await otel.forceFlush();
    } finally {
      await otel.shutdown();
    }
    const text = lines.join("");
    const rows = text.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^trace [0-9a-f]{32} {2}service demo$/);
    expect(rows.slice(1).map((r) => r.replace(/\d+\.\d ms/g, "N ms").replace(/first chunk N ms {2}/, ""))).toEqual([
      "└─ invoke_agent Triage  N ms  tokens 12 in / 3 out  finish tool_call,error",
      "   ├─ chat gpt-4o  N ms  openai  model gpt-4o-2024-08-06  tokens 12 in / 3 out  cache read 4  finish tool_call",
      "   ├─ execute_tool get_weather  N ms",
      "   └─ chat gpt-4o  N ms  openai  finish error  ERROR RateLimitError",
    ]);
  });

  it("selects OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and unregisters its globals on shutdown", async () => {
    const otel = await setup({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }, metrics: false });
    expect(otel.exporter).toBe("otlp");
    expect(propagation.fields()).toEqual(["traceparent", "tracestate", "baggage"]);
    await otel.shutdown();
    await otel.shutdown();
    expect(trace.getTracerProvider().getTracer("x").startSpan("y").isRecording()).toBe(false);
    expect(context.active()).toBeDefined();
  });

  it("prints one tree for a trace that crosses two services sharing a console exporter", async () => {
    const lines: string[] = [];
    const shared = new ConsoleTreeExporter({ waitForRoot: true, write: (s) => lines.push(s) });
    const a = await setup({ serviceName: "service-a", env: {}, exporter: shared as never });
    const b = await setup({ serviceName: "service-b", env: {}, exporter: shared as never, global: false });
    try {
      const ta = new GenAITelemetry({ name: "a" });
      const tb = new GenAITelemetry({ name: "b" }, { tracerProvider: b.tracerProvider });
      await ta.run({ operation: "invoke_agent", agent: { name: "Triage" } }, async () => {
        const headers = injectTraceHeaders({});
        tb.run(
          { operation: "invoke_agent", agent: { name: "Specialist" }, parent: extractTraceContext(headers) },
          () => undefined,
        );
        expect(lines).toEqual([]); // B's part waits for the trace's root
      });
    } finally {
      await b.shutdown();
      await a.shutdown();
    }
    const rows = lines.join("").trimEnd().split("\n");
    expect(rows[0]).toMatch(/^trace [0-9a-f]{32} {2}service service-a$/);
    expect(rows.slice(1).map((r) => r.replace(/\d+\.\d ms/g, "N ms"))).toEqual([
      "└─ invoke_agent Triage  N ms",
      "   └─ invoke_agent Specialist  N ms  [service-b]",
    ]);
  });

  it("exports one inference span per model call next to a provider instrumentation by default; coexistence: false keeps both", async () => {
    const names = async (options: Parameters<typeof setup>[0]) => {
      const exported: string[] = [];
      const exporter = {
        export: (spans: Array<{ name: string }>, done: (r: { code: number }) => void) => {
          for (const s of spans) exported.push(s.name);
          done({ code: 0 });
        },
        shutdown: async () => {},
      };
      const otel = await setup({ ...options, env: {}, global: false, exporter: exporter as never });
      const ours = new GenAITelemetry({ name: "@otel-agents/test" }, { tracerProvider: otel.tracerProvider });
      const provider = otel.tracerProvider.getTracer("provider-instrumentation");
      const chat = ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o" });
      // The provider instrumentation's span for the same call, under ours.
      const attributes = { "gen_ai.operation.name": "chat" };
      provider.startSpan("chat gpt-4o", { kind: SpanKind.CLIENT, attributes }, chat.context).end();
      chat.end();
      await otel.shutdown();
      return exported.sort();
    };
    expect(await names({})).toEqual(["chat gpt-4o"]);
    expect(await names({ coexistence: { inferenceSpans: "keep-both" } })).toEqual(["chat gpt-4o", "chat gpt-4o"]);
    expect(await names({ coexistence: false })).toEqual(["chat gpt-4o", "chat gpt-4o"]);
  });

  it("renders spans whose parent was not exported as roots", () => {
    const text = renderTraceTree("t", [
      {
        name: "orphan",
        kind: 0,
        spanContext: () => ({ traceId: "t", spanId: "a", traceFlags: 1 }),
        parentSpanContext: { traceId: "t", spanId: "gone", traceFlags: 1 },
        startTime: [0, 0],
        duration: [0, 1_500_000],
        attributes: {},
        status: { code: 0 },
      },
    ]);
    expect(text).toBe("trace t\n└─ orphan  1.5 ms\n");
  });
});
