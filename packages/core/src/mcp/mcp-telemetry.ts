import {
  type Attributes,
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  type MeterProvider,
  ProxyTracerProvider,
  SpanKind,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { type ContentOptions, type ContentPolicy, resolveContentPolicy } from "../content/policy.js";
import { Instruments } from "../metrics/instruments.js";
import { errorType } from "../operation/error-type.js";
import { nowMs } from "../operation/handle.js";
import { MCP_METRIC, MCP_METRICS } from "../semconv/mcp-names.js";
import { ATTR, SCHEMA_URL } from "../semconv/names.js";
import {
  type McpOperationStart,
  type McpSide,
  type McpTransportFacts,
  spanNameOf,
  startAttributes,
  targetOf,
  transportAttributes,
} from "./mcp-facts.js";
import { McpOperation, type McpOperationDeps } from "./mcp-operation.js";

export interface McpTelemetryOptions extends ContentOptions {
  /** Default: the global TracerProvider (looked up when used, so a later registration works). */
  tracerProvider?: TracerProvider;
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** Record the MCP duration metrics. Default: true. */
  metrics?: boolean;
}

/** One MCP session (a connection), for the session duration metric. */
export interface McpSession {
  /** Facts learnt later (the negotiated protocol version, the session id). */
  update(facts: McpTransportFacts): void;
  /** Records the session's duration; `error` when the session ended with one. Ends once. */
  end(error?: unknown): void;
}

const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * The MCP semantic conventions as operations: the MCP adapter says which request or notification a
 * client sent or a server received, and how it ended; this builds the `mcp.client` / `mcp.server`
 * spans (name, kind, attributes, error status) and the MCP duration metrics.
 */
export class McpTelemetry {
  readonly policy: ContentPolicy;
  private readonly scope: { name: string; version?: string };
  private readonly explicitTracer: Tracer | undefined;
  private globalProvider: TracerProvider | undefined;
  private globalTracer: Tracer | undefined;
  private readonly instruments: Instruments | undefined;
  // One for every operation: they only read it.
  private readonly deps: McpOperationDeps;
  private warned = false;

  constructor(scope: { name: string; version?: string }, options: McpTelemetryOptions = {}) {
    this.policy = resolveContentPolicy(options);
    this.scope = { name: scope.name, version: scope.version };
    this.explicitTracer = options.tracerProvider?.getTracer(scope.name, scope.version, { schemaUrl: SCHEMA_URL });
    this.instruments = options.metrics === false ? undefined : new Instruments(scope, options.meterProvider, MCP_METRICS);
    this.deps = { policy: this.policy, instruments: this.instruments };
  }

  /** Whether anything would be recorded (a tracer or meter provider is registered or given). */
  get active(): boolean {
    return (
      this.explicitTracer !== undefined ||
      !isNoopTracerProvider(trace.getTracerProvider()) ||
      this.instruments?.enabled() === true
    );
  }

  /** Starts the span of one request or notification. Never throws: on failure the handle records nothing. */
  startOperation(start: McpOperationStart): McpOperation {
    const parent = start.parent ?? context.active();
    const deps = this.deps;
    try {
      const method = typeof start.method === "string" && start.method.length > 0 ? start.method.slice(0, 256) : "unknown";
      const target = targetOf(method, start.params);
      const attributes = startAttributes(start, method, target);
      // Sub-millisecond, as the SDK measures durations: an in-process request takes microseconds.
      const startMs = typeof start.startTime === "number" && Number.isFinite(start.startTime) ? start.startTime : nowMs();
      const span = this.tracer().startSpan(
        spanNameOf(method, target),
        { kind: start.side === "server" ? SpanKind.SERVER : SpanKind.CLIENT, attributes, startTime: startMs },
        parent,
      );
      const operation = new McpOperation(span, trace.setSpan(parent, span), start.side, method, attributes, startMs, deps);
      operation.recordRequestContent(start.params);
      return operation;
    } catch (err) {
      if (!this.warned) {
        this.warned = true;
        diag.warn("otel-agents: could not start an MCP operation span; recording nothing for it", err);
      }
      return new McpOperation(INVALID_SPAN, parent, start.side, "unknown", {}, nowMs(), {
        policy: this.policy,
        instruments: undefined,
      });
    }
  }

  /** Starts measuring one session (connect to close) on the given side. */
  startSession(side: McpSide, facts: McpTransportFacts = {}): McpSession {
    const startMs = nowMs();
    let current: McpTransportFacts = { ...facts };
    let ended = false;
    const instruments = this.instruments;
    return {
      update(more) {
        current = { ...current, ...more };
      },
      end(error) {
        if (ended) return;
        ended = true;
        // No MeterProvider registered: nothing to build the attributes for.
        if (!instruments?.enabled()) return;
        try {
          const attributes: Attributes = transportAttributes(side, current);
          if (error !== undefined) attributes[ATTR.errorType] = errorType(error);
          const metric = side === "server" ? MCP_METRIC.serverSessionDuration : MCP_METRIC.clientSessionDuration;
          instruments.record(metric, Math.max(0, nowMs() - startMs) / 1000, attributes);
        } catch (err) {
          diag.debug("otel-agents: could not record an MCP session metric", err);
        }
      },
    };
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
}

// Before any TracerProvider is registered the API hands out a proxy whose delegate is its no-op
// provider (the same test as GenAITelemetry's; the class is not exported).
function isNoopTracerProvider(provider: TracerProvider): boolean {
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate.constructor?.name === "NoopTracerProvider";
}
