import { type AgentsFailure, cancellationOf } from "./error-type.js";
import type { SpanStore, TraceState } from "./span-store.js";

/**
 * Runs cancelled through their AbortSignal. The SDK ends a cancelled run's spans as if nothing
 * happened; `instrumentModel` sees the signal fire in a turn, and from then on every span of that run
 * (the spans under the same top-level span) ends as failed with the cancellation. Other runs of the
 * same trace (`withTrace`) are not affected. Kept on the trace, so forgotten with it.
 */
export class Cancellations {
  private readonly store: SpanStore;

  constructor(store: SpanStore) {
    this.store = store;
  }

  /** The AbortSignal of the run that span `spanId` (its turn) belongs to fired. */
  cancelled(traceId: string, spanId: string, reason: unknown): void {
    const state = this.store.trace(traceId);
    if (!state) return;
    const run = this.store.runOf(spanId);
    state.cancelled ??= new Map();
    if (!state.cancelled.has(run)) state.cancelled.set(run, cancellationOf(reason));
  }

  /** The cancellation of the run span `spanId` belongs to, if that run was cancelled. */
  failureOf(state: TraceState | undefined, spanId: string): AgentsFailure | undefined {
    // Asked at every span's end: a closure over the map would cost a context on each call.
    const cancelled = state?.cancelled;
    return cancelled ? this.store.findUp(spanId, cancellationIn, cancelled) : undefined;
  }
}

const cancellationIn = (id: string, cancelled: Map<string, AgentsFailure>): AgentsFailure | undefined => cancelled.get(id);
