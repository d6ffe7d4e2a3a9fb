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
  // Starts already delivered when the span or trace started (see startEarly); the SDK's own
  // delivery of the same start comes later and is skipped.
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
   * Called at exit, and by `setTraceProcessors()` when it replaces the list: importing
   * `@openai/agents` does that to install the OpenAI exporter, and apps do it to drop that
   * exporter. The two cannot be told apart, so this flushes and keeps the processor as it is (runs
   * in flight go on being recorded), and while an instrumentation is enabled the slot appends itself
   * to the new list again, which `setTraceProcessors()` installs synchronously right after this
   * call: enabled means recording until `disable()`.
   */
  shutdown(): Promise<void> {
    const flushed = this.current?.forceFlush() ?? DONE;
    this.registered = false;
    queueMicrotask(() => {
      if (!this.current || this.registered) return;
      try {
        addTraceProcessor(this);
        this.registered = true;
        diag.debug(
          "otel-agents: the Agents trace processors were replaced; the OpenAI Agents instrumentation's processor is added again",
        );
      } catch (err) {
        diag.warn(
          "otel-agents: could not add the OpenAI Agents instrumentation's processor again; Agents runs are not recorded",
          err,
        );
      }
    });
    return flushed;
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
type Creates = (...args: unknown[]) => unknown;
const EARLY = Symbol.for("otel-agents.openai-agents.early-start");

/**
 * The SDK awaits its processors one after another for every start, and does not wait for them
 * before running the step: behind the OpenAI exporter's processor (which importing
 * `@openai/agents` installs, and `addTraceProcessor` puts us after) the start reaches this package
 * a microtask late, after the model call or tool body has begun. Then what runs inside it (a
 * provider instrumentation's span, an HTTP call) cannot nest under the step. So the global trace
 * provider's spans and traces deliver their start to the slot from inside `start()` itself.
 */
function startEarlyOnProvider(s: ProcessorSlot): void {
  const provider = getGlobalTraceProvider() as unknown as Record<string, unknown> & { [EARLY]?: boolean };
  if (provider[EARLY]) return;
  const wrap = (method: "createSpan" | "createTrace", isTrace: boolean) => {
    const create = provider[method];
    if (typeof create !== "function") return;
    provider[method] = function createStartingEarly(this: unknown, ...args: unknown[]) {
      const item = (create as Creates).apply(this, args) as Trace | Span<SpanData>;
      try {
        const startable = item as unknown as Startable;
        const start = startable.start;
        if (typeof start === "function") {
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
  };
  wrap("createSpan", false);
  wrap("createTrace", true);
  provider[EARLY] = true;
}

/**
 * Routes the Agents SDK's tracing events to `processor`. `replace` drops the SDK's other
 * processors (its OpenAI exporter among them) instead of running beside them.
 */
export function routeTraceEvents(processor: TracingProcessor, replace: boolean): void {
  const s = slot();
  s.current = processor;
  try {
    startEarlyOnProvider(s);
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
