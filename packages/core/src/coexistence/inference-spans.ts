import { type Context, diag, type SpanContext, trace } from "@opentelemetry/api";
import { ATTR, INFERENCE_OPERATIONS } from "../semconv/names.js";

/**
 * What to do when a provider-level instrumentation (OpenInference, `@opentelemetry/instrumentation-openai`,
 * Traceloop...) starts an inference span directly under an otel-agents inference span, i.e. for the
 * same model call:
 * - `suppress-inner` (default): export only ours. The inner span is dropped and its children (the
 *   HTTP client span) are exported as children of ours, so the tree stays whole.
 * - `keep-both`: export both, the inner one as a child of ours.
 */
export type InferenceSpansPolicy = "suppress-inner" | "keep-both";

export interface CoexistenceOptions {
  /** Default `suppress-inner`. */
  inferenceSpans?: InferenceSpansPolicy;
  /** HTTP client spans of a model call (under our inference span, directly or through a dropped one). Default `keep`. */
  httpSpans?: "keep" | "drop";
  /** Most spans tracked at once (open inference spans and children of dropped spans). Default 10,000. */
  maxTracked?: number;
}

/** The span as any OpenTelemetry JS SDK (1.x, 2.x, 3.x) hands it to a span processor. */
interface SpanLike {
  spanContext(): SpanContext;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly kind?: number;
  readonly instrumentationScope?: { name: string };
  readonly instrumentationLibrary?: { name: string };
}

/** Structurally any `SpanProcessor` of SDK 1, 2 or 3. */
export interface SpanProcessorLike {
  onStart(span: never, parentContext: Context): void;
  onEnd(span: never): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  onEnding?(span: never): void;
}

const OUR_SCOPE_PREFIX = "@otel-agents/";
// Other conventions' names for "this span is a model call", as provider instrumentations set them.
const OPENINFERENCE_SPAN_KIND = "openinference.span.kind";
const TRACELOOP_REQUEST_TYPE = "llm.request.type";
const HTTP_METHOD = "http.request.method";
const HTTP_METHOD_OLD = "http.method";
const SPAN_KIND_CLIENT = 2;

function scopeName(span: SpanLike): string | undefined {
  return span.instrumentationScope?.name ?? span.instrumentationLibrary?.name;
}

function isInference(span: SpanLike): boolean {
  const a = span.attributes;
  const op = a[ATTR.operationName];
  if (typeof op === "string") return INFERENCE_OPERATIONS.has(op);
  if (a[OPENINFERENCE_SPAN_KIND] === "LLM") return true;
  const type = a[TRACELOOP_REQUEST_TYPE];
  return type === "chat" || type === "completion";
}

function isHttpClient(span: SpanLike): boolean {
  const a = span.attributes;
  return span.kind === SPAN_KIND_CLIENT && (a[HTTP_METHOD] !== undefined || a[HTTP_METHOD_OLD] !== undefined);
}

