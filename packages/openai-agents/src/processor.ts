import type { Span, SpanData, Trace, TracingProcessor } from "@openai/agents-core";
import { diag, type TracerProvider, trace } from "@opentelemetry/api";
import {
  type AdapterOptions,
  createGuard,
  GenAITelemetry,
  maxOpenRunsOf,
  nowMs,
  type OpenRuns,
  type OperationFacts,
  RunRegistry,
  warnNoSdkOnce,
} from "@otel-agents/core/adapter";
import { Cancellations } from "./cancellation.js";
import { checkVersions } from "./compat.js";
import { type AgentsFailure, cancellationOf, failureOf, isGeneric } from "./error-type.js";
import { listenToModelCalls, type ModelCallListener, stopListening } from "./model-response.js";
import { listenToRunner, type RunnerListener, resumedAgentModel, runSignal, stopListeningToRunner } from "./runner-hooks.js";
import { endFactsOf, startOptionsOf } from "./span-facts.js";
import { SpanStore, type TraceState } from "./span-store.js";
import { SpanTree } from "./span-tree.js";
import { addStepSource, ensureStepResolver, removeStepSource, type StreamObserver } from "./step-context.js";
import { checkTracingEnabledSoon } from "./tracing-disabled.js";
import { Turns } from "./turns.js";
import { VERSION } from "./version.js";

const DONE: Promise<void> = Promise.resolve();

const NO_SDK_FIX =
  "Start one before the first run, e.g. new NodeSDK({ instrumentations: [new OpenAIAgentsInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to the OpenTelemetryTracingProcessor.";

export interface CustomModelInfo {
  /** The provider name of the model behind this agent. */
  provider?: string;
  /** The requested model name. */
  model?: string;
}

/** The adapter kit's options (providers, content capture, `maxOpenRuns` counted in Agents spans, `stepAwareContext`) plus the Agents SDK's own. */
export interface OpenTelemetryTracingProcessorOptions extends AdapterOptions {
  /**
   * Reuse the Agents trace id (`trace_<32 hex>`) as the OpenTelemetry trace id when no caller span is
   * active. Off by default: OpenTelemetry can only do this through a synthetic remote parent, so the
   * root span names a parent span id that is never exported, and a parent-based sampler decides on
   * that parent's sampled flag instead of its root sampler.
   */
  useAgentsTraceId?: boolean;
  /**
   * Provider and model of model calls the Agents SDK does not describe (custom `Model`s emit no
   * generation/response span), by agent name. Default provider: `unknown`.
   */
  customModelInfo?: (agentName: string) => CustomModelInfo | undefined;
}

/**
 * An Agents SDK `TracingProcessor` that records the GenAI semantic conventions through
 * OpenTelemetry. Every method resolves and none throws: the SDK stops calling later processors
 * after one that throws.
 *
 * This class routes the SDK's events to the jobs: the span tree (span-tree.ts: operations, parents,
 * workflows), turns and usage (turns.ts), tool-call matching (tool-calls.ts) and cancellation
 * (cancellation.ts), all over one store of spans and traces (span-store.ts).
 */
export class OpenTelemetryTracingProcessor implements TracingProcessor, OpenRuns {
  private readonly telemetry: GenAITelemetry;
  // Read by the bench (its size: operations still open).
  private readonly registry: RunRegistry;
  private readonly store: SpanStore;
  private readonly tree: SpanTree;
  private readonly turns: Turns;
  private readonly cancellations: Cancellations;
  private readonly tracerProvider: TracerProvider | undefined;
  private readonly observer: StreamObserver;
  private readonly modelCalls: ModelCallListener;
  private readonly runner: RunnerListener;
  private readonly guard = createGuard("otel-agents/openai-agents");

