import type { SpanData } from "@openai/agents-core";
import type { Context, SpanContext } from "@opentelemetry/api";
import { BoundedMap, findAncestor, MAX_ANCESTOR_HOPS, type OperationHandle } from "@otel-agents/core/adapter";
import type { AgentsFailure } from "./error-type.js";
import type { RequestedModel } from "./model-response.js";
import { nextStepSourceOrder, type StepSource, type StreamObserver } from "./step-context.js";
import type { TurnState } from "./turns.js";

/**
 * What the processor keeps of one Agents span while its trace runs; also what the step resolver
 * reads of it (step-context.ts). Made by `SpanStore.addSpan`.
 */
export interface SpanNode {
  traceId: string;
  parentId: string | null;
  type: SpanData["type"];
  /** The operation this span maps to; undefined for folded spans (task, turn) and pending handoffs. */
  handle?: OperationHandle;
  turn?: TurnState;
  /** A model call made through `instrumentModel`'s streaming path. */
  streamed?: boolean;
  /** A function span's tool call id and the tool's description, as the runner announced the tool (runner-hooks.ts). */
  toolCallId?: string;
  toolDescription?: string;
  /**
   * An agent span: what the Model object its runner calls for it asks for, when no one watches
   * that object (read when the runner announced the agent, runner-hooks.ts).
   */
  requested?: RequestedModel;
  /** A top-level run started under a span the app made active inside the workflow: its parent. */
  runParent?: Context;
  startMs: number;
  /** The span ended: code running after it is no longer inside its step (step-context.ts). */
  stepDone: boolean;
}

/** What the processor keeps of one Agents trace while it runs. */
export interface TraceState {
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
  entry: SpanNode | undefined;
  conversationId: string | undefined;
  failure: AgentsFailure | undefined;
  /**
   * Runs whose AbortSignal fired (seen by `instrumentModel`), by their top-level span: their spans that
   * end later end as failed with it. Other runs of the same trace (`withTrace`) are not affected.
   */
  cancelled?: Map<string, AgentsFailure>;
  /** Ids of the spans of this trace the store was given (forgotten with the trace). */
  spanIds: string[];
  openRuns: number;
  /** The span a later run of this trace links to: the workflow, else its first top-level agent. */
  anchor: SpanContext | undefined;
  /** A run resumed in this trace after it ended (see `EndedTrace`): its first top-level operation links here. */
  resumedFrom: SpanContext | undefined;
  /**
   * Reopened by a run resumed from an in-memory `RunState`: the SDK runs it in the ended trace
   * without starting or ending that trace again, so the trace ends when its top-level spans have.
   */
  reopened: boolean;
  /** Top-level spans of a reopened trace still open. */
  topOpen: number;
}

/**
 * What stays of a trace once it ended, for a run resumed in it: a `RunState` (a run paused for a
 * tool approval, or saved) keeps the Agents trace, and the SDK runs the resumed run in it, in the
 * caller's context of the resume (often another request). That run links to this one.
 */
export interface EndedTrace {
  name: string;
  conversationId: string | undefined;
  anchor: SpanContext;
}

// Resumes come after an approval, usually within minutes: the most recent traces are enough, and
// every trace of a busy process passes through here.
const ENDED_TRACES = 1024;

/**
 * Everything the processor knows of Agents spans and traces, by id, and the walks up the span tree.
 * One store with one eviction policy: spans, traces and closed traces are each bounded by the same
 * number (the kit's `BoundedMap`, oldest first). It is also what the step resolver reads
 * (step-context.ts), so a span evicted or ended is no step any more. Ended traces (one small
 * record each, for resumed runs) keep the most recent 1024. Operations themselves (the open spans)
 * are bounded by the run registry.
 */
export class SpanStore implements StepSource {
  private readonly spans: BoundedMap<string, SpanNode>;
  private readonly traces: BoundedMap<string, TraceState>;
  /** Traces cut off by shutdown: their late events must not start new root spans. */
  private readonly closed: BoundedMap<string, true>;
  private readonly ended = new BoundedMap<string, EndedTrace>(ENDED_TRACES);
  readonly observer: StreamObserver;
  readonly order = nextStepSourceOrder();

  constructor(max: number, observer: StreamObserver) {
    this.observer = observer;
    this.spans = new BoundedMap(max);
    this.traces = new BoundedMap(max);
    this.closed = new BoundedMap(max);
  }

  /** Nothing tracked (no span, no trace). */
  get empty(): boolean {
    return this.spans.size === 0 && this.traces.size === 0;
  }

  node(spanId: string): SpanNode | undefined {
    return this.spans.get(spanId);
  }

  trace(traceId: string): TraceState | undefined {
    return this.traces.get(traceId);
  }

  isClosed(traceId: string): boolean {
    // Asked at every event, and empty until a shutdown: no hashing of the id then.
    return this.closed.size > 0 && this.closed.has(traceId);
  }

  addTrace(traceId: string, state: TraceState): void {
    this.traces.set(traceId, state);
  }

  /** A trace that ended, if it is recent enough to be remembered (see `EndedTrace`). */
  endedTrace(traceId: string): EndedTrace | undefined {
    return this.ended.size > 0 ? this.ended.get(traceId) : undefined;
  }

  rememberEnded(traceId: string, ended: EndedTrace): void {
    // Re-inserted: a trace resumed again is the most recent one.
    this.ended.delete(traceId);
    this.ended.set(traceId, ended);
  }

