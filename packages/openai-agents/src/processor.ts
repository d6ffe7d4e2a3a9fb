import type { Span, SpanData, Trace, TracingProcessor } from "@openai/agents-core";
import { type Context, context, diag, type MeterProvider, type TracerProvider, trace } from "@opentelemetry/api";
import {
  type ContentOptions,
  ERROR_TYPE,
  GenAITelemetry,
  MAX_ANCESTOR_HOPS,
  maxOpenRunsOf,
  nowMs,
  type OperationFacts,
  type OperationHandle,
  RunRegistry,
  type StartOptions,
  type Usage,
} from "@otel-agents/core/adapter";
import { checkVersions } from "./compat.js";
import { type AgentsFailure, cancellationOf, failureOf, isGuardrailTrip } from "./error-type.js";
import {
  generationEndFacts,
  generationProvider,
  generationStartFacts,
  type InferenceFacts,
  type RequestedToolCall,
  responseEndFacts,
  turnUsage,
} from "./inference.js";
import { listenToModelCalls, type ModelCallFacts, type ModelCallListener, stopListening } from "./model-response.js";
import { endFactsOf, FRAMEWORK_NAME, startOptionsOf } from "./span-facts.js";
import {
  ensureStepResolver,
  type StreamObserver,
  trackSpan,
  trackTrace,
  untrackAll,
  untrackSpan,
  untrackTrace,
} from "./step-context.js";
import { adoptedTraceContext } from "./trace-root.js";
import { checkTracingEnabledSoon } from "./tracing-disabled.js";
import { VERSION } from "./version.js";
import { appWorkflowName, hasHandoffs, startAbove } from "./workflow.js";

const DONE: Promise<void> = Promise.resolve();

export interface CustomModelInfo {
  /** The provider name of the model behind this agent. */
  provider?: string;
  /** The requested model name. */
  model?: string;
}

export interface OpenTelemetryTracingProcessorOptions extends ContentOptions {
  /** Default: the global TracerProvider. */
  tracerProvider?: TracerProvider;
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** Most Agents spans kept open at once; beyond it the oldest is ended (`error.type` otel_agents.evicted). Default 10,000. */
  maxOpenRuns?: number;
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
  /**
   * Wrap the context manager the SDK registers (now, or once it registers one) so that code inside a
   * step sees the step's span as active. Default: true.
   */
  stepAwareContext?: boolean;
}

/** A model call seen as a response/generation span, waiting for its turn's usage. */
interface InferenceCall {
  id: string;
  handle: OperationHandle;
  ended: boolean;
  /** Set when its Agents span ended but the handle waits for the turn's usage. */
  pending?: { endMs: number; facts: OperationFacts; failure: AgentsFailure | undefined };
  toolCalls: RequestedToolCall[];
}

/** A turn: one model call and the tools/handoffs it asked for. Not a span of its own. */
interface TurnState {
  id: string;
  parentId: string | null;
  agentName: string | undefined;
  conversationId: string | undefined;
  parent: Context;
  startMs: number;
  firstChildMs: number | undefined;
  ranTools: boolean;
  calls: InferenceCall[];
  toolCalls: RequestedToolCall[];
  /** Usage of model calls in runs nested in this turn (agents as tools): the runner counts it in the turn's. */
  nested: Usage | undefined;
  /** A streamed model request started in this turn (seen by `instrumentModel`), not yet claimed by a model span. */
  streaming: boolean;
  /** First chunk of a custom Model's stream (its chat span is only made at the turn's end). */
  firstChunkMs: number | undefined;
  /** Tool name -> the description its model was given (Responses span, or `instrumentModel`). */
  descriptions?: Map<string, string>;
  /** What `instrumentModel` saw of the turn's model response. */
  model?: { responseId: string | undefined; reasoningOutputTokens: number | undefined };
}

interface NodeState {
  traceId: string;
  parentId: string | null;
  type: SpanData["type"];
  /** The operation this span maps to; undefined for folded spans (task, turn) and pending handoffs. */
  handle?: OperationHandle;
  turn?: TurnState;
  /** A model call made through `instrumentModel`'s streaming path. */
  streamed?: boolean;
  /** A top-level run started under a span the app made active inside the workflow: its parent. */
  runParent?: Context;
  startMs: number;
}

