import { type Context, diag, type Span, SpanStatusCode, type TimeInput, trace } from "@opentelemetry/api";
import type { ContentPolicy } from "../content/policy.js";
import { capString } from "../content/safe-json.js";
import type { Instruments } from "../metrics/instruments.js";
import { recordOperationMetrics } from "../metrics/record-operation.js";
import { finishReason } from "../semconv/finish-reasons.js";
import { ATTR, FINISH_REASON, INFERENCE_OPERATIONS, OPERATION, type SpanType } from "../semconv/names.js";
import { AttributeSink, failedFinishReasons, normalizeProvider, writeContent, writeFacts } from "./attributes.js";
import { errorDetails, errorType } from "./error-type.js";
import { mergeFactsInto } from "./facts.js";
import { spanNameOf } from "./span-shape.js";
import type { OperationFacts, OperationHandleLike, OperationKind, StartOptions } from "./types.js";
import { count, str } from "./values.js";

// Which operation a context's span belongs to, as a value of the operation's own context: the core
// writes nothing onto the SDK's span objects (a property added there changes their shape after the
// SDK made them), and a WeakMap would make every garbage collection walk its entries. It costs a
// second context copy, only for operations whose context is read. The key is shared by every copy
// of the core (ESM and CJS builds), so each sees the other's operations as parents.
const HANDLE_KEY = Symbol.for("otel-agents.operation-handle.context.v2");

// A brand rather than `instanceof`: the ESM and CJS builds of the core (or two adapters built
// against it) are separate copies of the class in one process, and must still see each other's
// operations as parents.
const BRAND = Symbol.for("otel-agents.operation-handle.v1");

export function isOperationHandle(value: unknown): value is OperationHandle {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: boolean })[BRAND] === true;
}

/**
 * The operation whose span is the active span of `ctx`. Contexts made below it (an HTTP client
 * span's) carry its value on, so the value counts only while its span is still the active one.
 */
export function handleFromContext(ctx: Context): OperationHandle | undefined {
  const handle = ctx.getValue(HANDLE_KEY);
  return isOperationHandle(handle) && handle.span === trace.getSpan(ctx) ? handle : undefined;
}

const NO_FACTS: OperationFacts = Object.freeze({}) as OperationFacts;
const ENDED: StartOptions = Object.freeze({ operation: "step" }) as StartOptions;

/**
 * The facts an ended operation keeps: those its children read (the agent's name, the conversation
 * id), none of the framework's objects.
 */
function retainedFacts(facts: OperationFacts): OperationFacts {
  try {
    const name = facts.agent?.name;
    const conversationId = facts.conversationId;
    if (name === undefined && conversationId === undefined) return NO_FACTS;
    const kept: OperationFacts = {};
    if (name !== undefined) kept.agent = { name };
    if (conversationId !== undefined) kept.conversationId = conversationId;
    return kept;
  } catch {
    return NO_FACTS;
  }
}

/** Totals an agent collects from its own model and tool calls. */
interface AgentTotals {
  inference: number;
  tools: number;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  finishReasons: string[] | undefined;
}

export interface HandleDeps {
  readonly policy: ContentPolicy;
  readonly instruments: Instruments | undefined;
}

// The SDK stamps a span it times itself with Date.now() at its start (the wall clock, which NTP
// steps and slews and suspends move) plus the monotonic time since. `performance.timeOrigin +
// now()` is monotonic only: over a long-running process it drifts from the wall clock, by seconds
// after a suspend, and our spans would then sit beside the app's own spans at the wrong time (a
// child before its parent). So our clock starts as that one (exact in a young process, in every
// process alike, so a server's span follows its client's) and is moved whenever it leaves the
// millisecond Date.now() reads. Ahead of it by less than another millisecond, it is the two clocks'
// rates (NTP slews the wall clock by microseconds a second): it moves back by only as much, to the
// end of that millisecond, so that no span of ours ends before one it started after. Behind it, or
// further ahead (the wall clock stepped), it moves to the start of that millisecond, where the SDK
// starts its spans.
let wallOffset = performance.timeOrigin;
const LAST_IN_MS = 0.999;

/**
 * Epoch milliseconds with sub-millisecond resolution, on the SDK's time scale: within the
 * millisecond `Date.now()` reads, so never before an SDK span started earlier and never drifting.
 */
export function nowMs(): number {
  const mono = performance.now();
  const wall = Date.now();
  const t = wallOffset + mono;
  if (t >= wall && t < wall + 1) return t;
  const moved = t >= wall + 1 && t < wall + 2 ? wall + LAST_IN_MS : wall;
  wallOffset = moved - mono;
  return moved;
}

