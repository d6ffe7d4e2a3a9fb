import type { Span, SpanData, Trace } from "@openai/agents-core";
import { type Context, context, type Link, type SpanContext, trace } from "@opentelemetry/api";
import {
  ERROR_TYPE,
  nowMs,
  type OperationFacts,
  type OperationHandle,
  type RegistryStart,
  type RunRegistry,
  type StartOptions,
} from "@otel-agents/core/adapter";
import { type AgentsFailure, failureOf } from "./error-type.js";
import { FRAMEWORK_NAME, startOptionsOf } from "./span-facts.js";
import type { SpanNode, SpanStore, TraceState } from "./span-store.js";
import { adoptedTraceContext } from "./trace-root.js";
import { appWorkflowName, hasHandoffs, parentAbove, putAbove } from "./workflow.js";

type AgentSpanData = Extract<SpanData, { type: "agent" }>;

/**
 * The span tree: which operation an Agents span becomes, under which parent (folded task and turn
 * spans are skipped), and when a trace gets an `invoke_workflow` span above its runs (workflow.ts
 * says when). Operations are kept in the run registry by Agents span id, a workflow by trace id.
 */
export class SpanTree {
  private readonly registry: RunRegistry;
  private readonly store: SpanStore;
  private readonly useAgentsTraceId: boolean;

  constructor(registry: RunRegistry, store: SpanStore, useAgentsTraceId: boolean) {
    this.registry = registry;
    this.store = store;
    this.useAgentsTraceId = useAgentsTraceId;
  }

  // ---- operations ---------------------------------------------------------------------------

  /**
   * Starts the operation of `span`. `options` must be a new object of the caller's: it is completed
   * in place (conversation, framework ids, parent) and passed on, not copied; a `parent` in it is
   * never read, as the fallback parent takes its place.
   */
  startOp(span: Span<SpanData>, options: StartOptions): OperationHandle {
    const state = this.store.trace(span.traceId);
    const start = options as RegistryStart;
    start.conversationId = state?.conversationId;
    start.framework = {
      name: FRAMEWORK_NAME,
      runId: span.spanId,
      parentRunId: span.parentId ?? undefined,
      traceId: span.traceId,
    };
    start.fallbackParent = this.parentContext(span);
    return this.registry.start(span.spanId, start);
  }

  finishOp(id: string, facts: OperationFacts | undefined, failure: AgentsFailure | undefined, endMs?: number): void {
    if (failure) this.registry.fail(id, failure, facts, endMs);
    else this.registry.end(id, facts, endMs);
  }

  /** The context of the nearest ancestor that is an operation, else the trace's workflow or root. */
  parentContext(span: Span<SpanData>): Context {
    const found = this.store.operationContext(span.parentId);
    if (found) return found;
    const state = this.store.trace(span.traceId);
    return state ? (state.workflow?.context ?? state.root) : context.active();
  }

  /** Ends every operation still open as orphaned (shutdown). */
  endAll(): number {
    return this.registry.endAll();
  }

  // ---- traces -------------------------------------------------------------------------------

  traceStarted(t: Trace): void {
    if (this.store.trace(t.traceId)) return;
    const name = typeof t.name === "string" ? t.name : "";
    // A saved RunState resumed in this process starts its trace again.
    this.addTrace(t.traceId, name, t.groupId ?? undefined, this.store.endedTrace(t.traceId)?.anchor, false);
  }

  /**
   * The first top-level span of a trace that already ended: a run resumed from an in-memory
   * `RunState` (after a tool approval), which the SDK runs in the ended trace without starting it
   * again. The trace is reopened (its state returned) and ends with its top-level spans. Undefined
   * when the trace was not one of ours (then its spans go on as before: under the active context).
   */
  traceResumed(traceId: string): TraceState | undefined {
    const ended = this.store.endedTrace(traceId);
    if (!ended) return undefined;
    return this.addTrace(traceId, ended.name, ended.conversationId, ended.anchor, true);
  }

  private addTrace(
    traceId: string,
    name: string,
    conversationId: string | undefined,
    resumedFrom: SpanContext | undefined,
    reopened: boolean,
  ): TraceState {
    // Events arrive in the caller's async context: its active span is the workflow's parent.
    let parent = context.active();
    if (this.useAgentsTraceId) parent = adoptedTraceContext(parent, traceId);
    const startMs = nowMs();
    // The workflow span, if any, is decided by the runs that follow (see workflow.ts).
    const state: TraceState = {
      workflow: undefined,
      name,
      root: parent,
      startMs,
      runs: 0,
      runStartMs: startMs,
      entry: undefined,
      conversationId,
      failure: undefined,
      cancelled: undefined,
      spanIds: [],
      openRuns: 0,
      anchor: undefined,
      resumedFrom,
      reopened,
      topOpen: 0,
    };
    this.store.addTrace(traceId, state);
    return state;
  }

