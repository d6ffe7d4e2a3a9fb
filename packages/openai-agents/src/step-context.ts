import { getCurrentSpan, getCurrentTrace } from "@openai/agents-core";
import { diag } from "@opentelemetry/api";
import { BoundedMap, MAX_ANCESTOR_HOPS, type OperationHandle, registerStepResolver } from "@otel-agents/core/adapter";

/**
 * What the step resolver needs of an Agents span: the processor's own node, read live (its handle
 * is set when the operation starts; folded task/turn spans never get one). It names the processor
 * that keeps it, so that it is its own entry here: no wrapper per span.
 */
export interface StepNode {
  readonly owner: StreamObserver;
  readonly parentId: string | null;
  readonly handle?: OperationHandle | undefined;
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

// Agents span ids and trace ids -> the operation their processor started. Module-level because the
// resolver is registered once per process while the app may run several processors (one per
// TracerProvider); each processor adds its spans at start and removes them at end.
// A run cut off without end events (a crashed processor chain) must not grow these for ever.
const MAX_ENTRIES = 100_000;
// One entry per span in the common case (one processor); a list only when several processors saw it.
const spans = new BoundedMap<string, StepNode | StepNode[]>(MAX_ENTRIES);
const traces = new BoundedMap<string, { owner: StreamObserver; handle: OperationHandle }>(MAX_ENTRIES);

let registered = false;

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

function resolveStep(): OperationHandle | undefined {
  // Called on every `context.active()` of the app: nothing to find without open Agents spans.
  if (spans.size === 0 && traces.size === 0) return undefined;
  const current = getCurrentSpan();
  if (!current) {
    // Inside `withTrace(...)` but outside any run: the workflow.
    const t = getCurrentTrace();
    const workflow = t ? traces.get(t.traceId)?.handle : undefined;
    return workflow && !workflow.isEnded ? workflow : undefined;
  }
  let id: string | null = current.spanId;
  for (let hops = 0; id !== null && hops < MAX_ANCESTOR_HOPS; hops++) {
    const found = spans.get(id);
    // An unknown span (ended, or never seen): do not guess.
    const node = Array.isArray(found) ? found[found.length - 1] : found;
    if (!node) return undefined;
    const handle = node.handle;
    if (handle && !handle.isEnded) return handle;
    id = node.parentId;
  }
  if (id !== null) return undefined;
  // A top-level task span (parent: the trace) folds into the workflow.
  const workflow = traces.get(current.traceId)?.handle;
  return workflow && !workflow.isEnded ? workflow : undefined;
}

export function trackSpan(spanId: string, node: StepNode): void {
  try {
    const found = spans.get(spanId);
    if (!found) spans.set(spanId, node);
    else if (Array.isArray(found)) found.push(node);
    else spans.set(spanId, [found, node]);
  } catch (err) {
    diag.debug("otel-agents: step tracking failed", err);
  }
}

export function untrackSpan(owner: StreamObserver, spanId: string): void {
  const found = spans.get(spanId);
  if (!found) return;
  if (!Array.isArray(found)) {
    if (found.owner === owner) spans.delete(spanId);
    return;
  }
  const rest = found.filter((e) => e.owner !== owner);
  if (rest.length > 1) spans.set(spanId, rest);
  else if (rest.length === 1) spans.set(spanId, rest[0] as StepNode);
  else spans.delete(spanId);
}

export function trackTrace(owner: StreamObserver, traceId: string, handle: OperationHandle): void {
  traces.set(traceId, { owner, handle });
}

export function untrackTrace(owner: StreamObserver, traceId: string): void {
  if (traces.get(traceId)?.owner === owner) traces.delete(traceId);
}

/** Forgets everything a processor tracked (its shutdown). */
export function untrackAll(owner: StreamObserver): void {
  for (const id of [...spans.keys()]) untrackSpan(owner, id);
  for (const [id, entry] of traces) if (entry.owner === owner) traces.delete(id);
}

function entriesOf(spanId: string): readonly StepNode[] {
  const found = spans.get(spanId);
  return found === undefined ? [] : Array.isArray(found) ? found : [found];
}

/** Tells every processor that saw the current Agents span (the turn) that a streamed model call starts. */
export function notifyStreamStarted(): void {
  if (spans.size === 0) return;
  const current = getCurrentSpan();
  if (!current) return;
  for (const e of entriesOf(current.spanId)) e.owner.streamStarted(current.spanId);
}

/** Tells every processor that saw the current Agents span (the model call's, or the turn) of a first chunk. */
export function notifyFirstChunk(timeMs: number): void {
  if (spans.size === 0) return;
  const current = getCurrentSpan();
  if (!current) return;
  for (const e of entriesOf(current.spanId)) e.owner.firstChunk(current.spanId, timeMs);
}

// Signals already watched: the SDK hands every model call of a streamed run the same one.
const watched = new WeakSet<AbortSignal>();

/**
 * Watches the AbortSignal a streamed model request carries: the run's own (the app's signal
 * combined with the stream's cancel), the only sign of a cancellation, which the SDK turns into a
 * graceful end. Called in the turn (the current Agents span); tells the processors that saw it.
 */
export function watchCancellation(signal: AbortSignal | undefined): void {
  if (spans.size === 0 || !signal || watched.has(signal)) return;
  const current = getCurrentSpan();
  const owners = current ? entriesOf(current.spanId).map((e) => e.owner) : [];
  if (!current || owners.length === 0) return;
  watched.add(signal);
  const { traceId, spanId } = current;
  const notify = () => {
    for (const owner of owners) owner.cancelled(traceId, spanId, signal.reason);
  };
  if (signal.aborted) notify();
  else signal.addEventListener("abort", notify, { once: true });
}