export function toEpochMs(time: TimeInput | undefined): number | undefined {
  if (time === undefined) return undefined;
  if (typeof time === "number") return Number.isFinite(time) ? time : undefined;
  if (time instanceof Date) {
    const t = time.getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  if (Array.isArray(time) && time.length === 2) {
    const ms = (time[0] as unknown as number) * 1e3 + (time[1] as unknown as number) / 1e6;
    return typeof time[0] === "number" && typeof time[1] === "number" && Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/**
 * One GenAI operation in flight: its span, its context for children, and the facts that arrive
 * until it ends. Every method is safe to call in any order, any number of times; none throws.
 */
export class OperationHandle implements OperationHandleLike {
  readonly [BRAND] = true;
  /** The nearest enclosing `invoke_agent` operation, which collects this one's usage. */
  readonly agent: OperationHandle | undefined;
  /** @internal everything known so far (start facts merged with updates). */
  readonly facts: OperationFacts;
  /** Facts that arrived after the start, not yet written (an update or the end's). */
  private pending: OperationFacts | undefined;
  // The provider as normalised, for the raw value it came from: read at end by the attributes and
  // the metrics, and it rarely changes after the start.
  private rawProvider: unknown;
  private normalizedProvider: string | undefined;
  private readonly startMs: number;
  private ended = false;
  private nameIsFallback: boolean;
  private firstChunkMs: number | undefined;
  private lastChunkMs: number | undefined;
  private chunkIntervals: number[] | undefined;
  private totals: AgentTotals | undefined;
  private truncated: string[] | undefined;
  // Made on first read: a context copies its parent's entries, and most operations (model calls,
  // tools) never have a child or run code of their own.
  private childContext: Context | undefined;
  private readonly passThrough: boolean;
  // Decided at the start: the span stops recording when it ends, and a late child must still find it.
  private readonly identifies: boolean;

  constructor(
    readonly span: Span,
    /** The context the operation started in (its parent's). */
    readonly parentContext: Context,
    readonly operation: OperationKind,
    private start: StartOptions,
    private readonly spanType: SpanType | undefined,
    private readonly allowed: ReadonlySet<string>,
    readonly parent: OperationHandle | undefined,
    startMs: number,
    private readonly deps: HandleDeps,
    facts: OperationFacts,
    nameIsFallback: boolean,
    /** With nothing recording, children see the parent's context unchanged (its remote parent included). */
    passThrough = false,
  ) {
    this.startMs = startMs;
    this.nameIsFallback = nameIsFallback;
    this.facts = facts;
    this.passThrough = passThrough;
    // A non-recording span may be shared (the API's invalid span): only real spans identify us.
    this.identifies = !passThrough && span.isRecording();
    this.agent = parent ? (parent.operation === OPERATION.invokeAgent ? parent : parent.agent) : undefined;
    if (operation === OPERATION.invokeAgent) {
      this.totals = { inference: 0, tools: 0, inputTokens: undefined, outputTokens: undefined, finishReasons: undefined };
    }
    const agentTotals = this.agent?.totals;
    if (agentTotals) {
      if (INFERENCE_OPERATIONS.has(operation)) agentTotals.inference++;
      else if (operation === OPERATION.executeTool) agentTotals.tools++;
    }
  }

  /** The context for the operation's children: its parent's, with this operation's span active. */
  get context(): Context {
    if (this.childContext === undefined) {
      if (this.passThrough) this.childContext = this.parentContext;
      else {
        const withSpan = trace.setSpan(this.parentContext, this.span);
        this.childContext = this.identifies ? withSpan.setValue(HANDLE_KEY, this) : withSpan;
      }
    }
    return this.childContext;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Adds facts learned after the start (response model, usage from the last chunk...). */
  update(facts: OperationFacts): this {
    if (this.ended || !facts) return this;
    try {
      this.pending = mergeFactsInto(this.facts, this.pending, facts, this.deps.policy.capture);
    } catch (err) {
      diag.debug("otel-agents: update ignored", err);
    }
    return this;
  }

  /** Marks the first streamed chunk (only the first call counts) and, after it, each next chunk. */
  recordFirstChunk(time?: TimeInput): this {
    if (this.ended || this.firstChunkMs !== undefined) return this;
    this.firstChunkMs = toEpochMs(time) ?? nowMs();
    this.lastChunkMs = this.firstChunkMs;
    return this;
  }

  /** Records a streamed chunk: the first one gives time to first chunk, the rest the time per chunk. */
  recordChunk(time?: TimeInput): this {
    if (this.ended) return this;
    const t = toEpochMs(time) ?? nowMs();
    if (this.firstChunkMs === undefined) {
      this.firstChunkMs = t;
    } else if (this.lastChunkMs !== undefined) {
      (this.chunkIntervals ??= []).push(Math.max(0, t - this.lastChunkMs) / 1e3);
    }
    this.lastChunkMs = t;
    return this;
  }

  /** Ends the operation successfully, with any last facts. A second end is ignored. */
  end(facts?: OperationFacts, endTime?: TimeInput): void {
    if (this.ended) return;
    if (facts) this.update(facts);
    this.finish(undefined, undefined, endTime);
  }

  /**
   * Ends the operation as failed: ERROR status and `error.type`. The error is never rethrown.
   * `type` replaces the `error.type` derived from the error, for adapters that know a better
   * low-cardinality kind (an HTTP status behind a catch-all API error class); the exception event
   * keeps the error's own type.
   */
  fail(error: unknown, facts?: OperationFacts, endTime?: TimeInput, type?: string): void {
    if (this.ended) return;
    if (facts) this.update(facts);
    this.finish(type ?? errorType(error), error, endTime);
  }

  /** Ends the operation as failed with a given `error.type` (orphaned, evicted, cancelled...). */
  failWithType(type: string, facts?: OperationFacts, endTime?: TimeInput): void {
    if (this.ended) return;
    if (facts) this.update(facts);
    this.finish(type, undefined, endTime);
  }

  private finish(type: string | undefined, error: unknown, endTime: TimeInput | undefined): void {
    this.ended = true;
    const endMs = Math.max(this.startMs, toEpochMs(endTime) ?? nowMs());
    // A first chunk past the end: a framework measured it from a moment before our start (a clock
    // of its own, started earlier). No chunk arrives after its call ends.
    if (this.firstChunkMs !== undefined && this.firstChunkMs > endMs) this.firstChunkMs = endMs;
    try {
      if (this.hasEndAttributes(type) && this.span.isRecording()) this.writeEnd(type, error);
    } catch (err) {
      diag.debug("otel-agents: could not write end attributes", err);
    }
    try {
      this.span.end(endMs);
    } catch (err) {
      diag.debug("otel-agents: span.end threw", err);
    }
    try {
      this.recordMetrics((endMs - this.startMs) / 1e3, type);
      this.rollUpToAgent();
    } catch (err) {
      diag.debug("otel-agents: could not record metrics", err);
    }
    // Nothing but the identity is needed any more; let framework objects go. The span stays
    // reachable for a while (an export queue holds it, and this handle with it): keep only what an
    // operation started later in this one's context reads.
    this.pending = undefined;
    this.start = ENDED;
    this.chunkIntervals = undefined;
    this.totals = undefined;
    this.truncated = undefined;
    (this as { facts: OperationFacts }).facts = retainedFacts(this.facts);
  }

  /** Whether the end has anything to write: else the span ends as it started. */
  private hasEndAttributes(type: string | undefined): boolean {
    return (
      type !== undefined ||
      this.pending !== undefined ||
      this.firstChunkMs !== undefined ||
      this.nameIsFallback ||
      (this.totals !== undefined && !this.facts.usage)
    );
  }

  private provider(): string | undefined {
    const raw = this.facts.provider;
    if (raw !== this.rawProvider) {
      this.rawProvider = raw;
      this.normalizedProvider = normalizeProvider(raw);
    }
    return this.normalizedProvider;
  }

  private writeEnd(type: string | undefined, error: unknown): void {
    // Written into below (totals, failed finish reasons) only when this end writes them.
    const f = this.pending ?? {};
    const provider = this.provider();
    // Written straight onto the span, in the same order an attributes object would hold them.
    const sink = new AttributeSink(this.allowed, provider, this.span);
    // The error kind first: it must survive any attribute count limit.
    if (type !== undefined) {
      // A framework step has no registry span type, yet its failure still needs a kind.
      if (this.spanType) sink.put(ATTR.errorType, type);
      else sink.putOwn(ATTR.errorType, type);
    }
    // Facts come from frameworks and may be anything (throwing getters included): each part is
    // written on its own so one bad fact costs only itself, never the status or the end.
    if (this.firstChunkMs !== undefined) {
      sink.put(ATTR.responseTimeToFirstChunk, Math.max(0, this.firstChunkMs - this.startMs) / 1e3);
    }
    try {
      if (this.firstChunkMs !== undefined && this.facts.request?.stream === undefined) sink.put(ATTR.requestStream, true);
      if (this.totals && !this.facts.usage) this.applyTotals(f);
      if (type !== undefined && INFERENCE_OPERATIONS.has(this.operation)) this.applyFailedFinishReasons(f);
      writeFacts(sink, f, f.provider !== undefined ? provider : undefined);
    } catch (err) {
      diag.debug("otel-agents: skipped facts that could not be read", err);
    }
    if (this.deps.policy.capture && f.content) {
      sink.truncated = this.truncated;
      try {
        writeContent(sink, f.content, this.deps.policy, this.operation);
      } catch (err) {
        diag.debug("otel-agents: skipped content that could not be read", err);
      }
    }
    if (type !== undefined) this.recordError(type, error);
    if (this.nameIsFallback) {
      const name = spanNameOf(this.start, this.facts);
      if (name !== this.operation) this.span.updateName(name);
    }
  }

  private recordError(type: string, error: unknown): void {
    // Error messages often quote the prompt or tool input, so they are content: without capture,
    // the span says only which kind of error it was.
    const capture = this.deps.policy.capture;
    const details = capture && error !== undefined ? errorDetails(error) : {};
    const message = details.message !== undefined ? capString(details.message, 1024) : undefined;
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? type });
    if (error === undefined) return;
    const event: Record<string, string> = { [ATTR.exceptionType]: errorType(error) };
    if (message !== undefined) event[ATTR.exceptionMessage] = message;
    if (details.stack !== undefined) event[ATTR.exceptionStacktrace] = capString(details.stack, this.deps.policy.maxLength);
    this.span.addEvent("exception", event);
  }

  // A failed model call still reports one finish reason per generation: `error` where none arrived.
  private applyFailedFinishReasons(f: OperationFacts): void {
    const reasons = failedFinishReasons(this.facts.finishReasons, count(this.facts.request?.choiceCount));
    f.finishReasons = reasons;
    this.facts.finishReasons = reasons;
  }

  private applyTotals(f: OperationFacts): void {
    const t = this.totals;
    if (!t) return;
    if (t.inputTokens !== undefined || t.outputTokens !== undefined) {
      f.usage = { inputTokens: t.inputTokens, outputTokens: t.outputTokens };
    }
    if (t.finishReasons && !this.facts.finishReasons) f.finishReasons = t.finishReasons;
  }

  private rollUpToAgent(): void {
    const totals = this.agent?.totals;
    if (!totals || this.agent?.ended || !INFERENCE_OPERATIONS.has(this.operation)) return;
    const usage = this.facts.usage;
    const input = count(usage?.inputTokens);
    const output = count(usage?.outputTokens);
    if (input !== undefined) totals.inputTokens = (totals.inputTokens ?? 0) + input;
    if (output !== undefined) totals.outputTokens = (totals.outputTokens ?? 0) + output;
    // normalizeFinishReasons' values, without its array: this runs at the end of every model call.
    const raw = this.facts.finishReasons;
    if (!Array.isArray(raw)) return;
    for (let i = 0; i < raw.length; i++) {
      const s = str(raw[i]);
      const reason = s !== undefined ? finishReason(s) : FINISH_REASON.error;
      totals.finishReasons ??= [];
      if (!totals.finishReasons.includes(reason)) totals.finishReasons.push(reason);
    }
  }

  private recordMetrics(durationS: number, type: string | undefined): void {
    const instruments = this.deps.instruments;
    if (!instruments || this.operation === "step" || !instruments.enabled()) return;
    const f = this.facts;
    recordOperationMetrics(instruments, {
      operation: this.operation,
      durationS,
      errorType: type,
      provider: this.provider(),
      requestModel: str(f.requestModel),
      responseModel: str(f.responseModel),
      serverAddress: str(f.server?.address),
      serverPort: count(f.server?.port),
      agentName: str(f.agent?.name) ?? str(this.agent?.facts.agent?.name),
      toolName: str(f.tool?.name),
      toolType: str(f.tool?.type),
      workflowName: str(f.workflowName),
      usage: f.usage,
      timeToFirstChunkS: this.firstChunkMs !== undefined ? Math.max(0, this.firstChunkMs - this.startMs) / 1e3 : undefined,
      chunkIntervalsS: this.chunkIntervals,
      agentCalls: this.totals ? { inference: this.totals.inference, tools: this.totals.tools } : undefined,
    });
  }

  /** @internal for the start path: content truncated at start is reported again at end. */
  markTruncated(keys: string[] | undefined): void {
    if (keys) this.truncated = keys;
  }
}
