import { createRequire } from "node:module";
import { LangChainInstrumentation as OpenInferenceLangChain } from "@arizeai/openinference-instrumentation-langchain";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { CallbackHandler as LangfuseHandler } from "@langfuse/langchain";
import { setLangfuseTracerProvider } from "@langfuse/tracing";
import { type Context, context, type Span, type Tracer, trace } from "@opentelemetry/api";
import { LangChainInstrumentation, OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { LangChainInstrumentation as TraceloopLangChain } from "@traceloop/instrumentation-langchain";
import type { Arm } from "../arm.ts";
import { batchProvider, captureTemplates, type SpanTemplate } from "../otel.ts";
import { versionOf } from "../versions.ts";

// biome-ignore lint/suspicious/noExplicitAny: LangChain's callback list type is wider than we need.
type Callbacks = any[];
type Invoke = (callbacks: Callbacks | undefined) => Promise<void>;

/**
 * The floor: the least a hand-written LangChain handler must do to emit our spans with our
 * attributes. One span per run we report (template lookup by name folds the rest), parent from the
 * run map, all attributes set once at start from the template; no mapping, no metrics, no content.
 */
class FloorHandler extends BaseCallbackHandler {
  name = "floor";
  // As ours: spans must open before the child runs start, or parents are unknown.
  override awaitHandlers = true;
  private readonly runs = new Map<string, { span: Span | undefined; ctx: Context }>();
  private readonly tracer: Tracer;
  private readonly templates: Map<string, SpanTemplate>;

  constructor(tracer: Tracer, templates: Map<string, SpanTemplate>) {
    super();
    this.tracer = tracer;
    this.templates = templates;
  }

  private open(runId: string, parentRunId: string | undefined, key: string): void {
    const parent = parentRunId ? this.runs.get(parentRunId) : undefined;
    const parentCtx = parent?.ctx ?? context.active();
    const t = this.templates.get(parent ? key : "root");
    if (!t) {
      this.runs.set(runId, { span: undefined, ctx: parentCtx });
      return;
    }
    const span = this.tracer.startSpan(t.name, { kind: t.kind, attributes: t.attributes }, parentCtx);
    this.runs.set(runId, { span, ctx: trace.setSpan(parentCtx, span) });
  }

  private close(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    run.span?.end();
  }

  override handleChainStart(
    _chain: unknown,
    _inputs: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: unknown,
    _runType?: string,
    runName?: string,
  ): void {
    this.open(runId, parentRunId, runName ?? "");
  }
  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.close(runId);
  }
  override handleChainError(_err: unknown, runId: string): void {
    this.close(runId);
  }
  override handleChatModelStart(_llm: unknown, _messages: unknown, runId: string, parentRunId?: string): void {
    this.open(runId, parentRunId, "chat");
  }
  override handleLLMEnd(_output: unknown, runId: string): void {
    this.close(runId);
  }
  override handleLLMError(_err: unknown, runId: string): void {
    this.close(runId);
  }
  override handleToolStart(_tool: unknown, _input: string, runId: string, parentRunId?: string): void {
    this.open(runId, parentRunId, "tool");
  }
  override handleToolEnd(_output: unknown, runId: string): void {
    this.close(runId);
  }
  override handleToolError(_err: unknown, runId: string): void {
    this.close(runId);
  }
}

const shutdownOf = (provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> }) => ({
  flush: () => provider.forceFlush(),
  teardown: () => provider.shutdown(),
});

/** Our handler at a given capture setting, on a provider (or the API's no-op without one). */
function ours(invoke: Invoke, captureContent: boolean, withSdk: boolean, name: string, kind: Arm["kind"]): Arm {
  return {
    name,
    kind,
    version: versionOf("@otel-agents/langchain"),
    setup: async (exporter) => {
      const provider = withSdk ? batchProvider(exporter) : undefined;
      const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider, captureContent });
      return {
        op: () => invoke([handler]),
        flush: async () => provider?.forceFlush(),
        teardown: async () => provider?.shutdown(),
        openRuns: () => handler.endOpenRuns(),
      };
    },
  };
}