interface TraceState {
  /** The workflow span, once the trace is found to be one (see workflow.ts); never for a standalone run. */
  workflow: OperationHandle | undefined;
  /** The trace's name: the app's `withTrace` name or Runner `workflowName`, else the SDK's default. */
  name: string;
  /** Where the trace started (the caller's context): the parent of the workflow, or of a standalone run's agent. */
  root: Context;
  startMs: number;
  /** Top-level runs started so far. */
  runs: number;
  /** Start of the current top-level run: a workflow found during it starts there. */
  runStartMs: number;
  /** The top-level agent of a run without a workflow so far, while it runs: a workflow found now goes above it. */
  entry: { id: string; handle: OperationHandle } | undefined;
  conversationId: string | undefined;
  failure: AgentsFailure | undefined;
  /**
   * Runs whose AbortSignal fired (seen by `instrumentModel`), by their top-level span: their spans that
   * end later end as failed with it. Other runs of the same trace (`withTrace`) are not affected.
   */
  cancelled?: Map<string, AgentsFailure>;
  spanIds: Set<string>;
  openRuns: number;
}

/**
 * An Agents SDK `TracingProcessor` that records the GenAI semantic conventions through
 * OpenTelemetry. Every method resolves and none throws: the SDK stops calling later processors
 * after one that throws.
 */
export class OpenTelemetryTracingProcessor implements TracingProcessor {
  private readonly telemetry: GenAITelemetry;
  private readonly registry: RunRegistry;
  private readonly traces = new Map<string, TraceState>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly closedTraces = new Set<string>();
  private readonly tracerProvider: TracerProvider | undefined;
  private readonly useAgentsTraceId: boolean;
  private readonly customModelInfo: OpenTelemetryTracingProcessorOptions["customModelInfo"];
  private readonly maxNodes: number;
  private readonly observer: StreamObserver;
  private readonly modelCalls: ModelCallListener;

  constructor(options: OpenTelemetryTracingProcessorOptions = {}) {
    const { tracerProvider, meterProvider, captureContent, maxContentLength, redact, stepAwareContext } = options;
    this.telemetry = new GenAITelemetry(
      { name: "@otel-agents/openai-agents", version: VERSION },
      { tracerProvider, meterProvider, captureContent, maxContentLength, redact, stepAwareContext },
    );
    checkVersions();
    this.registry = new RunRegistry(this.telemetry, { maxOpenRuns: options.maxOpenRuns });
    this.tracerProvider = tracerProvider;
    this.useAgentsTraceId = options.useAgentsTraceId === true;
    this.customModelInfo = options.customModelInfo;
    this.maxNodes = 2 * maxOpenRunsOf(options.maxOpenRuns);
    this.observer = {
      streamStarted: (spanId) => this.guard("streamStarted", () => this.streamStarted(spanId)),
      firstChunk: (spanId, timeMs) => this.guard("firstChunk", () => this.firstChunk(spanId, timeMs)),
      cancelled: (traceId, spanId, reason) => this.guard("cancelled", () => this.runCancelled(traceId, spanId, reason)),
    };
    this.modelCalls = {
      modelCallFinished: (traceId, spanId, facts) =>
        this.guard("modelCallFinished", () => this.modelCallFinished(traceId, spanId, facts)),
    };
    listenToModelCalls(this.modelCalls);
    ensureStepResolver();
    checkTracingEnabledSoon();
  }

  // Not `async`, and no closure per event: these run for every span of every run, and the SDK
  // only awaits the promise.
  onTraceStart(t: Trace): Promise<void> {
    try {
      if (!this.idle) this.traceStarted(t);
    } catch (err) {
      this.failed("onTraceStart", err);
    }
    return DONE;
  }

