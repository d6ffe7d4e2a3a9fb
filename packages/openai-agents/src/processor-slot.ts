import {
  addTraceProcessor,
  getGlobalTraceProvider,
  type Span,
  type SpanData,
  setTraceProcessors,
  type Trace,
  type TracingProcessor,
} from "@openai/agents-core";
import { diag } from "@opentelemetry/api";

const DONE: Promise<void> = Promise.resolve();

/**
 * The one processor the Instrumentation registers with the Agents SDK, forwarding to the processor
 * of whichever instrumentation is enabled. The SDK can append a processor or replace them all, and
 * replacing shuts the others down: there is no way to take one out again. So the slot stays
 * registered for the life of the process, and disabling empties it.
 */
class ProcessorSlot implements TracingProcessor {
  current: TracingProcessor | undefined;
  registered = false;
  /** True while the trace provider swaps its processor list (see keepFirstOnReplace). */
  replacing = false;
  // Starts already delivered when the span or trace started (see startEarlyOnProvider); the SDK's
  // own delivery of the same start comes later and is skipped.
  private readonly startedEarly = new WeakSet<object>();

  /** Delivers a start now, from inside the SDK's `start()`, ahead of the processors before this one. */
  startEarly(item: Trace | Span<SpanData>, isTrace: boolean): void {
    const current = this.current;
    if (!current) return;
    this.startedEarly.add(item);
    if (isTrace) void current.onTraceStart(item as Trace);
    else void current.onSpanStart(item as Span<SpanData>);
  }

  onTraceStart(trace: Trace): Promise<void> {
    if (this.startedEarly.delete(trace)) return DONE;
    return this.current?.onTraceStart(trace) ?? DONE;
  }
  onTraceEnd(trace: Trace): Promise<void> {
    return this.current?.onTraceEnd(trace) ?? DONE;
  }
  onSpanStart(span: Span<SpanData>): Promise<void> {
    if (this.startedEarly.delete(span)) return DONE;
    return this.current?.onSpanStart(span) ?? DONE;
  }
  onSpanEnd(span: Span<SpanData>): Promise<void> {
    return this.current?.onSpanEnd(span) ?? DONE;
  }
  /**
   * At exit (the SDK's own exit hook, or the app's `getGlobalTraceProvider().shutdown()`): the
   * processor ends what is still open and flushes. When the provider is swapping its list instead,
   * the slot is in the new list already: only flush, and keep recording.
   */
  shutdown(timeout?: number): Promise<void> {
    if (this.replacing) return this.current?.forceFlush() ?? DONE;
    return this.current?.shutdown(timeout) ?? DONE;
  }
  forceFlush(): Promise<void> {
    return this.current?.forceFlush() ?? DONE;
  }
}

// One per process, whichever copy of this package (ESM or CJS build) registers first.
const KEY = Symbol.for("otel-agents.openai-agents.processor-slot");

function slot(): ProcessorSlot {
  const g = globalThis as { [KEY]?: ProcessorSlot };
  g[KEY] ??= new ProcessorSlot();
  return g[KEY];
}

type Startable = { start(): void };
type Method = (...args: unknown[]) => unknown;
type Provider = Record<string, unknown> & { [PATCHED]?: boolean };
const PATCHED = Symbol.for("otel-agents.openai-agents.provider-patched");

/**
 * The SDK awaits its processors one after another for every start, and does not wait for them
 * before running the step: behind the OpenAI exporter's processor (which importing
 * `@openai/agents` installs, and `addTraceProcessor` puts us after) the start reaches this package
 * a microtask late, after the model call or tool body has begun. Then what runs inside it (a
 * provider instrumentation's span, an HTTP call) cannot nest under the step. So the global trace
 * provider's spans and traces deliver their start to the slot from inside `start()` itself.
 */
function startEarly(provider: Provider, s: ProcessorSlot, method: "createSpan" | "createTrace", isTrace: boolean): void {
  const create = provider[method];
  if (typeof create !== "function") return;
  provider[method] = function createStartingEarly(this: unknown, ...args: unknown[]) {
    const item = (create as Method).apply(this, args) as Trace | Span<SpanData>;
    try {
      const startable = item as unknown as Startable;
      const start = startable.start;
      if (s.current && typeof start === "function") {
        startable.start = function startEarly(this: Startable) {
          start.call(this);
          s.startEarly(item, isTrace);
        };
      }
    } catch (err) {
      diag.debug("otel-agents: could not watch an Agents span start", err);
    }
    return item;
  };
}

/**
 * `setTraceProcessors()` replaces the whole list and shuts the old processors down: importing
 * `@openai/agents` does it to install the OpenAI exporter, and apps do it to drop that exporter.
 * While an instrumentation is enabled the slot stays in the new list, first: enabled means
 * recording until `disable()`.
 */
function keepFirstOnReplace(provider: Provider, s: ProcessorSlot): void {
  const setProcessors = provider.setProcessors;
  if (typeof setProcessors !== "function") return;
  provider.setProcessors = function setProcessorsKeepingSlot(this: unknown, processors: unknown) {
    const keep = s.current !== undefined && Array.isArray(processors) && !processors.includes(s);
    s.replacing = true;
    try {
      return (setProcessors as Method).call(this, keep ? [s, ...(processors as TracingProcessor[])] : processors);
    } finally {
      s.replacing = false;
      s.registered = keep || (Array.isArray(processors) && processors.includes(s));
    }
  };
}

function patchProvider(s: ProcessorSlot): void {
  const provider = getGlobalTraceProvider() as unknown as Provider;
  if (provider[PATCHED]) return;
  startEarly(provider, s, "createSpan", false);
  startEarly(provider, s, "createTrace", true);
  keepFirstOnReplace(provider, s);
  provider[PATCHED] = true;
}

/**
 * Routes the Agents SDK's tracing events to `processor`. `replace` drops the SDK's other
 * processors (its OpenAI exporter among them) instead of running beside them.
 */
export function routeTraceEvents(processor: TracingProcessor, replace: boolean): void {
  const s = slot();
  s.current = processor;
  try {
    patchProvider(s);
  } catch (err) {
    diag.debug("otel-agents: could not watch the Agents trace provider", err);
  }
  if (replace) setTraceProcessors([s]);
  else if (!s.registered) addTraceProcessor(s);
  s.registered = true;
}

/** Stops routing events to `processor`, if it is still the one receiving them. */
export function stopRouting(processor: TracingProcessor): void {
  const s = slot();
  if (s.current === processor) s.current = undefined;
}