/** The span as exported, under another parent (SDK 2/3 read `parentSpanContext`, SDK 1 `parentSpanId`). */
function reparented<T extends object>(span: T, parent: SpanContext): T {
  return new Proxy(span, {
    get(target, key) {
      if (key === "parentSpanContext") return parent;
      if (key === "parentSpanId") return parent.spanId;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * One inference span per model call next to provider-level instrumentations. Wrap the processor
 * that exports (any SDK line):
 *
 * ```ts
 * new NodeSDK({ spanProcessors: [new CoexistenceSpanProcessor(new BatchSpanProcessor(exporter))] });
 * ```
 *
 * The otel-agents adapters run the provider call with their inference span active, so a
 * provider instrumentation's span for the same call starts as its child: that is how it is
 * recognised (a `chat`/`text_completion`/`generate_content` span of another scope, or OpenInference
 * `openinference.span.kind=LLM`, or Traceloop `llm.request.type`, whose parent is ours). It is not
 * suppressed through `suppressTracing()`, which would also silence the HTTP spans under it, but
 * withheld from export, with its children handed to our span. The non-exported span still
 * propagates its own id in `traceparent`, so a server-side span of that request points at a span
 * that is not in the trace (the same as with a non-sampled span).
 */
export class CoexistenceSpanProcessor implements SpanProcessorLike {
  private readonly policy: InferenceSpansPolicy;
  private readonly dropHttp: boolean;
  private readonly max: number;
  /** Our open inference spans: span id -> its context. */
  private readonly ours = new Map<string, SpanContext>();
  /** Open spans of other instrumentations inside one of our model calls (under our span, at any depth). */
  private readonly inside = new Map<string, Candidate>();
  /** Recently ended spans withheld from export: span id -> the span of ours their children hang from instead. */
  private readonly dropped = new Map<string, SpanContext>();

  constructor(
    private readonly inner: SpanProcessorLike,
    options: CoexistenceOptions = {},
  ) {
    this.policy = options.inferenceSpans ?? "suppress-inner";
    this.dropHttp = options.httpSpans === "drop";
    this.max = options.maxTracked ?? 10_000;
  }

  onStart(span: never, parentContext: Context): void {
    try {
      this.classify(span as SpanLike, parentContext);
    } catch (err) {
      diag.debug("otel-agents: CoexistenceSpanProcessor could not classify a span", err);
    }
    this.inner.onStart(span, parentContext);
  }

  onEnding(span: never): void {
    const candidate = this.inside.get((span as SpanLike).spanContext().spanId);
    if (candidate && this.withheld(candidate.span)) return;
    this.inner.onEnding?.(span);
  }

  onEnd(span: never): void {
    let forward: unknown = span;
    try {
      forward = this.settle(span as SpanLike);
    } catch (err) {
      diag.debug("otel-agents: CoexistenceSpanProcessor could not place a span", err);
    }
    if (forward !== undefined) this.inner.onEnd(forward as never);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.ours.clear();
    this.inside.clear();
    this.dropped.clear();
    return this.inner.shutdown();
  }

  private classify(span: SpanLike, parentContext: Context): void {
    const id = span.spanContext().spanId;
    if (scopeName(span)?.startsWith(OUR_SCOPE_PREFIX)) {
      if (isInference(span) && this.ours.size < this.max) this.ours.set(id, span.spanContext());
      return;
    }
    const parentId = trace.getSpan(parentContext)?.spanContext().spanId;
    if (parentId === undefined) return;
    // Inside one of our model calls: directly under our span, or under a span already inside one.
    const owner = this.ours.get(parentId) ?? this.inside.get(parentId)?.owner;
    if (owner !== undefined && this.inside.size < this.max) this.inside.set(id, { span, owner, parentId });
  }

  /** Whether a span inside one of our model calls is withheld (read when it ends: some instrumentations set their attributes after start). */
  private withheld(span: SpanLike): boolean {
    return (this.policy === "suppress-inner" && isInference(span)) || (this.dropHttp && isHttpClient(span));
  }

  /** The span to export (itself, or under a new parent), or undefined when withheld. */
  private settle(span: SpanLike): unknown {
    const id = span.spanContext().spanId;
    if (this.ours.delete(id)) return span;
    const candidate = this.inside.get(id);
    if (candidate === undefined) return span;
    this.inside.delete(id);
    if (this.withheld(span)) {
      this.dropped.set(id, candidate.owner);
      // Its children end before it, or soon after: remember it only for a while.
      if (this.dropped.size > this.max) this.dropped.delete(this.dropped.keys().next().value as string);
      return undefined;
    }
    // Hang it from the nearest exported ancestor: the parent, unless that is (or will be) withheld.
    const parentId = candidate.parentId;
    const parent = this.inside.get(parentId);
    const parentWithheld = this.dropped.has(parentId) || (parent !== undefined && this.withheld(parent.span));
    if (!parentWithheld) return span;
    const exportedParent = this.nearestExported(parentId) ?? candidate.owner;
    return reparented(span as object, exportedParent);
  }

  /** The closest ancestor that is exported, walking up through withheld spans still open. */
  private nearestExported(parentId: string): SpanContext | undefined {
    let id: string | undefined = parentId;
    for (let depth = 0; id !== undefined && depth < 32; depth++) {
      const open = this.inside.get(id);
      if (open === undefined) return this.dropped.has(id) ? this.dropped.get(id) : undefined;
      if (!this.withheld(open.span)) return open.span.spanContext();
      id = open.parentId;
    }
    return undefined;
  }
}

interface Candidate {
  span: SpanLike;
  /** Our inference span of the model call it belongs to. */
  owner: SpanContext;
  parentId: string;
}
