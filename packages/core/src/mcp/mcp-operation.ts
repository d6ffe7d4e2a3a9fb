import { type Attributes, type Context, diag, type Span, SpanStatusCode } from "@opentelemetry/api";
import type { ContentPolicy } from "../content/policy.js";
import { type ContentKind, recordContent } from "../content/recorder.js";
import type { Instruments } from "../metrics/instruments.js";
import { errorDetails, errorType } from "../operation/error-type.js";
import { nowMs } from "../operation/handle.js";
import {
  JSONRPC_CLIENT_ERROR_CODES,
  MCP_ATTR,
  MCP_ERROR_TYPE,
  MCP_METHOD,
  MCP_METRIC,
  MCP_OTEL_AGENTS_ATTR,
  PROMPT_VARIABLE_PREFIX,
} from "../semconv/mcp-names.js";
import { ATTR, OTEL_AGENTS_ATTR } from "../semconv/names.js";
import { field, type McpSide, type McpTransportFacts, transportAttributes } from "./mcp-facts.js";

// JSON-RPC "Internal error": what an MCP server replies for a handler error that carries no code.
const INTERNAL_ERROR = -32603;
const PROMPT_VARIABLE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface McpOperationDeps {
  policy: ContentPolicy;
  instruments: Instruments | undefined;
}

/**
 * One MCP request or notification, as seen by one side. `end(result)` for a response (or a sent
 * notification), `failWithCode` for a JSON-RPC error response, `fail(error)` for anything thrown.
 * The first of them ends the span; the rest are ignored. No method throws.
 */
export class McpOperation {
  private ended = false;

  /** @internal Made by `McpTelemetry.startOperation`. */
  constructor(
    readonly span: Span,
    /** The context with this operation's span: run the handler in it, inject it into `_meta`. */
    readonly context: Context,
    private readonly side: McpSide,
    private readonly method: string,
    private readonly attributes: Attributes,
    private readonly startMs: number,
    private readonly deps: McpOperationDeps,
  ) {}

  /** Content recorded at the start (tool arguments, prompt arguments), when capture is on. */
  recordRequestContent(params: unknown): void {
    if (!this.deps.policy.capture || !this.span.isRecording()) return;
    this.guard("request content", () => {
      if (this.method === MCP_METHOD.toolsCall) this.content(ATTR.toolCallArguments, () => field(params, "arguments"), "object");
      else if (this.method === MCP_METHOD.promptsGet) this.promptVariables(field(params, "arguments"));
    });
  }

  /**
   * Connection facts learnt while the operation ran, for the span and its duration metric: an
   * `initialize` exchange settles the protocol version, and over HTTP its reply assigns the session
   * id. Facts the operation already has keep their value. Ignored once ended.
   */
  update(transport: McpTransportFacts): void {
    if (this.ended) return;
    this.guard("update", () => {
      const learnt = transportAttributes(this.side, transport);
      for (const key of Object.keys(learnt)) {
        const value = learnt[key];
        if (value === undefined || key in this.attributes) continue;
        this.attributes[key] = value;
        this.span.setAttribute(key, value);
      }
    });
  }

  /** The response's result (undefined for a notification). A `CallToolResult` with `isError` fails the tool call. */
  end(result?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.guard("end", () => {
      if (this.method === MCP_METHOD.toolsCall && field(result, "isError") === true) {
        this.markError(MCP_ERROR_TYPE.toolError, () => firstText(result));
      }
      if (this.deps.policy.capture && this.span.isRecording() && result !== undefined) {
        if (this.method === MCP_METHOD.toolsCall) this.content(ATTR.toolCallResult, result, "object");
        else if (this.method === MCP_METHOD.resourcesRead)
          this.content(MCP_OTEL_AGENTS_ATTR.resourceContents, () => ({ contents: field(result, "contents") }), "object");
      }
    });
    this.finish();
  }

  /**
   * A JSON-RPC error response. On the server side the client-caused codes (-32700, -32600, -32601,
   * -32602) are recorded but are no error of this span.
   */
  failWithCode(code: number, message?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.guard("fail", () => this.recordCode(code, message));
    this.finish();
  }

  /**
   * Anything thrown: an error with an integer `code` is a JSON-RPC error (the SDKs' `McpError`); on
   * the server side any other handler error is replied as -32603; on the client side it is a local
   * failure (no response, a result that did not parse, a closed connection) named by its class.
   */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.guard("fail", () => {
      const code = field(error, "code");
      const message = errorDetails(error).message;
      if (typeof code === "number" && Number.isSafeInteger(code)) this.recordCode(code, message);
      else if (this.side === "server") this.recordCode(INTERNAL_ERROR, message);
      else this.markError(errorType(error), () => message);
    });
    this.finish();
  }

  private recordCode(code: number, message: string | undefined): void {
    const status = String(code);
    this.set(MCP_ATTR.rpcResponseStatusCode, status);
    if (this.side === "server" && JSONRPC_CLIENT_ERROR_CODES.has(code)) return;
    this.markError(status, () => message);
  }

  // The status description is the JSON-RPC message only when content capture is on: error messages
  // often quote the request (a tool's arguments, a path). Otherwise it is the error type.
  private markError(type: string, message: () => string | undefined): void {
    this.set(ATTR.errorType, type);
    const text = this.deps.policy.capture ? message() : undefined;
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: text ?? type });
  }

  private set(key: string, value: string): void {
    this.attributes[key] = value;
    this.span.setAttribute(key, value);
  }

  private content(attribute: string, value: unknown, kind: ContentKind): void {
    const recorded = recordContent(this.deps.policy, attribute, this.method, value, kind);
    if (!recorded) return;
    this.span.setAttribute(attribute, recorded.value);
    if (recorded.truncated) this.span.setAttribute(OTEL_AGENTS_ATTR.contentTruncated, [attribute]);
  }

  private promptVariables(args: unknown): void {
    if (typeof args !== "object" || args === null || Array.isArray(args)) return;
    for (const [name, value] of Object.entries(args).slice(0, 64)) {
      if (!PROMPT_VARIABLE_NAME.test(name)) continue;
      this.content(`${PROMPT_VARIABLE_PREFIX}${name}`, value, "string");
    }
  }

  private finish(): void {
    // Never before the start (a caller-given start time may lie ahead of this clock).
    const endMs = Math.max(this.startMs, nowMs());
    try {
      this.span.end(endMs);
    } catch (err) {
      diag.debug("otel-agents: could not end an MCP span", err);
    }
    const instruments = this.deps.instruments;
    // Without a MeterProvider the record would go to the API's no-op meter: skip its attribute copy.
    if (!instruments?.enabled()) return;
    try {
      const metric = this.side === "server" ? MCP_METRIC.serverOperationDuration : MCP_METRIC.clientOperationDuration;
      // The resource uri is opt-in on the metrics (unbounded); the definitions drop the per-request ids.
      const { [MCP_ATTR.resourceUri]: _uri, ...attributes } = this.attributes;
      instruments.record(metric, Math.max(0, endMs - this.startMs) / 1000, attributes);
    } catch (err) {
      diag.debug("otel-agents: could not record an MCP operation metric", err);
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      diag.debug(`otel-agents: MCP operation ${what} skipped a fact it could not read`, err);
    }
  }
}

function firstText(result: unknown): string | undefined {
  const content = field(result, "content");
  if (!Array.isArray(content)) return undefined;
  const text = field(content[0], "text");
  return typeof text === "string" ? text : undefined;
}
