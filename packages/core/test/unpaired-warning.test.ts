import { type DiagLogger, DiagLogLevel, diag, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ensureGlobalContext } from "@otel-agents/testing/harness";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CoexistenceSpanProcessor } from "../src/coexistence/inference-spans.js";
import { GenAITelemetry } from "../src/telemetry.js";

ensureGlobalContext();

const warnings: string[] = [];
const logger: DiagLogger = {
  error: () => {},
  warn: (message: string) => warnings.push(message),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

beforeEach(() => {
  warnings.length = 0;
  // The warning is once per process; each case here starts from a process that has not said it.
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("otel-agents.coexistence.warned")];
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterEach(() => {
  diag.disable();
  trace.disable();
});

function pipeline(wrapped: boolean) {
  const exporting = new SimpleSpanProcessor(new InMemorySpanExporter());
  return new BasicTracerProvider({ spanProcessors: [wrapped ? new CoexistenceSpanProcessor(exporting) : exporting] });
}

function modelCalls(telemetry: GenAITelemetry, n: number) {
  for (let i = 0; i < n; i++) {
    telemetry.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o-mini" }).end();
    // What is not a model call never looks.
    telemetry.start({ operation: "execute_tool", tool: { name: "t" } }).end();
  }
}

const ourWarnings = () => warnings.filter((w) => w.includes("CoexistenceSpanProcessor"));

describe("a model-client instrumentation beside ours with no CoexistenceSpanProcessor in the pipeline", () => {
  it.each([
    "@arizeai/openinference-instrumentation-openai",
    "@opentelemetry/instrumentation-openai",
    "@traceloop/instrumentation-anthropic",
  ])("%s: one diag line naming the processor and where it goes, once", (name) => {
    const provider = pipeline(false);
    provider.getTracer(name, "1.2.3");
    modelCalls(new GenAITelemetry({ name: "@otel-agents/test" }, { tracerProvider: provider }), 3);
    expect(ourWarnings()).toEqual([
      `otel-agents: ${name} traces the model calls that otel-agents traces too, and spans are exported without ` +
        "CoexistenceSpanProcessor: each such model call gets two model-call spans. Wrap the span processor that " +
        "exports in it (NodeSDK `spanProcessors: [new CoexistenceSpanProcessor(new BatchSpanProcessor(...))]`, " +
        "CoexistenceSpanProcessor from @otel-agents/core), or use setup(), which installs it.",
    ]);
  });

  it("with the processor wrapping the exporter: nothing to say", () => {
    const provider = pipeline(true);
    provider.getTracer("@arizeai/openinference-instrumentation-openai");
    modelCalls(new GenAITelemetry({ name: "@otel-agents/test" }, { tracerProvider: provider }), 3);
    expect(warnings).toEqual([]);
  });

  it("no model-client instrumentation (the Agents one, an HTTP one): nothing; one showing up later (through the global provider): said then", () => {
    const provider = pipeline(false);
    trace.setGlobalTracerProvider(provider);
    provider.getTracer("@arizeai/openinference-instrumentation-openai-agents");
    provider.getTracer("@opentelemetry/instrumentation-undici");
    const telemetry = new GenAITelemetry({ name: "@otel-agents/test" });
    modelCalls(telemetry, 2);
    expect(warnings).toEqual([]);
    // An instrumentation given the global (proxy) provider gets its SDK tracer at its first span.
    trace.getTracer("@opentelemetry/instrumentation-openai", "0.22.0").startSpan("chat gpt-4o-mini").end();
    modelCalls(telemetry, 2);
    expect(ourWarnings()).toHaveLength(1);
    expect(ourWarnings()[0]).toMatch(/^otel-agents: @opentelemetry\/instrumentation-openai traces/);
  });

  it("a span our sampler drops: not looked at", () => {
    const exporting = new SimpleSpanProcessor(new InMemorySpanExporter());
    const provider = new BasicTracerProvider({
      spanProcessors: [exporting],
      sampler: { shouldSample: () => ({ decision: 0 }), toString: () => "off" },
    });
    provider.getTracer("@opentelemetry/instrumentation-openai");
    modelCalls(new GenAITelemetry({ name: "@otel-agents/test" }, { tracerProvider: provider }), 1);
    expect(warnings).toEqual([]);
  });
});