  constructor(options: OpenTelemetryTracingProcessorOptions = {}) {
    const { tracerProvider, meterProvider, captureContent, maxContentLength, redact, stepAwareContext } = options;
    this.telemetry = new GenAITelemetry(
      { name: "@otel-agents/openai-agents", version: VERSION },
      { tracerProvider, meterProvider, captureContent, maxContentLength, redact, stepAwareContext },
    );
    checkVersions();
    this.registry = new RunRegistry(this.telemetry, { maxOpenRuns: options.maxOpenRuns });
    this.tracerProvider = tracerProvider;
    // Each try/catch stands for the guard: a closure for it would be made on every call.
    this.observer = {
      streamStarted: (spanId) => {
        try {
          this.turns.streamStarted(spanId);
        } catch (err) {
          this.failed("streamStarted", err);
        }
      },
      firstChunk: (spanId, timeMs) => {
        try {
          this.turns.firstChunk(spanId, timeMs);
        } catch (err) {
          this.failed("firstChunk", err);
        }
      },
      cancelled: (traceId, spanId, reason) => {
        try {
          this.cancellations.cancelled(traceId, spanId, reason);
        } catch (err) {
          this.failed("cancelled", err);
        }
      },
    };
    this.store = new SpanStore(2 * maxOpenRunsOf(options.maxOpenRuns), this.observer);
    this.tree = new SpanTree(this.registry, this.store, options.useAgentsTraceId === true);
    this.turns = new Turns(this.tree, this.store, this.telemetry, options.customModelInfo);
    this.cancellations = new Cancellations(this.store);
    this.modelCalls = {
      modelCallStarted: (traceId, spanId, requested) => {
        try {
          this.turns.modelCallStarted(traceId, spanId, requested);
        } catch (err) {
          this.failed("modelCallStarted", err);
        }
      },
      modelCallFinished: (traceId, spanId, facts) => {
        try {
          this.turns.modelCallFinished(traceId, spanId, facts);
        } catch (err) {
          this.failed("modelCallFinished", err);
        }
      },
    };
    this.runner = {
      toolCallStarted: (traceId, spanId, callId, description) => {
        try {
          const node = this.store.node(spanId);
          if (node?.traceId === traceId && node.type === "function") {
            node.toolCallId = callId;
            node.toolDescription = description;
          }
        } catch (err) {
          this.failed("toolCallStarted", err);
        }
      },
      agentStarted: (traceId, spanId, requested) => {
        try {
          this.turns.agentStarted(traceId, spanId, requested);
        } catch (err) {
          this.failed("agentStarted", err);
        }
      },
    };
    this.listen();
    ensureStepResolver();
    checkTracingEnabledSoon();
  }

  // Not `async`: these run for every span of every run, and the SDK only awaits the promise. No
  // closure for the guard either (one per call): only a thrown error reaches it.
  onTraceStart(t: Trace): Promise<void> {
    try {
      if (this.idle) {
        warnNoSdkOnce("otel-agents/openai-agents", "an OpenAI Agents run started", NO_SDK_FIX);
        return DONE;
      }
      // Again after a shutdown: `setTraceProcessors` shuts down the processors it replaces, this
      // one too when it stays in the new list, and it then goes on recording.
      this.listen();
      this.tree.traceStarted(t);
    } catch (err) {
      this.failed("onTraceStart", err);
    }
    return DONE;
  }

  /** Hears what the watched models and the runner say (idempotent). */
  private listen(): void {
    listenToModelCalls(this.modelCalls);
    listenToRunner(this.runner);
    addStepSource(this.store);
  }

  onTraceEnd(t: Trace): Promise<void> {
    try {
      this.tree.traceEnded(t.traceId);
    } catch (err) {
      this.failed("onTraceEnd", err);
    }
    return DONE;
  }

  onSpanStart(span: Span<SpanData>): Promise<void> {
    try {
      if (!this.idle) this.spanStarted(span);
    } catch (err) {
      this.failed("onSpanStart", err);
    }
    return DONE;
  }

  onSpanEnd(span: Span<SpanData>): Promise<void> {
    try {
      this.spanEnded(span);
    } catch (err) {
      this.failed("onSpanEnd", err);
    }
    return DONE;
  }

  /** Reports an error a hook caught through the guard: a warning the first time per hook, then debug. */
  private failed(hook: string, err: unknown): void {
    this.guard(hook, () => {
      throw err;
    });
  }

  /**
   * Nothing would be recorded (no TracerProvider or MeterProvider) and nothing is tracked: new
   * traces and spans are then not tracked at all, so an app with no SDK pays only the Agents SDK's
   * own bookkeeping. Their ends find nothing and are ignored.
   */
  private get idle(): boolean {
    return this.store.empty && !this.telemetry.active;
  }

  /** Spans still open (started, not yet ended), workflows included; 0 when idle. */
  get openRuns(): number {
    return this.registry.size;
  }

  /**
   * Ends every span still open as orphaned (`error.type` otel_agents.orphaned) and returns how many;
   * later events of those runs start nothing. The processor goes on recording new runs.
   */
  endOpenRuns(): number {
    return (
      this.guard("endOpenRuns", () => {
        // Late events of runs cut off here must not start new root spans.
        this.store.closeAll();
        return this.tree.endAll();
      }) ?? 0
    );
  }

  /** Ends every span still open as orphaned (`error.type` otel_agents.orphaned), then flushes. */
  async shutdown(_timeout?: number): Promise<void> {
    this.endOpenRuns();
    this.guard("shutdown", () => {
      stopListening(this.modelCalls);
      stopListeningToRunner(this.runner);
      removeStepSource(this.store);
    });
    await this.flushProvider();
  }

  /** Flushes the tracer provider. Open spans stay open: their runs may still be going. */
  async forceFlush(): Promise<void> {
    await this.flushProvider();
  }

  private async flushProvider(): Promise<void> {
    try {
      const provider = (this.tracerProvider ?? trace.getTracerProvider()) as {
        forceFlush?: () => Promise<void>;
        getDelegate?: () => { forceFlush?: () => Promise<void> };
      };
      const target = typeof provider.forceFlush === "function" ? provider : provider.getDelegate?.();
      await target?.forceFlush?.();
    } catch (err) {
      diag.debug("otel-agents: forceFlush of the tracer provider failed", err);
    }
  }

