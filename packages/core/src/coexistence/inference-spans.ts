import { type Context, context, diag, type SpanContext, trace } from "@opentelemetry/api";
import { MAX_ANCESTOR_HOPS } from "../adapter/ancestor-walk.js";
import { ATTR, INFERENCE_OPERATIONS } from "../semconv/names.js";
import { markSeenByProcessor } from "./unpaired-warning.js";

/**
 * What to do when a provider-level instrumentation (OpenInference, `@opentelemetry/instrumentation-openai`,
 * Traceloop...) starts an inference span for the same model call as an otel-agents inference span
 * (under it, or beside it: see {@link CoexistenceSpanProcessor}):
 * - `suppress-inner` (default): export only ours. The inner span is dropped and its children (the
 *   HTTP client span) are exported as children of ours, so the tree stays whole.
 * - `keep-both`: export both, the provider's one as a child of ours.
 *
 * Either way, request facts ours lacks and theirs has (`gen_ai.request.*` parameters,
 * `server.address`, `server.port`) are copied onto ours when theirs ends first (it usually does:
 * the client returns before the framework reports the call).
 */
export type InferenceSpansPolicy = "suppress-inner" | "keep-both";

export interface CoexistenceOptions {
  /** Default `suppress-inner`. */
  inferenceSpans?: InferenceSpansPolicy;
  /** HTTP client spans of a model call (under our inference span, directly or through a dropped one). Default `keep`. */
  httpSpans?: "keep" | "drop";
  /**
   * Most spans tracked at once, per kind: our open inference spans, open spans of others inside our
   * model calls, and withheld spans remembered for children that end after them (the last
   * `maxTracked / 2` to `maxTracked` of them). Default 10,000.
   */
  maxTracked?: number;
}

/** The span as any OpenTelemetry JS SDK (1.x, 2.x, 3.x) hands it to a span processor. */
interface SpanLike {
  spanContext(): SpanContext;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly kind?: number;
  readonly instrumentationScope?: { name: string };
  readonly instrumentationLibrary?: { name: string };
  setAttribute?(key: string, value: unknown): unknown;
  isRecording?(): boolean;
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
const OPENINFERENCE_MODEL = "llm.model_name";
const OPENINFERENCE_PARAMETERS = "llm.invocation_parameters";
const TRACELOOP_REQUEST_TYPE = "llm.request.type";
const HTTP_METHOD = "http.request.method";
const HTTP_METHOD_OLD = "http.method";
const SPAN_KIND_CLIENT = 2;
// What the provider's span knows of the request and ours may not (same keys in both conventions).
const FOLDED: readonly string[] = [
  ATTR.requestModel,
  ATTR.requestMaxTokens,
  ATTR.requestTemperature,
  ATTR.requestTopP,
  ATTR.requestTopK,
  ATTR.requestStopSequences,
  ATTR.requestFrequencyPenalty,
  ATTR.requestPresencePenalty,
  ATTR.requestSeed,
  ATTR.requestChoiceCount,
  ATTR.serverAddress,
  ATTR.serverPort,
];

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

/**
 * The model a span asks for (gen_ai, or OpenInference naming). OpenInference overwrites
 * `llm.model_name` with the response's model when the call returns, so its request's model is read
 * from `llm.invocation_parameters` (the request body without the messages) first.
 */
function modelOf(span: SpanLike): string | undefined {
  const a = span.attributes;
  const model = a[ATTR.requestModel];
  if (typeof model === "string") return model;
  if (a[OPENINFERENCE_SPAN_KIND] === undefined) return undefined;
  const requested = invocationModel(a[OPENINFERENCE_PARAMETERS]);
  if (requested !== undefined) return requested;
  const named = a[OPENINFERENCE_MODEL];
  return typeof named === "string" ? named : undefined;
}

function invocationModel(parameters: unknown): string | undefined {
  if (typeof parameters !== "string") return undefined;
  try {
    const model: unknown = (JSON.parse(parameters) as { model?: unknown } | null)?.model;
    return typeof model === "string" ? model : undefined;
  } catch {
    return undefined;
  }
}

function isHttpClient(span: SpanLike): boolean {
  const a = span.attributes;
  return span.kind === SPAN_KIND_CLIENT && (a[HTTP_METHOD] !== undefined || a[HTTP_METHOD_OLD] !== undefined);
}

/** Copies the request facts ours lacks from the provider's span, while ours is still open. */
function fold(theirs: SpanLike, ours: SpanLike): void {
  if (ours.isRecording?.() !== true || typeof ours.setAttribute !== "function") return;
  for (const key of FOLDED) {
    const value = theirs.attributes[key];
    if (value !== undefined && ours.attributes[key] === undefined) ours.setAttribute(key, value);
  }
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
 * A provider instrumentation's span is an inference span of another scope (a
 * `chat`/`text_completion`/`generate_content` `gen_ai.operation.name`, OpenInference
 * `openinference.span.kind=LLM`, or Traceloop `llm.request.type`). It belongs to one of our model
 * calls when:
 * - it starts under our inference span: the AI SDK and OpenAI Agents adapters run the provider call
 *   with their span active;
 * - or it starts beside it: LangChain reports a model call through callbacks and runs the provider
 *   call in the context of the enclosing step, so the provider's span is a sibling of ours (same
 *   parent), or a child of the span that was active when ours started. It is taken as the same call
 *   when exactly one of our inference spans is open with that span as parent or active at its start
 *   and asks for the same model (when both name one), and no other provider span is open for it.
 *   Two candidates of ours, or two provider spans at once for one of ours: both are kept, where
 *   they are (no guessing).
 *
 * It is not suppressed through `suppressTracing()`, which would also silence the HTTP spans under
 * it, but withheld from export, with its children handed to our span. The non-exported span still
 * propagates its own id in `traceparent`, so a server-side span of that request points at a span
 * that is not in the trace (the same as with a non-sampled span).
 */