  traceEnded(traceId: string): void {
    const state = this.store.removeTrace(traceId);
    if (!state) return;
    // Indexed: a for-of here makes an iterator per trace.
    const ids = state.spanIds;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      // A span whose end never came (a cancelled stream, an SDK path that skips it): nothing will
      // end it once its trace is over.
      const open = this.registry.get(id);
      if (open) {
        open.failWithType(ERROR_TYPE.orphaned);
        this.registry.end(id);
      }
    }
    if (state.anchor) {
      this.store.rememberEnded(traceId, { name: state.name, conversationId: state.conversationId, anchor: state.anchor });
    }
    if (!state.workflow) return;
    if (state.failure) this.registry.fail(traceId, state.failure);
    else this.registry.end(traceId);
  }

  // ---- runs and agents (conventions #354: when a trace is a workflow) -----------------------

  /** A task span starts: a run. Folded: its children hang from its parent. */
  runStarted(span: Span<SpanData>, node: SpanNode, taskName: unknown): void {
    const state = this.store.trace(span.traceId);
    if (!state) return;
    if (span.parentId === null) {
      state.openRuns++;
      this.topLevelRunStarted(span.traceId, state, taskName, node);
      if (state.workflow) node.runParent = userSpanInside(state.workflow);
    } else if (this.store.insideTool(span.parentId)) {
      // A run inside a tool: an agent used as a tool.
      this.promote(span.traceId, state);
    }
  }

  /**
   * A top-level run ended. The SDK never ends a trace whose run threw (0.20 skips `trace.end()`
   * on error), so a failed run ends the workflow itself when no other run of the trace is open.
   */
  runEnded(traceId: string, state: TraceState, failure: AgentsFailure | undefined): void {
    state.openRuns = Math.max(0, state.openRuns - 1);
    if (!failure) return;
    state.failure = failure;
    if (state.openRuns === 0 && state.workflow) this.registry.fail(traceId, failure);
  }

  agentStarted(span: Span<SpanData>, node: SpanNode, data: AgentSpanData): void {
    const state = this.store.trace(span.traceId);
    if (state && this.store.atTop(span.parentId)) {
      this.topLevelAgentStarted(span.traceId, state, data, span, node);
      return;
    }
    // Without task spans (`includeTaskAndTurnSpans: false`) a nested run shows as an agent in a tool.
    if (state && !state.workflow && this.store.insideTool(span.parentId)) this.promote(span.traceId, state);
    node.handle = this.startOp(span, startOptionsOf(data));
  }

  /** A handoff span starts: an agent hands off to one the run's entry agent may not have listed. */
  handoffStarted(traceId: string): void {
    const state = this.store.trace(traceId);
    if (state && !state.workflow) this.promote(traceId, state);
  }

  /** A handoff's step is made at its end, when `to_agent` (and so its name) is known; it has no children. */
  handoffEnded(span: Span<SpanData>, node: SpanNode, from: string | undefined, to: string | undefined): void {
    const handle = this.startOp(span, {
      operation: "step",
      step: { type: "handoff", name: to ? `handoff ${to}` : "handoff" },
      handoff: { fromAgent: from, toAgent: to },
      startTime: node.startMs,
    });
    node.handle = handle;
    this.finishOp(span.spanId, undefined, failureOf(span.error));
  }

  /** Starts the trace's workflow span under `parent` (default: where the trace started). */
  private startWorkflow(traceId: string, state: TraceState, name: string | undefined, parent = state.root): OperationHandle {
    const workflow = this.registry.start(traceId, {
      operation: "invoke_workflow",
      workflowName: name,
      conversationId: state.conversationId,
      framework: { name: FRAMEWORK_NAME, traceId },
      fallbackParent: parent,
      startTime: state.runStartMs,
      links: resumedLinks(state),
    });
    state.workflow = workflow;
    state.anchor = workflow.span.spanContext();
    return workflow;
  }

  /**
   * A top-level run starts. A trace the app opened with `withTrace(name)` (its name differs from
   * the run's task, which the Runner names) is an app-defined workflow, whatever its runs do.
   */
  private topLevelRunStarted(traceId: string, state: TraceState, taskName: unknown, node: SpanNode): void {
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
  private topLevelAgentStarted(
    traceId: string,
    state: TraceState,
    data: AgentSpanData,
    span: Span<SpanData>,
    node: SpanNode,
  ): void {
    if (!state.workflow && hasHandoffs(data.handoffs)) {
      this.startWorkflow(traceId, state, appWorkflowName(state.name) ?? appWorkflowName(data.name));
    }
    const options = startOptionsOf(data);
    const links = resumedLinks(state);
    if (links) options.links = links;
    const handle = this.startOp(span, options);
    node.handle = handle;
    state.anchor ??= handle.span.spanContext();
    if (!state.workflow) state.entry = node;
  }

  /**
   * The run turned out to coordinate agents (an agent ran inside a tool, or a handoff the entry
   * agent did not list at start): the workflow goes above the entry agent, still open.
   */
  private promote(traceId: string, state: TraceState): void {
    const entry = state.entry;
    state.entry = undefined;
    const handle = entry?.handle;
    if (state.workflow || !handle || handle.isEnded) return;
    const name = appWorkflowName(state.name) ?? appWorkflowName(handle.facts.agent?.name);
    const child = handle.span;
    const workflow = this.startWorkflow(traceId, state, name, parentAbove(child, state.root));
    putAbove(workflow.span, child);
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

/** The link to the run a resumed trace continues, for its first top-level operation only. */
function resumedLinks(state: TraceState): Link[] | undefined {
  const from = state.resumedFrom;
  if (!from) return undefined;
  state.resumedFrom = undefined;
  return [{ context: from }];
}