  /**
   * How a span ended: its own error, unless the run was cancelled and that error says no more than
   * "Error" (a cancelled OpenAI request, or any error with sensitive data off). A cancelled streamed
   * run the SDK ends as if nothing happened: then the cancellation is the only failure.
   */
  private failureOf(span: Span<SpanData>, state: TraceState | undefined): AgentsFailure | undefined {
    const own = failureOf(span.error);
    if (own && !isGeneric(own)) return own;
    const signal = runSignal();
    const cancelled =
      this.cancellations.failureOf(state, span.spanId) ?? (signal?.aborted ? cancellationOf(signal.reason) : undefined);
    return cancelled ?? own;
  }

  // ---- routing: each Agents span type to the job that handles it -------------------------------

  private spanStarted(span: Span<SpanData>): void {
    if (this.store.node(span.spanId) || this.store.isClosed(span.traceId)) return;
    if (span.parentId === null) this.topLevelStarted(span.traceId);
    const data = span.spanData;
    const node = this.store.addSpan(span.spanId, span.traceId, span.parentId, data.type, nowMs());
    switch (data.type) {
      case "task":
        // Folded: its children hang from its parent; usage comes per model call from turns.
        this.tree.runStarted(span, node, data.name);
        return;
      case "turn":
        this.turns.started(span, node, data.agent_name);
        return;
      case "handoff":
        // Its step is made at its end, when `to_agent` (and so its name) is known.
        this.tree.handoffStarted(span.traceId);
        this.turns.toolStarted(span.parentId, node);
        return;
      case "response":
      case "generation":
        this.turns.inferenceStarted(span, node, data);
        return;
      case "function":
        this.turns.toolStarted(span.parentId, node);
        node.handle = this.tree.startOp(span, startOptionsOf(data));
        return;
      case "agent": {
        this.tree.agentStarted(span, node, data);
        // A run resumed mid-agent (after an approval): the runner does not announce the agent again.
        const resumed = resumedAgentModel(data.name);
        if (resumed) node.requested = resumed;
        return;
      }
      default:
        node.handle = this.tree.startOp(span, startOptionsOf(data));
        return;
    }
  }

  /**
   * A top-level span (a run's task, or its agent without task spans) starts. In a trace that
   * already ended, it is a run resumed from an in-memory RunState: the trace is reopened.
   */
  private topLevelStarted(traceId: string): void {
    const state = this.store.trace(traceId) ?? this.tree.traceResumed(traceId);
    if (state?.reopened) state.topOpen++;
  }

  private spanEnded(span: Span<SpanData>): void {
    if (this.store.isClosed(span.traceId)) return;
    let node = this.store.node(span.spanId);
    if (!node) {
      // Its start never reached us (registered mid-run, or an earlier processor delayed it), or
      // came while idle: then there is nothing to end.
      if (this.idle) return;
      this.spanStarted(span);
      node = this.store.node(span.spanId);
      if (!node) return;
    }
    // Code running after its span ended is no longer inside the step.
    this.store.spanEnded(node);
    const data = span.spanData;
    const state = this.store.trace(span.traceId);
    const failure = this.failureOf(span, state);
    if (state?.entry === node) state.entry = undefined;
    switch (data.type) {
      case "task":
        if (span.parentId === null && state) this.tree.runEnded(span.traceId, state, failure);
        break;
      case "turn":
        if (node.turn) this.turns.ended(node.turn, data.usage, failure);
        break;
      case "handoff":
        this.tree.handoffEnded(span, node, data.from_agent, data.to_agent);
        break;
      case "response":
      case "generation":
        this.turns.inferenceEnded(span, node, failure);
        break;
      case "function": {
        const facts: OperationFacts = endFactsOf(data, this.telemetry.captureContent);
        const tool = this.store.enclosingTurn(span.parentId)?.tools?.claim(data.name, data.input);
        // The runner's own word on the call id wins over matching the model's calls by name and input;
        // the description the model was given over the tool's own. `claim` made `tool` for this span
        // alone: completed in place.
        if (tool) {
          if (node.toolCallId !== undefined) tool.callId = node.toolCallId;
          tool.description ??= node.toolDescription;
          facts.tool = tool;
        } else if (node.toolCallId !== undefined || node.toolDescription !== undefined) {
          facts.tool = { callId: node.toolCallId, description: node.toolDescription };
        }
        this.tree.finishOp(span.spanId, facts, failure);
        break;
      }
      default:
        this.tree.finishOp(span.spanId, endFactsOf(data, this.telemetry.captureContent), failure);
        break;
    }
    // No onTraceEnd comes for a reopened trace (see topLevelStarted).
    if (span.parentId === null && state?.reopened && --state.topOpen === 0) this.tree.traceEnded(span.traceId);
  }
}
