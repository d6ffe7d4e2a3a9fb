import { type Attributes, context, propagation, type SpanKind } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  type ExportResult,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/**
 * The context manager every arm shares. No tracer provider is registered globally: each arm gets its
 * own, so the "none" arm and "ours (no SDK)" really run against the API's no-op tracer.
 */
/**
 * The process-wide context set-up every arm runs under, as NodeSDK registers it: an
 * AsyncLocalStorage context manager and the W3C trace-context and baggage propagators. Without a
 * propagator, instrumentations that carry context in messages (MCP's `_meta`) would do less than
 * they do in an app.
 */
export function installProcessContext(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

/** What an exporter would send, without resource and scope (the same for every arm). */
function wireShape(span: ReadableSpan) {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    status: span.status,
  };
}

/**
 * A no-op exporter that counts spans and, while `measureBytes` is set, their JSON size. Sizing is
 * off while timing: serialising is the exporter's cost, not the instrumentation's.
 */
export class CountingExporter implements SpanExporter {
  spans = 0;
  bytes = 0;
  measureBytes = false;

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    if (this.measureBytes) for (const span of spans) this.bytes += Buffer.byteLength(JSON.stringify(wireShape(span)));
    done({ code: ExportResultCode.SUCCESS });
  }

  /** Counts non-OTel records (the Agents SDK's own trace items) the same way. */
  count(items: readonly unknown[]): void {
    this.spans += items.length;
    if (this.measureBytes) for (const item of items) this.bytes += Buffer.byteLength(JSON.stringify(item));
  }

  reset(): void {
    this.spans = 0;
    this.bytes = 0;
  }

  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

/** The SDK pipeline users run in production: BatchSpanProcessor in front of the exporter. */
export function batchProvider(exporter: SpanExporter, processor?: SpanProcessor): BasicTracerProvider {
  // A queue large enough that a burst of fast operations never drops spans (drops would flatter an arm).
  return new BasicTracerProvider({ spanProcessors: [processor ?? new BatchSpanProcessor(exporter, { maxQueueSize: 65_536 })] });
}

export interface SpanTemplate {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
}

/**
 * Template key of one of our spans: the floor creates the span with the same key, name and
 * attributes. Root, model calls and tools are keyed by role; everything else by name.
 */
function templateKey(span: ReadableSpan): string {
  if (!span.parentSpanContext) return "root";
  const op = span.attributes["gen_ai.operation.name"];
  if (op === "chat") return "chat";
  if (op === "execute_tool") return "tool";
  if (span.attributes["otel_agents.step.type"] === "handoff") return "handoff";
  return span.name;
}

/**
 * Runs one operation under our adapter (capture off) and keeps each span's name, kind and final
 * attributes, so that the floor emits exactly the same attribute set.
 */
export async function captureTemplates(
  runOurs: (provider: BasicTracerProvider) => Promise<() => Promise<void>>,
): Promise<Map<string, SpanTemplate>> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const op = await runOurs(provider);
  await op();
  await provider.forceFlush();
  const templates = new Map<string, SpanTemplate>();
  for (const span of memory.getFinishedSpans()) {
    const key = templateKey(span);
    if (!templates.has(key)) templates.set(key, { name: span.name, kind: span.kind, attributes: { ...span.attributes } });
  }
  await provider.shutdown();
  return templates;
}
