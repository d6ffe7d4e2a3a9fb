import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { diag } from "@opentelemetry/api";
import { type OperationHandle, registerStepResolver } from "@otel-agents/core/adapter";

// LangChain runs a tool body, a chain step or a graph node inside its own AsyncLocalStorage with
// the run's child config, but leaves OpenTelemetry's context as the caller's. The core's
// StepAwareContextManager asks this resolver which step is running so that user code there (its
// spans, the traceparent of its HTTP calls) nests under the step's span.

/** What a handler knows about a run: the span its user code belongs under. */
export interface StepSource {
  /** The handle of the run, or of its nearest visible ancestor for folded runs. */
  stepHandle(runId: string): OperationHandle | undefined;
}

// One map per process (per loaded copy of this module), fed by every handler instance: a resolver
// is registered once, handlers come and go. Several handlers may observe the same run.
const openRuns = new Map<string, StepSource[]>();

export function trackRun(runId: string, source: StepSource): void {
  const sources = openRuns.get(runId);
  if (!sources) openRuns.set(runId, [source]);
  else if (!sources.includes(source)) sources.push(source);
}

export function untrackRun(runId: string, source: StepSource): void {
  const sources = openRuns.get(runId);
  if (!sources) return;
  const i = sources.indexOf(source);
  if (i >= 0) sources.splice(i, 1);
  if (sources.length === 0) openRuns.delete(runId);
}

/** Open runs known to the resolver (for tests). */
export function trackedRunCount(): number {
  return openRuns.size;
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
  if (openRuns.size === 0) return undefined;
  const runId = currentRunId();
  if (runId === undefined) return undefined;
  const sources = openRuns.get(runId);
  if (!sources) return undefined;
  for (const source of sources) {
    const handle = source.stepHandle(runId);
    if (handle) return handle;
  }
  return undefined;
}

try {
  registerStepResolver(resolveCurrentStep);
} catch (err) {
  diag.debug("otel-agents: could not register the LangChain step resolver", err);
}
