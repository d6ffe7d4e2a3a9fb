import { getCurrentSpan, getCurrentTrace } from "@openai/agents-core";
import { MAX_ANCESTOR_HOPS, type OperationHandle, registerStepResolver } from "@otel-agents/core/adapter";

/**
 * What the step resolver needs of an Agents span: the processor's own node, read live (its handle
 * is set when the operation starts; folded task/turn spans never get one).
 */
export interface StepNode {
  readonly parentId: string | null;
  readonly handle?: OperationHandle | undefined;
  /** The span ended: code running after it is no longer inside its step. */
  readonly stepDone: boolean;
}

/** A processor, as the streaming wrappers reach it (several processors may see the same span). */
export interface StreamObserver {
  /** A streamed model request starts in the Agents span `spanId` (the turn). */
  streamStarted(spanId: string): void;
  /** The first chunk of a streamed model response arrived while `spanId` was the current span. */
  firstChunk(spanId: string, timeMs: number): void;
  /** The AbortSignal of the run whose turn is `spanId` fired (the app aborted it, or its stream's consumer cancelled). */
  cancelled(traceId: string, spanId: string, reason: unknown): void;
}

/**
 * A processor's spans and traces, as the step resolver and the streaming wrappers read them: its
 * own store (span-store.ts), so that a span is kept once, not again here.
 */
export interface StepSource {
  readonly observer: StreamObserver;
  /**
   * When the source was made, counted per process: where several processors know the step, the
   * newest one's is the step. (Their order in `sources` changes: `setTraceProcessors` shuts
   * down, so removes, processors it keeps, and they join again at their next trace.)
   */
  readonly order: number;
  /** Nothing tracked: the resolver skips this source. */
  readonly empty: boolean;
  node(spanId: string): StepNode | undefined;
  /** The workflow operation of a trace, if it has one. */
  workflowOf(traceId: string): OperationHandle | undefined;
}

// The processors that record now (one per TracerProvider; usually one). Module-level because the
// resolver is registered once per process; a processor joins when it starts listening and leaves
// at its shutdown, as its model and runner listeners do.
const sources = new Set<StepSource>();

let registered = false;
let made = 0;

/** The `order` of a new step source. */
export function nextStepSourceOrder(): number {
  return made++;
}

/**
 * Registers the process-wide resolver that tells the core's StepAwareContextManager which
 * operation is running: the Agents SDK's current span (a function span inside a tool body, a turn
 * inside a custom Model), or the nearest ancestor that is an operation for folded spans.
 */
export function ensureStepResolver(): void {
  if (registered) return;
  registered = true;
  registerStepResolver(resolveStep);
}

export function addStepSource(source: StepSource): void {
  sources.add(source);
}

export function removeStepSource(source: StepSource): void {
  sources.delete(source);
}

function resolveStep(): OperationHandle | undefined {
  // Called on every `context.active()` of the app: nothing to find without open Agents spans.
  if (sources.size === 0) return undefined;
  let found: OperationHandle | undefined;
  let foundOrder = -1;
  let current: ReturnType<typeof getCurrentSpan> | undefined;
  let read = false;
  for (const source of sources) {
    if (source.empty || source.order < foundOrder) continue;
    if (!read) {
      read = true;
      current = getCurrentSpan();
    }
    const step = stepIn(source, current);
    if (step) {
      found = step;
      foundOrder = source.order;
    }
  }
  return found;
}

function stepIn(source: StepSource, current: ReturnType<typeof getCurrentSpan> | undefined): OperationHandle | undefined {
  if (!current) {
    // Inside `withTrace(...)` but outside any run: the workflow.
    const t = getCurrentTrace();
    return t ? openWorkflow(source, t.traceId) : undefined;
  }
  let id: string | null = current.spanId;
  for (let hops = 0; id !== null && hops < MAX_ANCESTOR_HOPS; hops++) {
    const node = source.node(id);
    // An unknown or ended span: do not guess.
    if (!node || node.stepDone) return undefined;
    const handle = node.handle;
    if (handle && !handle.isEnded) return handle;
    id = node.parentId;
  }
  // A top-level task span (parent: the trace) folds into the workflow.
  return id === null ? openWorkflow(source, current.traceId) : undefined;
}

function openWorkflow(source: StepSource, traceId: string): OperationHandle | undefined {
  const workflow = source.workflowOf(traceId);
  return workflow && !workflow.isEnded ? workflow : undefined;
}

/** The processors that saw the Agents span `spanId` and have not seen it end. */
function ownersOf(spanId: string): StreamObserver[] {
  const owners: StreamObserver[] = [];
  for (const source of sources) {
    const node = source.node(spanId);
    if (node && !node.stepDone) owners.push(source.observer);
  }
  return owners;
}

/** Tells every processor that saw the current Agents span (the turn) that a streamed model call starts. */
export function notifyStreamStarted(): void {
  if (sources.size === 0) return;
  const current = getCurrentSpan();
  if (!current) return;
  for (const owner of ownersOf(current.spanId)) owner.streamStarted(current.spanId);
}

/** Tells every processor that saw the current Agents span (the model call's, or the turn) of a first chunk. */
export function notifyFirstChunk(timeMs: number): void {
  if (sources.size === 0) return;
  const current = getCurrentSpan();
  if (!current) return;
  for (const owner of ownersOf(current.spanId)) owner.firstChunk(current.spanId, timeMs);
}

const watched = new WeakSet<AbortSignal>();

/**
 * Watches the AbortSignal a streamed model request carries: the run's own (the app's signal
 * combined with the stream's cancel), the only sign of a cancellation, which the SDK turns into a
 * graceful end. Called in the turn (the current Agents span); tells the processors that saw it.
 */
export function watchCancellation(signal: AbortSignal | undefined): void {
  if (sources.size === 0 || !signal || watched.has(signal)) return;
  const current = getCurrentSpan();
  const owners = current ? ownersOf(current.spanId) : [];
  if (!current || owners.length === 0) return;
  watched.add(signal);
  const { traceId, spanId } = current;
  const notify = () => {
    for (const owner of owners) owner.cancelled(traceId, spanId, signal.reason);
  };
  if (signal.aborted) notify();
  else signal.addEventListener("abort", notify, { once: true });
}