  /** Keeps a new span, listed under its trace when that is known. */
  addSpan(spanId: string, traceId: string, parentId: string | null, type: SpanData["type"], startMs: number): SpanNode {
    // The fields most spans get are there from the start; the rarer ones are added when set.
    const node: SpanNode = { traceId, parentId, type, handle: undefined, turn: undefined, startMs, stepDone: false };
    this.spans.set(spanId, node);
    this.traces.get(traceId)?.spanIds.push(spanId);
    return node;
  }

  /** A span ended: code running after it is no longer inside its step. Its node stays for its trace's later spans. */
  spanEnded(node: SpanNode): void {
    node.stepDone = true;
  }

  /** The workflow operation of a trace, for the step resolver. */
  workflowOf(traceId: string): OperationHandle | undefined {
    return this.traces.get(traceId)?.workflow;
  }

  /** Forgets a trace and its spans; returns its state, if it was known. */
  removeTrace(traceId: string): TraceState | undefined {
    const state = this.traces.get(traceId);
    if (!state) return undefined;
    this.traces.delete(traceId);
    // Indexed: a for-of here makes an iterator per trace.
    const ids = state.spanIds;
    for (let i = 0; i < ids.length; i++) this.spans.delete(ids[i] as string);
    return state;
  }

  /** Forgets everything, and closes the traces still running (shutdown). */
  closeAll(): void {
    for (const id of this.traces.keys()) this.closed.set(id, true);
    this.traces.clear();
    this.spans.clear();
    this.ended.clear();
  }

  // ---- walks up the span tree (the kit's findAncestor: one hop cap) -------------------------

  private readonly parentNode = (node: SpanNode): SpanNode | undefined =>
    node.parentId === null ? undefined : this.spans.get(node.parentId);

  private readonly parentIdOf = (spanId: string): string | undefined => this.spans.get(spanId)?.parentId || undefined;

  private startAt(parentId: string | null): SpanNode | undefined {
    return parentId === null ? undefined : this.spans.get(parentId);
  }

  /**
   * The context of the nearest ancestor of a span (its parent `parentId`) that is an operation or
   * stands for one (a turn: its model call's parent; a run under an app span); folded spans are skipped.
   */
  operationContext(parentId: string | null): Context | undefined {
    return findAncestor(this.startAt(parentId), this.parentNode, contextOf);
  }

  /** The turn a span with parent `parentId` runs in, if no operation lies between them. */
  enclosingTurn(parentId: string | null): TurnState | undefined {
    return findAncestor(this.startAt(parentId), this.parentNode, turnOf) ?? undefined;
  }

  /** The agent a span with parent `parentId` runs in (the nearest agent span), if no other operation lies between them. */
  enclosingAgent(parentId: string | null): SpanNode | undefined {
    return findAncestor(this.startAt(parentId), this.parentNode, agentOf) ?? undefined;
  }

  /** Whether only folded spans (tasks) are above `parentId`: the span is a top-level one of its trace. */
  atTop(parentId: string | null): boolean {
    if (parentId === null) return true;
    return findAncestor(this.startAt(parentId), this.parentNode, topTask) === true;
  }

  /** Whether a tool (function span) encloses `parentId`. */
  insideTool(parentId: string | null): boolean {
    return findAncestor(this.startAt(parentId), this.parentNode, isTool) === true;
  }

  /**
   * Calls `visit(node, arg)` for the span `parentId` and each of its known ancestors (the same hop
   * cap). `arg` spares the caller a closure per call.
   */
  eachAncestor<A>(parentId: string | null, visit: (node: SpanNode, arg: A) => void, arg: A): void {
    let node = this.startAt(parentId);
    for (let hops = 0; node !== undefined && hops < MAX_ANCESTOR_HOPS; hops++) {
      visit(node, arg);
      node = this.parentNode(node);
    }
  }

  /** The top-most span id above `spanId` (its run's top-level span, or the nearest unknown parent). */
  runOf(spanId: string): string {
    let root = spanId;
    findAncestor(spanId, this.parentIdOf, (id) => {
      root = id;
      return undefined;
    });
    return root;
  }

  /**
   * The first value `find(id, arg)` gives for `spanId` or one of its ancestors (known or not), with
   * the same hop cap as the kit's walks. `arg` spares the caller a closure per call.
   */
  findUp<T, A>(spanId: string, find: (id: string, arg: A) => T | undefined, arg: A): T | undefined {
    let id: string | undefined = spanId;
    for (let hops = 0; id !== undefined && hops < MAX_ANCESTOR_HOPS; hops++) {
      const found = find(id, arg);
      if (found !== undefined) return found;
      id = this.parentIdOf(id);
    }
    return undefined;
  }
}

const contextOf = (node: SpanNode): Context | undefined => node.handle?.context ?? node.turn?.parent ?? node.runParent;

// null: an operation lies between, the walk stops without a turn.
const turnOf = (node: SpanNode): TurnState | null | undefined => (node.handle ? null : node.turn);

// null: another operation (a tool, a nested run's span) lies between, the walk stops without an agent.
const agentOf = (node: SpanNode): SpanNode | null | undefined => (node.type === "agent" ? node : node.handle ? null : undefined);

// A folded task continues the walk up; anything else (or the chain's end below a task) decides.
const topTask = (node: SpanNode): boolean | undefined =>
  node.handle || node.type !== "task" ? false : node.parentId === null ? true : undefined;

const isTool = (node: SpanNode): true | undefined => (node.type === "function" ? true : undefined);
