import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { diag } from "@opentelemetry/api";
import { type OperationHandle, registerStepResolver } from "@otel-agents/core/adapter";

// LangChain runs a tool body, a chain step or a graph node inside its own AsyncLocalStorage with
// the run's child config, but leaves OpenTelemetry's context as the caller's. The core's
// StepAwareContextManager asks this resolver which step is running so that user code there (its
// spans, the traceparent of its HTTP calls) nests under the step's span.

/** What a handler knows about the runs it tracks: the span their user code belongs under. */
export interface StepSource {
  /** The handle of the run, or of its nearest visible ancestor for folded runs; undefined for a run it does not track. */
  stepHandle(runId: string): OperationHandle | undefined;
  /** When it began tracking the run (a `nextTrackingSeq()` value), undefined for a run it does not track. */
  trackedAt(runId: string): number | undefined;
  /** The runs it tracks. */
  trackedRunIds(): Iterable<string>;
}

// The handlers (their trackers) with runs open, one list per process (per loaded copy of this
// module): a resolver is registered once, handlers come and go. A handler is listed while it has
// a run open, not each run: the runs are in the handler's own map already, and a second map entry
// per run was a good share of a run's allocations.
const sources: StepSource[] = [];
let seq = 0;

/** Orders the sources of a run seen by several handlers: the first to track it is asked first. */
export function nextTrackingSeq(): number {
  return seq++;
}

/** A source opened its first run. */
export function sourceOpened(source: StepSource): void {
  if (!sources.includes(source)) sources.push(source);
}

/** A source has no run open any more. */
export function sourceIdle(source: StepSource): void {
  const i = sources.indexOf(source);
  if (i < 0) return;
  // The order is no one's (see `trackedAt`): the last takes the gap, and no spliced-out array is made.
  const last = sources.pop() as StepSource;
  if (i < sources.length) sources[i] = last;
}

/** Open runs known to the resolver (for tests). */
export function trackedRunCount(): number {
  const ids = new Set<string>();
  for (const source of sources) for (const id of source.trackedRunIds()) ids.add(id);
  return ids.size;
}

interface CallbacksLike {
  getParentRunId?: () => unknown;
}

/**
 * The id of the LangChain run whose body is executing: inside a run LangChain stores the run's
 * child config, whose callback manager has the run as its parent.
 */
function currentRunId(): string | undefined {
  const config = AsyncLocalStorageProviderSingleton.getRunnableConfig() as { callbacks?: unknown } | undefined;
  const callbacks = config?.callbacks as CallbacksLike | undefined;
  if (!callbacks || typeof callbacks.getParentRunId !== "function") return undefined;
  const id = callbacks.getParentRunId();
  return typeof id === "string" ? id : undefined;
}

/** The resolver the core consults on every `context.active()`: cheap when nothing is open. */
export function resolveCurrentStep(): OperationHandle | undefined {
  if (sources.length === 0) return undefined;
  const runId = currentRunId();
  if (runId === undefined) return undefined;
  if (sources.length === 1) return sources[0]?.stepHandle(runId);
  return severalSourcesStep(runId);
}

/** Several handlers with runs open: those tracking the run are asked in the order they began to. */
function severalSourcesStep(runId: string): OperationHandle | undefined {
  let after = -1;
  for (;;) {
    let next: StepSource | undefined;
    let nextAt = Number.POSITIVE_INFINITY;
    for (const source of sources) {
      const at = source.trackedAt(runId);
      if (at !== undefined && at > after && at < nextAt) {
        next = source;
        nextAt = at;
      }
    }
    if (next === undefined) return undefined;
    const handle = next.stepHandle(runId);
    if (handle) return handle;
    after = nextAt;
  }
}

try {
  registerStepResolver(resolveCurrentStep);
} catch (err) {
  diag.debug("otel-agents: could not register the LangChain step resolver", err);
}