export async function langchainArms(invoke: Invoke): Promise<Arm[]> {
  const templates = await captureTemplates(async (provider) => {
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider, captureContent: false });
    return () => invoke([handler]);
  });
  const require = createRequire(import.meta.url);
  const cjsManager = require("@langchain/core/callbacks/manager") as typeof CallbackManagerModule;
  return [
    {
      name: "none",
      kind: "none",
      setup: async () => ({ op: () => invoke(undefined), flush: async () => {}, teardown: async () => {} }),
    },
    {
      name: "floor",
      kind: "floor",
      note: "hand-written BaseCallbackHandler: one span per reported run, our attribute set from a template",
      setup: async (exporter) => {
        const provider = batchProvider(exporter);
        const handler = new FloorHandler(provider.getTracer("floor"), templates);
        return { op: () => invoke([handler]), ...shutdownOf(provider) };
      },
    },
    ours(invoke, false, true, "ours (capture off)", "ours-off"),
    ours(invoke, true, true, "ours (capture on)", "ours-on"),
    {
      name: "ours (no SDK: API no-op)",
      kind: "ours-nosdk",
      version: versionOf("@otel-agents/langchain"),
      note: "ours (no SDK): LangChainInstrumentation enabled as the README registers it, no TracerProvider or MeterProvider registered; runs get no handler until one is",
      setup: async () => {
        const instrumentation = new LangChainInstrumentation();
        return {
          op: () => invoke(undefined),
          flush: async () => {},
          teardown: async () => instrumentation.disable(),
        };
      },
    },
    {
      ...ours(invoke, false, false, "ours in callbacks (no SDK)", "baseline"),
      note: "ours in callbacks (no SDK): the handler passed in each run's callbacks with no SDK registered; it ignores every event, but LangChain still builds a callback manager per run for it",
    },
    {
      name: "OpenInference",
      kind: "peer",
      version: versionOf("@arizeai/openinference-instrumentation-langchain"),
      note: "OpenInference: manuallyInstrument(CallbackManager), default trace config (inputs/outputs recorded)",
      setup: async (exporter) => {
        const provider = batchProvider(exporter);
        const instrumentation = new OpenInferenceLangChain({
          tracerProvider: provider,
          instrumentationConfig: { enabled: false },
        });
        instrumentation.manuallyInstrument(CallbackManagerModule);
        return {
          op: () => invoke(undefined),
          flush: () => provider.forceFlush(),
          teardown: async () => {
            // unpatch() is private in the types but is the documented way to undo manuallyInstrument.
            (instrumentation as unknown as { unpatch(m: unknown): void }).unpatch(CallbackManagerModule);
            await provider.shutdown();
          },
        };
      },
    },
    {
      name: "OpenLLMetry",
      kind: "peer",
      version: versionOf("@traceloop/instrumentation-langchain"),
      note: "OpenLLMetry: its constructor patches CallbackManager._configureSync (ESM and CJS); traceContent default (on); the bench restores the originals after the arm",
      setup: async (exporter) => {
        const provider = batchProvider(exporter);
        const managers = [CallbackManagerModule.CallbackManager, cjsManager.CallbackManager] as unknown as Record<
          string,
          unknown
        >[];
        const originals = managers.map((m) => m._configureSync);
        const instrumentation = new TraceloopLangChain();
        instrumentation.setTracerProvider(provider);
        instrumentation.manuallyInstrument({ callbackManagerModule: CallbackManagerModule });
        // Its constructor also patches the ESM module from a dynamic import: let that settle first.
        await new Promise((resolve) => setTimeout(resolve, 50));
        return {
          op: () => invoke(undefined),
          flush: () => provider.forceFlush(),
          teardown: async () => {
            managers.forEach((m, i) => {
              m._configureSync = originals[i];
              delete m._traceloopPatched;
            });
            await provider.shutdown();
          },
        };
      },
    },
    {
      name: "Langfuse",
      kind: "peer",
      version: versionOf("@langfuse/langchain"),
      note: "Langfuse: CallbackHandler per call, setLangfuseTracerProvider (BatchSpanProcessor + no-op exporter instead of LangfuseSpanProcessor's OTLP)",
      setup: async (exporter) => {
        const provider = batchProvider(exporter);
        setLangfuseTracerProvider(provider);
        const handler = new LangfuseHandler();
        return {
          op: () => invoke([handler]),
          flush: () => provider.forceFlush(),
          teardown: async () => {
            setLangfuseTracerProvider(null);
            await provider.shutdown();
          },
        };
      },
    },
    {
      name: "LangSmith (framework's own)",
      kind: "peer",
      unavailable:
        "LangChain's own tracer (LangSmith) exports to the LangSmith API only; it has no OpenTelemetry path to a no-op exporter",
    },
  ];
}
