import {
  type Context,
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  type MeterProvider,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { followPromise } from "./adapter/follow-promise.js";
import { UnpairedInferenceWarning } from "./coexistence/unpaired-warning.js";
import { type ContentOptions, type ContentPolicy, resolveContentPolicy } from "./content/policy.js";
import { ensureStepAwareContext, requestStepAwareContext } from "./context/step-context.js";
import { Instruments } from "./metrics/instruments.js";
import { AttributeSink, normalizeProvider, writeContent, writeFacts } from "./operation/attributes.js";
import { startFacts } from "./operation/facts.js";
import { type HandleDeps, handleFromContext, isOperationHandle, nowMs, OperationHandle, toEpochMs } from "./operation/handle.js";
import { inheritFacts } from "./operation/inherit.js";
import { allowedAttributes, spanKindOf, spanNameOf, spanTypeOf } from "./operation/span-shape.js";
import type { OperationFacts, OperationHandleLike, StartOptions } from "./operation/types.js";
import { ATTR, INFERENCE_OPERATIONS, OTEL_AGENTS_ATTR, SCHEMA_URL } from "./semconv/names.js";

export interface TelemetryOptions extends ContentOptions {
  /** Default: the global TracerProvider (looked up lazily, so later registration works). */
  tracerProvider?: TracerProvider;
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** Record the GenAI metrics. Default: true. */
  metrics?: boolean;
  /**
   * Wrap the registered ContextManager (now, or once an SDK registers one) so that code inside a
   * framework step (a LangChain tool body, an Agents function tool) sees the step's span as active.
   * Default: true. With false this instance never touches the context manager.
   */
  stepAwareContext?: boolean;
}

/** The instrumentation scope the spans and metrics are reported under (the adapter package). */
export interface InstrumentationScope {
  name: string;
  version?: string;
}

/**
 * The GenAI semantic conventions, as operations: adapters describe what the framework is doing,
 * this turns it into spans and metrics. One instance per adapter instance.
 */
export class GenAITelemetry {
  readonly policy: ContentPolicy;
  private readonly scope: InstrumentationScope;
  private readonly explicitTracer: Tracer | undefined;
  // The global provider the cached tracer came from. Re-read on each start: before an SDK registers,
  // the API hands out its own proxy, and that proxy only ever gets a delegate when the SDK registers
  // through the same copy of `@opentelemetry/api` (an ESM app whose SDK was loaded with --require has
  // two). So a tracer taken before registration is taken again from the registered provider.
  private globalProvider: TracerProvider | undefined;
  private globalTracer: Tracer | undefined;
  private readonly instruments: Instruments | undefined;
  private readonly deps: HandleDeps;
  private readonly explicitTracing: boolean;
  private warned = false;
  private readonly unpaired: UnpairedInferenceWarning;

  constructor(scope: InstrumentationScope, options: TelemetryOptions = {}) {
    this.policy = resolveContentPolicy(options);
    this.explicitTracing = options.tracerProvider !== undefined;
    this.scope = { name: scope.name, version: scope.version };
    this.explicitTracer = options.tracerProvider?.getTracer(scope.name, scope.version, { schemaUrl: SCHEMA_URL });
    this.unpaired = new UnpairedInferenceWarning(options.tracerProvider ?? trace.getTracerProvider());
    this.instruments = options.metrics === false ? undefined : new Instruments(scope, options.meterProvider);
    this.deps = { policy: this.policy, instruments: this.instruments };
    if (options.stepAwareContext !== false) requestStepAwareContext();
  }

  private tracer(): Tracer {
    if (this.explicitTracer) return this.explicitTracer;
    const provider = trace.getTracerProvider();
    if (provider !== this.globalProvider || !this.globalTracer) {
      this.globalProvider = provider;
      this.globalTracer = provider.getTracer(this.scope.name, this.scope.version, { schemaUrl: SCHEMA_URL });
    }
    return this.globalTracer;
  }

  /** Whether message content is recorded. */
  get captureContent(): boolean {
    return this.policy.capture;
  }

  /**
   * Whether anything would be recorded: false while no TracerProvider and no MeterProvider is
   * registered (the API's no-ops) and none was given. Adapters may skip their own mapping work then.
   */
  get active(): boolean {
    return this.explicitTracing || !isNoopTracerProvider(trace.getTracerProvider()) || this.instruments?.enabled() === true;
  }

  /**
   * Starts an operation. Never throws: on any failure it returns a handle that records nothing.
   * `parent`, when given, takes the place of `options.parent` (callers that resolve the parent
   * themselves need not copy their options to set it).
   */
  start(options: StartOptions, parent?: OperationHandleLike | Context | null): OperationHandle {
    // An SDK may have registered its context manager since this instance was made (NodeSDK does,
    // after its instrumentations): wrap it before any step body runs.
    ensureStepAwareContext();
    const parentContext = resolveParent(parent !== undefined ? parent : options.parent);
    // Nothing registered: no span, no metric, so no work beyond a handle that passes the context on.
    if (!this.active) return this.noopHandle(options, parentContext, true);
    try {
      return this.startUnsafe(options, parentContext);
    } catch (err) {
      if (!this.warned) {
        this.warned = true;
        diag.warn("otel-agents: could not start an operation span; recording nothing for it", err);
      }
      return this.noopHandle(options, parentContext);
    }
  }

  /**
   * Runs `fn` as the operation: inside its context, ended when `fn` returns or its promise settles,
   * failed if it throws or rejects. The result and any error reach the caller unchanged; a promise
   * comes back chained after the span's end, so one the app never awaits still reports its
   * rejection (see `followPromise`).
   */
  run<T>(options: StartOptions, fn: (handle: OperationHandle) => T): T {
    const handle = this.start(options);
    let result: T;
    try {
      result = context.with(handle.context, fn, undefined, handle);
    } catch (err) {
      handle.fail(err);
      throw err;
    }
    return followPromise(
      result,
      () => handle.end(),
      (err) => handle.fail(err),
    );
  }

  /** The operation whose span is active in `ctx`, if it is one of ours. */
  activeOperation(ctx: Context = context.active()): OperationHandle | undefined {
    return handleFromContext(ctx);
  }

  private startUnsafe(options: StartOptions, parentContext: Context): OperationHandle {
    const operation = options.operation;
    const capture = this.policy.capture;
    const parentHandle = handleFromContext(parentContext);
    const spanType = spanTypeOf(operation, options.remote);
    const allowed = allowedAttributes(spanType);
    let facts: OperationFacts = {};
    const sink = new AttributeSink(allowed, undefined);
    let name: string = operation;
    // Facts come from frameworks and may be anything: a bad one costs only the facts after it,
    // never the span.
    if (spanType) sink.put(ATTR.operationName, operation);
    else sink.putOwn(OTEL_AGENTS_ATTR.stepType, stepTypeOf(options));
    try {
      facts = startFacts(options, capture, START_ONLY_KEYS);
      inheritFacts(facts, operation, allowed, parentHandle, parentContext);
      const provider = normalizeProvider(facts.provider);
      sink.provider = provider;
      writeFacts(sink, facts, provider);
      name = spanNameOf(options, facts);
    } catch (err) {
      diag.debug("otel-agents: skipped start facts that could not be read", err);
    }
    const startMs = toEpochMs(options.startTime) ?? nowMs();
    const span = this.tracer().startSpan(
      name,
      { kind: spanKindOf(spanType), attributes: sink.out, startTime: startMs, links: options.links },
      parentContext,
    );
    if (spanType !== undefined && INFERENCE_OPERATIONS.has(operation)) this.unpaired.check(span);
    const handle = new OperationHandle(
      span,
      parentContext,
      operation,
      options,
      spanType,
      allowed,
      parentHandle,
      startMs,
      this.deps,
      facts,
      name === operation,
    );
    // Content is never sampling-relevant: compute it only for spans that record.
    if (capture && facts.content && span.isRecording()) {
      const contentSink = new AttributeSink(allowed, sink.provider);
      try {
        writeContent(contentSink, facts.content, this.policy, operation);
      } catch (err) {
        diag.debug("otel-agents: skipped start content that could not be read", err);
      }
      span.setAttributes(contentSink.out);
      handle.markTruncated(contentSink.truncated);
      // Start content is written; keep only what may still change.
      facts.content = undefined;
    }
    return handle;
  }

  private noopHandle(options: StartOptions, parentContext: Context, passThrough = false): OperationHandle {
    // Passing through, the handle shows the parent's ids but must never write to or end the
    // parent's span (it may be recording, under another provider): a non-recording copy of its ids.
    const parentSpan = passThrough ? trace.getSpan(parentContext) : undefined;
    const span = parentSpan ? trace.wrapSpanContext(parentSpan.spanContext()) : INVALID_SPAN;
    return new OperationHandle(
      span,
      parentContext,
      options.operation,
      options,
      undefined,
      allowedAttributes(undefined),
      undefined,
      nowMs(),
      { policy: this.policy, instruments: undefined },
      {},
      false,
      passThrough,
    );
  }
}

const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

// A step's type is a low-cardinality identifier; anything else (a getter that throws, a 10 MB
// string an adapter passed through) is reported as a plain step.
function stepTypeOf(options: StartOptions): string {
  try {
    const type = options.step?.type;
    return typeof type === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(type) ? type : "step";
  } catch {
    return "step";
  }
}

// Before any TracerProvider is registered the API hands out a proxy whose delegate is its no-op
// provider. Compared by class name: the no-op class is not exported (and a minified bundle only
// loses this shortcut, never correctness).
function isNoopTracerProvider(provider: TracerProvider): boolean {
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate.constructor?.name === "NoopTracerProvider";
}

// StartOptions keys that describe the start itself, not the operation's facts.
// `parentId` and `fallbackParent` are the run registry's, which passes its options through.
const START_ONLY_KEYS: ReadonlySet<string> = new Set([
  "operation",
  "step",
  "remote",
  "parent",
  "startTime",
  "links",
  "parentId",
  "fallbackParent",
]);

function resolveParent(parent: OperationHandleLike | Context | null | undefined): Context {
  if (parent === null) return ROOT_CONTEXT;
  if (parent === undefined) return context.active();
  if (isHandleLike(parent)) return parent.context;
  return parent;
}

function isHandleLike(value: unknown): value is OperationHandleLike {
  return (
    isOperationHandle(value) || (typeof value === "object" && value !== null && "context" in value && !("getValue" in value))
  );
}