  onTraceEnd(t: Trace): Promise<void> {
    try {
      this.traceEnded(t);
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

  /**
   * Nothing would be recorded (no TracerProvider or MeterProvider) and nothing is tracked: new
   * traces and spans are then not tracked at all, so an app with no SDK pays only the Agents SDK's
   * own bookkeeping. Their ends find nothing and are ignored.
   */
  private get idle(): boolean {
    return this.nodes.size === 0 && this.traces.size === 0 && !this.telemetry.active;
  }

  /** Spans still open (started, not yet ended), workflows included; 0 when idle. */
  get openRuns(): number {
    return this.registry.size;
  }

  /** Ends every span still open as orphaned (`error.type` otel_agents.orphaned), then flushes. */
  async shutdown(_timeout?: number): Promise<void> {
    this.guard("shutdown", () => {
      // Late events of runs cut off here must not start new root spans.
      for (const id of this.traces.keys()) this.closedTraces.add(id);
      if (this.closedTraces.size > this.maxNodes) this.closedTraces.clear();
      this.registry.endAll();
      this.traces.clear();
      this.nodes.clear();
      untrackAll(this.observer);
      stopListening(this.modelCalls);
    });
    await this.flushProvider();
  }

  /** Flushes the tracer provider. Open spans stay open: their runs may still be going. */
  async forceFlush(): Promise<void> {
    await this.flushProvider();
  }

  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.failed(where, err);
    }
  }

