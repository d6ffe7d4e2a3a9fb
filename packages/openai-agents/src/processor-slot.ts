import {
  addTraceProcessor,
  type Span,
  type SpanData,
  setTraceProcessors,
  type Trace,
  type TracingProcessor,
} from "@openai/agents-core";

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

  onTraceStart(trace: Trace): Promise<void> {
    return this.current?.onTraceStart(trace) ?? DONE;
  }
  onTraceEnd(trace: Trace): Promise<void> {
    return this.current?.onTraceEnd(trace) ?? DONE;
  }
  onSpanStart(span: Span<SpanData>): Promise<void> {
    return this.current?.onSpanStart(span) ?? DONE;
  }
  onSpanEnd(span: Span<SpanData>): Promise<void> {
    return this.current?.onSpanEnd(span) ?? DONE;
  }
  /**
   * Called at exit, and by `setTraceProcessors()` when it replaces the list (an app dropping the
   * OpenAI exporter that way is common). While an instrumentation is enabled the slot appends itself
   * to the new list again, as that runs synchronously before the list is swapped: enabled means
   * recording until `disable()`.
   */
  shutdown(timeout?: number): Promise<void> {
    const done = this.current?.shutdown(timeout) ?? DONE;
    this.registered = false;
    queueMicrotask(() => {
      if (!this.current || this.registered) return;
      try {
        addTraceProcessor(this);
        this.registered = true;
        diag.debug("otel-agents: trace processors were replaced; the OpenAI Agents instrumentation's processor is added again");
      } catch (err) {
        diag.warn(
          "otel-agents: could not add the OpenAI Agents instrumentation's processor again; Agents runs are not recorded",
          err,
        );
      }
    });
    return done;
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

/**
 * Routes the Agents SDK's tracing events to `processor`. `replace` drops the SDK's other
 * processors (its OpenAI exporter among them) instead of running beside them.
 */
export function routeTraceEvents(processor: TracingProcessor, replace: boolean): void {
  const s = slot();
  s.current = processor;
  if (replace) setTraceProcessors([s]);
  else if (!s.registered) addTraceProcessor(s);
  s.registered = true;
}

/** Stops routing events to `processor`, if it is still the one receiving them. */
export function stopRouting(processor: TracingProcessor): void {
  const s = slot();
  if (s.current === processor) s.current = undefined;
}