export class CoexistenceSpanProcessor implements SpanProcessorLike {
  private readonly policy: InferenceSpansPolicy;
  private readonly dropHttp: boolean;
  private readonly max: number;
  /** Our open inference spans by span id. */
  private readonly ours = new Map<string, OurCall>();
  /** Our open inference spans by their parent span's id and by the id of the span active when they started. */
  private readonly besides = new Map<string, OurCall[]>();
  /** Open spans of other instrumentations inside one of our model calls (under our span, at any depth). */
  private readonly inside = new Map<string, Candidate>();
  /** Recently ended spans withheld from export: span id -> the span of ours their children hang from instead. */
  private dropped = new Map<string, SpanContext>();
  /** The previous generation of `dropped`, still consulted (see `settle`). */
  private droppedBefore = new Map<string, SpanContext>();
  /** Spans of others that started beside our open calls and did not yet say whether they are model calls. */
  private unresolved: Unresolved[] = [];

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
      if (this.unresolved.length > 0) this.resolve();
      this.classify(span as SpanLike, parentContext);
    } catch (err) {
      diag.debug("otel-agents: CoexistenceSpanProcessor could not classify a span", err);
    }
    this.inner.onStart(span, parentContext);
  }

  onEnding(span: never): void {
    if (this.unresolved.length > 0) this.resolve();
    const candidate = this.inside.get((span as SpanLike).spanContext().spanId);
    if (candidate && this.withheld(candidate)) return;
    this.inner.onEnding?.(span);
  }

  onEnd(span: never): void {
    let forward: unknown = span;
    try {
      if (this.unresolved.length > 0) this.resolve();
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
    this.besides.clear();
    this.inside.clear();
    this.dropped.clear();
    this.droppedBefore = new Map();
    this.unresolved = [];
    return this.inner.shutdown();
  }

  private classify(span: SpanLike, parentContext: Context): void {
    const id = span.spanContext().spanId;
    if (scopeName(span)?.startsWith(OUR_SCOPE_PREFIX)) {
      if (!isInference(span)) return;
      markSeenByProcessor(span);
      if (this.ours.size < this.max) this.track(id, span, parentContext);
      return;
    }
    const parentId = trace.getSpan(parentContext)?.spanContext().spanId;
    if (parentId === undefined || this.inside.size >= this.max) return;
    // Inside one of our model calls: directly under our span, or under a span already inside one.
    const call = this.ours.get(parentId);
    if (call !== undefined) {
      this.inside.set(id, { span, owner: call, parentId, match: undefined });
      return;
    }
    const parent = this.inside.get(parentId);
    if (parent !== undefined) {
      this.inside.set(id, { span, owner: parent.owner, parentId, match: parent.match });
      return;
    }
    const calls = this.besides.get(parentId);
    if (calls === undefined) return;
    // Beside one of our open model calls. OpenInference sets its attributes only after its span has
    // started: what it is gets decided at the next span event (its own end at the latest).
    if (isInference(span)) this.placeBeside(id, span, parentId, calls);
    else this.unresolved.push({ id, span, parentId, calls: calls.slice() });
  }

  /** Decides the spans that started beside our calls without saying yet what they are. */
  private resolve(): void {
    const pending = this.unresolved;
    this.unresolved = [];
    for (const p of pending) {
      try {
        if (isInference(p.span)) this.placeBeside(p.id, p.span, p.parentId, p.calls);
      } catch (err) {
        diag.debug("otel-agents: CoexistenceSpanProcessor could not classify a span", err);
      }
    }
  }

  /** Pairs a provider inference span that started beside our calls with the one it is, if exactly one. */
  private placeBeside(id: string, span: SpanLike, parentId: string, calls: readonly OurCall[]): void {
    const beside = this.besideCall(span, calls);
    if (beside === undefined || this.inside.size >= this.max) return;
    const match: Match = { rootId: id, call: beside, ambiguous: beside.matches.length > 0 };
    for (const other of beside.matches) other.ambiguous = true;
    beside.matches.push(match);
    this.inside.set(id, { span, owner: beside, parentId, match });
  }

  private track(id: string, span: SpanLike, parentContext: Context): void {
    // Where a provider span for the same call that is not under ours starts: beside ours (LangChain
    // runs the provider call in the enclosing step's context), or under the span active now (read
    // while the code that started our span runs; with no step context, that is the caller's).
    const parent = trace.getSpan(parentContext)?.spanContext().spanId;
    const active = trace.getSpan(context.active())?.spanContext().spanId;
    const keys: string[] = [];
    if (parent !== undefined) keys.push(parent);
    if (active !== undefined && active !== parent) keys.push(active);
    const call: OurCall = { span: span.spanContext(), live: span, model: modelOf(span), keys, matches: [] };
    this.ours.set(id, call);
    for (const key of keys) {
      const calls = this.besides.get(key);
      if (calls) calls.push(call);
      else this.besides.set(key, [call]);
    }
  }

  private untrack(call: OurCall): void {
    for (const key of call.keys) {
      const calls = this.besides.get(key);
      if (!calls) continue;
      const i = calls.indexOf(call);
      if (i >= 0) calls.splice(i, 1);
      if (calls.length === 0) this.besides.delete(key);
    }
  }

  /** Our one model call (of those open where the provider span started) it is the same call as, if exactly one. */
  private besideCall(span: SpanLike, calls: readonly OurCall[]): OurCall | undefined {
    const model = modelOf(span);
    let found: OurCall | undefined;
    for (const call of calls) {
      if (model !== undefined && call.model !== undefined && model !== call.model) continue;
      if (found !== undefined) return undefined;
      found = call;
    }
    return found;
  }

  /** Whether a span inside one of our model calls is withheld (read when it ends: some instrumentations set their attributes after start). */
  private withheld(candidate: Candidate): boolean {
    if (candidate.match?.ambiguous) return false;
    const span = candidate.span;
    return (this.policy === "suppress-inner" && isInference(span)) || (this.dropHttp && isHttpClient(span));
  }

  /** The span to export (itself, or under a new parent), or undefined when withheld. */
  private settle(span: SpanLike): unknown {
    const id = span.spanContext().spanId;
    const call = this.ours.get(id);
    if (call !== undefined) {
      this.ours.delete(id);
      this.untrack(call);
      return span;
    }
    const candidate = this.inside.get(id);
    if (candidate === undefined) return span;
    this.inside.delete(id);
    const match = candidate.match;
    const isMatchRoot = match?.rootId === id;
    if (match !== undefined && isMatchRoot) {
      const i = match.call.matches.indexOf(match);
      if (i >= 0) match.call.matches.splice(i, 1);
    }
    // The same model call: what theirs knows of the request and ours does not goes onto ours.
    if (!match?.ambiguous && isInference(span)) fold(span, candidate.owner.live);
    if (this.withheld(candidate)) {
      // Its children end before it, or soon after: remember it only for a while, in two
      // generations (deleting a Map's oldest entry one at a time makes V8 skip ever more holes).
      if (this.dropped.size >= this.max / 2) {
        this.droppedBefore = this.dropped;
        this.dropped = new Map();
      }
      this.dropped.set(id, candidate.owner.span);
      return undefined;
    }
    // The provider's span of a call it made beside ours (keep-both): under ours, where it belongs.
    if (isMatchRoot) return match?.ambiguous ? span : reparented(span as object, candidate.owner.span);
    // Hang it from the nearest exported ancestor: the parent, unless that is (or will be) withheld.
    const parentId = candidate.parentId;
    const parent = this.inside.get(parentId);
    const parentWithheld = this.droppedOwner(parentId) !== undefined || (parent !== undefined && this.withheld(parent));
    if (!parentWithheld) return span;
    const exportedParent = this.nearestExported(parentId) ?? candidate.owner.span;
    return reparented(span as object, exportedParent);
  }

  /** Our span that the children of a withheld span that has ended hang from instead. */
  private droppedOwner(id: string): SpanContext | undefined {
    return this.dropped.get(id) ?? this.droppedBefore.get(id);
  }

  /** The closest ancestor that is exported, walking up through withheld spans still open. */
  private nearestExported(parentId: string): SpanContext | undefined {
    let id: string | undefined = parentId;
    for (let depth = 0; id !== undefined && depth < MAX_ANCESTOR_HOPS; depth++) {
      const open = this.inside.get(id);
      if (open === undefined) return this.droppedOwner(id);
      if (!this.withheld(open)) return open.span.spanContext();
      id = open.parentId;
    }
    return undefined;
  }
}

interface Candidate {
  span: SpanLike;
  /** Our inference span of the model call it belongs to. */
  owner: OurCall;
  parentId: string;
  /** When the model call's provider span started beside ours (not under it): that match. */
  match: Match | undefined;
}

/** One of our open inference spans. */
interface OurCall {
  span: SpanContext;
  live: SpanLike;
  /** Its `gen_ai.request.model`, when set at start. */
  model: string | undefined;
  /** Its parent span's id, and the id of the span active when it started, if another. */
  keys: string[];
  /** Provider spans taken for this call beside it, still open. */
  matches: Match[];
}

/** A provider inference span taken for one of our calls although it is not under it. */
interface Match {
  rootId: string;
  call: OurCall;
  /** Another provider span was open for the same call at the same time: keep both, where they are. */
  ambiguous: boolean;
}

/** A span of another scope that started beside our open model calls, its attributes not yet set. */
interface Unresolved {
  id: string;
  span: SpanLike;
  parentId: string;
  /** Our calls open where it started, when it started. */
  calls: readonly OurCall[];
}