  private failed(where: string, err: unknown): void {
    diag.warn(`otel-agents: OpenAI Agents ${where} failed; ignoring`, err);
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

  // ---- traces -------------------------------------------------------------------------------

  private traceStarted(t: Trace): void {
    if (this.traces.has(t.traceId)) return;
    // Events arrive in the caller's async context: its active span is the workflow's parent.
    let parent = context.active();
    if (this.useAgentsTraceId) parent = adoptedTraceContext(parent, t.traceId);
    const startMs = nowMs();
    // The workflow span, if any, is decided by the runs that follow (see workflow.ts).
    this.traces.set(t.traceId, {
      workflow: undefined,
      name: typeof t.name === "string" ? t.name : "",
      root: parent,
      startMs,
      runs: 0,
      runStartMs: startMs,
      entry: undefined,
      conversationId: t.groupId ?? undefined,
      failure: undefined,
      spanIds: new Set(),
      openRuns: 0,
    });
    if (this.traces.size > this.maxNodes) {
      const oldest = this.traces.keys().next();
      if (!oldest.done) {
        this.traces.delete(oldest.value);
        untrackTrace(this.observer, oldest.value);
      }
    }
  }

  private traceEnded(t: Trace): void {
    const state = this.traces.get(t.traceId);
    if (!state) return;
    this.traces.delete(t.traceId);
    untrackTrace(this.observer, t.traceId);
    for (const id of state.spanIds) {
      this.nodes.delete(id);
      untrackSpan(this.observer, id);
      // A span whose end never came (a cancelled stream, an SDK path that skips it): nothing will
      // end it once its trace is over.
      const open = this.registry.get(id);
      if (open) {
        open.failWithType(ERROR_TYPE.orphaned);
        this.registry.end(id);
      }
    }
    if (!state.workflow) return;
    if (state.failure) this.registry.fail(t.traceId, state.failure);
    else this.registry.end(t.traceId);
  }

  // ---- workflow (conventions #354) ------------------------------------------------------------

  /** Starts the trace's workflow span under `parent` (default: where the trace started). */
  private startWorkflow(traceId: string, state: TraceState, name: string | undefined, parent = state.root): OperationHandle {
    const workflow = this.registry.start(traceId, {
      operation: "invoke_workflow",
      workflowName: name,
      conversationId: state.conversationId,
      framework: { name: FRAMEWORK_NAME, traceId },
      fallbackParent: parent,
      startTime: state.runStartMs,
    });
    state.workflow = workflow;
    trackTrace(this.observer, traceId, workflow);
    return workflow;
  }

  /**
   * A top-level run starts. A trace the app opened with `withTrace(name)` (its name differs from
   * the run's task, which the Runner names) is an app-defined workflow, whatever its runs do.
   */
  private topLevelRunStarted(traceId: string, state: TraceState, taskName: unknown, node: NodeState): void {
    state.runs++;
    if (state.runs > 1) state.runStartMs = node.startMs;
    if (!state.workflow && state.runs === 1 && typeof taskName === "string" && taskName !== state.name) {
      this.startWorkflow(traceId, state, appWorkflowName(state.name) ?? appWorkflowName(taskName));
    }
  }

  /**
   * A run's top-level agent starts: with handoffs it coordinates agents, and the workflow starts
   * now (named by the app, else by this entry agent). Without, it may still use agents as tools:
   * that is only known when one runs, so it is kept as the entry a workflow would go above.
   */
  private topLevelAgentStarted(traceId: string, state: TraceState, data: SpanData, span: Span<SpanData>, node: NodeState): void {
    const agentName = data.type === "agent" ? data.name : undefined;
    if (!state.workflow && data.type === "agent" && hasHandoffs(data.handoffs)) {
      this.startWorkflow(traceId, state, appWorkflowName(state.name) ?? appWorkflowName(agentName));
    }
    node.handle = this.startOp(span, startOptionsOf(data));
    if (!state.workflow) state.entry = { id: span.spanId, handle: node.handle };
  }

  /**
   * The run turned out to coordinate agents (an agent ran inside a tool, or a handoff the entry
   * agent did not list at start): the workflow goes above the entry agent, still open.
   */
  private promote(traceId: string, state: TraceState): void {
    const entry = state.entry;
    state.entry = undefined;
    if (state.workflow || !entry || entry.handle.isEnded) return;
    const name = appWorkflowName(state.name) ?? appWorkflowName(entry.handle.facts.agent?.name);
    startAbove(entry.handle.span, state.root, (parent) => this.startWorkflow(traceId, state, name, parent));
  }

  /** Whether only folded spans (tasks) are above `parentId`: the span is a top-level one of its trace. */
  private atTop(parentId: string | null): boolean {
    let id = parentId;
    for (let hops = 0; hops < MAX_ANCESTOR_HOPS; hops++) {
      if (id === null) return true;
      const node = this.nodes.get(id);
      if (!node || node.handle || node.type !== "task") return false;
      id = node.parentId;
    }
    return false;
  }

  /** Whether a tool (function span) encloses `parentId`. */
  private insideTool(parentId: string | null): boolean {
    let id = parentId;
    for (let hops = 0; id !== null && hops < MAX_ANCESTOR_HOPS; hops++) {
      const node = this.nodes.get(id);
      if (!node) return false;
      if (node.type === "function") return true;
      id = node.parentId;
    }
    return false;
  }

  // ---- spans --------------------------------------------------------------------------------

  private spanStarted(span: Span<SpanData>): void {
    if (this.nodes.has(span.spanId) || this.closedTraces.has(span.traceId)) return;
    const data = span.spanData;
    const node: NodeState = { traceId: span.traceId, parentId: span.parentId, type: data.type, startMs: nowMs() };
    this.remember(span.spanId, node);
    const turn = this.enclosingTurn(span.parentId);
    switch (data.type) {
      case "task": {
        // Folded: its children hang from its parent; usage comes per model call from turns.
        const state = this.traces.get(span.traceId);
        if (!state) return;
        if (span.parentId === null) {
          state.openRuns++;
          this.topLevelRunStarted(span.traceId, state, data.name, node);
          if (state.workflow) node.runParent = userSpanInside(state.workflow);
        } else if (this.insideTool(span.parentId)) {
          // A run inside a tool: an agent used as a tool.
          this.promote(span.traceId, state);
        }
        return;
      }
      case "turn":
        node.turn = {
          id: span.spanId,
          parentId: span.parentId,
          agentName: data.agent_name,
          conversationId: this.traces.get(span.traceId)?.conversationId,
          nested: undefined,
          streaming: false,
          firstChunkMs: undefined,
          parent: this.parentContext(span),
          startMs: node.startMs,
          firstChildMs: undefined,
          ranTools: false,
          calls: [],
          toolCalls: [],
        };
        return;
      case "handoff": {
        // Started at its end, when `to_agent` (and so its name) is known; it has no children.
        const state = this.traces.get(span.traceId);
        if (state && !state.workflow) this.promote(span.traceId, state);
        if (turn) {
          turn.firstChildMs ??= node.startMs;
          turn.ranTools = true;
        }
        return;
      }
      case "response":
      case "generation": {
        const provider = data.type === "generation" ? generationProvider(data) : undefined;
        const isOpenAI = provider === undefined;
        const facts = data.type === "generation" ? generationStartFacts(data) : {};
        // The streamed request the turn announced is this call's.
        const stream = turn?.streaming === true;
        if (turn) turn.streaming = false;
        node.streamed = stream;
        node.handle = this.startOp(span, {
          operation: "chat",
          provider: provider ?? "openai",
          ...facts,
          ...(stream ? { request: { ...facts.request, stream } } : {}),
          openai: isOpenAI ? { apiType: data.type === "response" ? "responses" : "chat_completions" } : undefined,
        });
        turn?.calls.push({ id: span.spanId, handle: node.handle, ended: false, toolCalls: [] });
        return;
      }
      case "function":
        if (turn) {
          turn.firstChildMs ??= node.startMs;
          turn.ranTools = true;
        }
        node.handle = this.startOp(span, startOptionsOf(data));
        return;
      case "agent": {
        const state = this.traces.get(span.traceId);
        if (state && this.atTop(span.parentId)) {
          this.topLevelAgentStarted(span.traceId, state, data, span, node);
          return;
        }
        // Without task spans (`includeTaskAndTurnSpans: false`) a nested run shows as an agent in a tool.
        if (state && !state.workflow && this.insideTool(span.parentId)) this.promote(span.traceId, state);
        node.handle = this.startOp(span, startOptionsOf(data));
        return;
      }
      default:
        node.handle = this.startOp(span, startOptionsOf(data));
        return;
    }
  }

  private spanEnded(span: Span<SpanData>): void {
    if (this.closedTraces.has(span.traceId)) return;
    let node = this.nodes.get(span.spanId);
    if (!node) {
      // Its start never reached us (registered mid-run, or an earlier processor delayed it), or
      // came while idle: then there is nothing to end.
      if (this.idle) return;
      this.spanStarted(span);
      node = this.nodes.get(span.spanId);
      if (!node) return;
    }
    // Code running after its span ended is no longer inside the step.
    untrackSpan(this.observer, span.spanId);
    const data = span.spanData;
    const state = this.traces.get(span.traceId);
    // A cancelled run: the SDK ends its spans as if nothing happened.
    const failure =
      failureOf(span.error) ?? (state?.cancelled ? this.cancellationOfRun(state.cancelled, span.spanId) : undefined);
    if (state?.entry?.id === span.spanId) state.entry = undefined;
    switch (data.type) {
      case "task":
        if (span.parentId === null && state) this.runEnded(span.traceId, state, failure);
        break;
      case "turn":
        if (node.turn) this.turnEnded(node.turn, data.usage, failure);
        break;
      case "handoff":
        this.handoffEnded(span, node, data.from_agent, data.to_agent);
        break;
      case "response":
      case "generation":
        this.inferenceEnded(span, failure);
        break;
      case "function": {
        const facts: OperationFacts = endFactsOf(data);
        const callId = this.matchToolCall(span.parentId, data.name, data.input);
        const description = this.enclosingTurn(span.parentId)?.descriptions?.get(data.name);
        if (callId || description) facts.tool = { callId, description };
        this.finishOp(span.spanId, facts, failure);
        break;
      }
      default:
        this.finishOp(span.spanId, endFactsOf(data), failure);
        break;
    }
  }

  /**
   * A top-level run ended. The SDK never ends a trace whose run threw (0.20 skips `trace.end()`
   * on error), so a failed run ends the workflow itself when no other run of the trace is open.
   */
  private runEnded(traceId: string, state: TraceState, failure: AgentsFailure | undefined): void {
    state.openRuns = Math.max(0, state.openRuns - 1);
    if (!failure) return;
    state.failure = failure;
    if (state.openRuns === 0 && state.workflow) this.registry.fail(traceId, failure);
  }

  private startOp(span: Span<SpanData>, options: StartOptions): OperationHandle {
    const state = this.traces.get(span.traceId);
    // One copy of the options, passed on as it is; the fallback parent below takes the place of
    // any `parent` in them.
    return this.registry.start(span.spanId, {
      ...(options as Omit<StartOptions, "parent">),
      conversationId: state?.conversationId,
      framework: {
        name: FRAMEWORK_NAME,
        runId: span.spanId,
        parentRunId: span.parentId ?? undefined,
        traceId: span.traceId,
      },
      fallbackParent: this.parentContext(span),
    });
  }

  private finishOp(id: string, facts: OperationFacts, failure: AgentsFailure | undefined, endMs?: number): void {
    if (failure) this.registry.fail(id, failure, facts, endMs);
    else this.registry.end(id, facts, endMs);
  }

  /** The context of the nearest ancestor that is an operation; folded spans are skipped. */
  private parentContext(span: Span<SpanData>): Context {
    let id = span.parentId;
    for (let hops = 0; id !== null && hops < MAX_ANCESTOR_HOPS; hops++) {
      const node = this.nodes.get(id);
      if (!node) break;
      if (node.handle) return node.handle.context;
      if (node.turn) return node.turn.parent;
      if (node.runParent) return node.runParent;
      id = node.parentId;
    }
    const state = this.traces.get(span.traceId);
    return state ? (state.workflow?.context ?? state.root) : context.active();
  }

  private enclosingTurn(parentId: string | null): TurnState | undefined {
    let id = parentId;
    for (let hops = 0; id !== null && hops < MAX_ANCESTOR_HOPS; hops++) {
      const node = this.nodes.get(id);
      if (!node || node.handle) return undefined;
      if (node.turn) return node.turn;
      id = node.parentId;
    }
    return undefined;
  }

  private remember(id: string, node: NodeState): void {
    this.nodes.set(id, node);
    trackSpan(this.observer, id, node);
    this.traces.get(node.traceId)?.spanIds.add(id);
    if (this.nodes.size > this.maxNodes) {
      const oldest = this.nodes.keys().next();
      if (!oldest.done) {
        this.nodes.delete(oldest.value);
        untrackSpan(this.observer, oldest.value);
      }
    }
  }

  // ---- model calls --------------------------------------------------------------------------

  private inferenceEnded(span: Span<SpanData>, failure: AgentsFailure | undefined): void {
    const data = span.spanData;
    const capture = this.telemetry.captureContent;
    let info: InferenceFacts | undefined;
    if (data.type === "response") info = responseEndFacts(data, capture);
    else if (data.type === "generation") info = generationEndFacts(data, capture);
    if (!info) return;
    // A streamed Chat Completions call leaves the SDK's own completion object here, whose `model`
    // is the requested one (the chunks' model is never copied in): not the response's model.
    if (data.type === "generation" && this.nodes.get(span.spanId)?.streamed) info.facts.responseModel = undefined;
    const turn = this.enclosingTurn(span.parentId);
    const call = turn?.calls.find((c) => c.id === span.spanId);
    if (turn) {
      turn.toolCalls.push(...info.toolCalls);
      if (info.toolDescriptions?.size) turn.descriptions = new Map([...(turn.descriptions ?? []), ...info.toolDescriptions]);
    }
    if (call && !info.hasUsage) {
      // Usage (and, for failures, the error's class name) arrive with the turn: wait for it.
      call.pending = { endMs: nowMs(), facts: info.facts, failure };
      return;
    }
    if (call) call.ended = true;
    if (info.facts.usage && turn) this.addToEnclosingTurns(turn.parentId, info.facts.usage);
    this.finishOp(span.spanId, info.facts, failure);
  }

  /** Counts a nested model call's usage in every turn above it, so that those turns can take it out. */
  private addToEnclosingTurns(parentId: string | null, usage: Usage): void {
    let id = parentId;
    for (let hops = 0; id !== null && hops < MAX_ANCESTOR_HOPS; hops++) {
      const node = this.nodes.get(id);
      if (!node) return;
      if (node.turn) node.turn.nested = plus(node.turn.nested, usage);
      id = node.parentId;
    }
  }

  private turnEnded(turn: TurnState, rawUsage: Parameters<typeof turnUsage>[0], failure: AgentsFailure | undefined): void {
    const usage = turnUsage(rawUsage);
    const finishReason = turn.ranTools ? "tool_call" : "stop";
    if (turn.calls.length > 0) {
      // One model call per turn: its usage is the turn's. More than one cannot be split; leave them without.
      const single = turn.calls.length === 1;
      for (const call of turn.calls) {
        if (call.ended || !call.pending) continue;
        call.ended = true;
        const { endMs, facts, failure: own } = call.pending;
        const merged: OperationFacts = { ...facts };
        if (single && usage && !own) merged.usage = withReasoning(minus(usage, turn.nested), turn);
        if (single && !merged.responseId) merged.responseId = turn.model?.responseId;
        if (merged.usage) this.addToEnclosingTurns(turn.parentId, merged.usage);
        if (!merged.finishReasons && !own) merged.finishReasons = [finishReason];
        const callFailure = own && failure && !isGuardrailTrip(failure) && own.name === "_OTHER" ? failure : own;
        this.finishOp(call.id, merged, callFailure, endMs);
      }
      return;
    }
    // No generation/response span: a custom Model. A turn with usage had exactly one completed call;
    // a failed turn without usage or children failed in its model call.
    const modelFailed =
      failure !== undefined && usage === undefined && turn.firstChildMs === undefined && !isGuardrailTrip(failure);
    if (!usage && !modelFailed) return;
    const info = this.customModelInfo?.(turn.agentName ?? "");
    const handle = this.telemetry.start({
      operation: "chat",
      provider: info?.provider ?? "unknown",
      requestModel: info?.model,
      ...(turn.streaming ? { request: { stream: true } } : {}),
      conversationId: turn.conversationId,
      parent: turn.parent,
      startTime: turn.startMs,
    });
    if (turn.firstChunkMs !== undefined) handle.recordFirstChunk(turn.firstChunkMs);
    const endMs = turn.firstChildMs ?? nowMs();
    if (modelFailed && failure) {
      handle.fail(failure, undefined, endMs);
      return;
    }
    const own = usage ? withReasoning(minus(usage, turn.nested), turn) : undefined;
    if (own) this.addToEnclosingTurns(turn.parentId, own);
    handle.end({ usage: own, finishReasons: [finishReason], responseId: turn.model?.responseId }, endMs);
  }

  /**
   * A model call seen by `instrumentModel`: what its span could not say (a custom Model traces no
   * response; a Chat Completions span lists no tools) is kept on its turn.
   */
  private modelCallFinished(traceId: string, spanId: string, facts: ModelCallFacts): void {
    const node = this.nodes.get(spanId);
    if (!node || node.traceId !== traceId) return;
    const turn = node.turn ?? this.enclosingTurn(node.parentId);
    if (!turn) return;
    for (const c of facts.toolCalls) if (!turn.toolCalls.some((t) => t.callId === c.callId)) turn.toolCalls.push(c);
    if (facts.toolDescriptions.size > 0) turn.descriptions = new Map([...(turn.descriptions ?? []), ...facts.toolDescriptions]);
    turn.model = { responseId: facts.responseId, reasoningOutputTokens: facts.usage?.reasoningOutputTokens };
  }

  private matchToolCall(parentId: string | null, name: string, input: string): string | undefined {
    const turn = this.enclosingTurn(parentId);
    if (!turn || turn.toolCalls.length === 0) return undefined;
    const sameName = turn.toolCalls.filter((c) => c.name === name);
    const hit = sameName.find((c) => c.arguments === input) ?? sameName[0];
    if (!hit) return undefined;
    turn.toolCalls.splice(turn.toolCalls.indexOf(hit), 1);
    return hit.callId;
  }

  // ---- streaming (through instrumentModel) --------------------------------------------------

  private streamStarted(spanId: string): void {
    const turn = this.enclosingTurn(spanId);
    if (turn) turn.streaming = true;
  }

  private firstChunk(spanId: string, timeMs: number): void {
    const node = this.nodes.get(spanId);
    if (!node) return;
    if (node.handle && (node.type === "response" || node.type === "generation")) {
      node.handle.recordFirstChunk(timeMs);
      return;
    }
    // A custom Model: the turn is current, and its chat span is made at the turn's end.
    if (node.turn && node.turn.calls.length === 0) node.turn.firstChunkMs ??= timeMs;
  }

  // ---- cancellation (through instrumentModel) -------------------------------------------------

  /** The AbortSignal of the run that span `spanId` (its turn) belongs to fired. */
  private runCancelled(traceId: string, spanId: string, reason: unknown): void {
    const state = this.traces.get(traceId);
    if (!state) return;
    let root = spanId;
    for (let hops = 0; hops < MAX_ANCESTOR_HOPS; hops++) {
      const parent = this.nodes.get(root)?.parentId;
      if (!parent) break;
      root = parent;
    }
    state.cancelled ??= new Map();
    if (!state.cancelled.has(root)) state.cancelled.set(root, cancellationOf(reason));
  }

  /** The cancellation of the run span `spanId` belongs to, if that run was cancelled. */
  private cancellationOfRun(cancelled: Map<string, AgentsFailure>, spanId: string): AgentsFailure | undefined {
    let id: string | null | undefined = spanId;
    for (let hops = 0; id && hops < MAX_ANCESTOR_HOPS; hops++) {
      const hit = cancelled.get(id);
      if (hit) return hit;
      id = this.nodes.get(id)?.parentId;
    }
    return undefined;
  }

  // ---- handoffs -----------------------------------------------------------------------------

  private handoffEnded(span: Span<SpanData>, node: NodeState, from: string | undefined, to: string | undefined): void {
    const handle = this.startOp(span, {
      operation: "step",
      step: { type: "handoff", name: to ? `handoff ${to}` : "handoff" },
      handoff: { fromAgent: from, toAgent: to },
      startTime: node.startMs,
    });
    node.handle = handle;
    this.finishOp(span.spanId, {}, failureOf(span.error));
  }
}

/**
 * The active context when the app started a span of its own inside `withTrace(...)` and runs an
 * agent under it: the run nests under that span (and its tool bodies still see their tool spans),
 * as the app asked. Undefined when the active span is the workflow or what it started under.
 */
function userSpanInside(workflow: OperationHandle): Context | undefined {
  const active = context.active();
  const span = trace.getSpan(active);
  if (!span || span === workflow.span || span === trace.getSpan(workflow.parentContext)) return undefined;
  return span.spanContext().traceId === workflow.span.spanContext().traceId ? active : undefined;
}

const USAGE_KEYS = [
  "inputTokens",
  "outputTokens",
  "cacheReadInputTokens",
  "cacheWriteInputTokens",
  "reasoningOutputTokens",
] as const;

/** The turn's usage (which has no reasoning tokens) with those of its model response, when seen. */
function withReasoning(usage: Usage, turn: TurnState): Usage {
  const reasoning = turn.model?.reasoningOutputTokens;
  return reasoning === undefined || usage.reasoningOutputTokens !== undefined
    ? usage
    : { ...usage, reasoningOutputTokens: reasoning };
}

function plus(a: Usage | undefined, b: Usage): Usage {
  const out: Usage = { ...a };
  for (const k of USAGE_KEYS) if (b[k] !== undefined) out[k] = (a?.[k] ?? 0) + (b[k] ?? 0);
  return out;
}

function minus(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  const out: Usage = { ...a };
  for (const k of USAGE_KEYS) {
    const v = a[k];
    if (v !== undefined && b[k] !== undefined) out[k] = Math.max(0, v - (b[k] ?? 0));
  }
  return out;
}
