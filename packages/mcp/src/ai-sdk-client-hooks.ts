import { context, diag } from "@opentelemetry/api";
import { extractMcpContext, type McpSession } from "@otel-agents/core";
import {
  isRecord,
  markWrapped,
  rememberVersion,
  settle,
  type TelemetrySource,
  telemetryFor,
  unwrap,
  withTraceMeta,
} from "./hook-kit.js";
import { watchReply } from "./reply-watch.js";
import { transportFacts } from "./transport-facts.js";

/**
 * The AI SDK's MCP client (`createMCPClient` from `@ai-sdk/mcp`): a JSON-RPC client of its own, with
 * no class exported. These are the methods of its instances it sends and receives through.
 */
const METHODS = ["requestOnce", "notification", "onRequestMessage", "init", "onClose"] as const;

type Method = (this: AiSdkClient, ...args: unknown[]) => unknown;
interface AiSdkClient {
  requestMessageId?: unknown;
  [key: string]: unknown;
}

export function isAiSdkMcpClient(target: object): boolean {
  const t = target as Record<string, unknown>;
  return METHODS.every((n) => typeof t[n] === "function") && typeof t.callTool === "function";
}

const sessions = new WeakMap<object, McpSession>();

/**
 * Installs the tracing hooks on an AI SDK MCP client instance or on its prototype: each JSON-RPC
 * request (`tools/call`, `tools/list`, `initialize`...) and notification it sends gets an
 * `mcp.client` span and carries the trace context in `params._meta`; the requests a server sends it
 * (ping, elicitation) get `mcp.server` spans. Returns false when `target` is not such a client.
 */
export function installAiSdkClientHooks(target: object, source: TelemetrySource): boolean {
  if (!isAiSdkMcpClient(target)) return false;
  const t = target as Record<string, unknown>;
  const hooks: Record<(typeof METHODS)[number], (original: Method) => Method> = {
    requestOnce: (original) => tracedRequestOnce(original, source),
    notification: (original) => tracedNotification(original, source),
    onRequestMessage: (original) => tracedOnRequestMessage(original, source),
    init: (original) => tracedInit(original, source),
    onClose: (original) => tracedOnClose(original),
  };
  for (const name of METHODS) {
    const original = unwrap(t[name] as Method) as Method;
    const wrapped = markWrapped(hooks[name](original), original);
    Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
  }
  return true;
}

function tracedRequestOnce(original: Method, source: TelemetrySource): Method {
  return function requestOnce(this: AiSdkClient, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const input = args[0];
    const message = isRecord(input) ? input.request : undefined;
    if (!telemetry || !isRecord(input) || !isRecord(message) || typeof message.method !== "string")
      return original.apply(this, args);
    const method = message.method;
    let op: ReturnType<typeof telemetry.startOperation>;
    try {
      // The client numbers the request with this counter synchronously below.
      const id = typeof this.requestMessageId === "number" ? this.requestMessageId : undefined;
      op = telemetry.startOperation({
        side: "client",
        method,
        requestId: id,
        params: message.params,
        transport: transportFacts(this),
      });
      args[0] = { ...input, request: withTraceMeta(message, op) };
    } catch (err) {
      diag.debug("otel-agents/mcp: could not trace an AI SDK MCP request", err);
      return original.apply(this, args);
    }
    let result: unknown;
    try {
      result = context.with(op.context, () => original.apply(this, args));
    } catch (err) {
      op.fail(err);
      throw err;
    }
    settle(result, op, method === "initialize" ? (value) => rememberVersion(this, value) : undefined);
    return result;
  };
}

function tracedNotification(original: Method, source: TelemetrySource): Method {
  return function notification(this: AiSdkClient, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const message = args[0];
    if (!telemetry || !isRecord(message) || typeof message.method !== "string") return original.apply(this, args);
    const op = telemetry.startOperation({
      side: "client",
      method: message.method,
      params: message.params,
      transport: transportFacts(this),
    });
    try {
      args[0] = withTraceMeta(message, op);
    } catch (err) {
      diag.debug("otel-agents/mcp: could not add trace context to a notification", err);
    }
    let result: unknown;
    try {
      result = context.with(op.context, () => original.apply(this, args));
    } catch (err) {
      op.fail(err);
      throw err;
    }
    settle(result, op);
    return result;
  };
}

// The client answers ping and elicitation itself, refuses the rest with -32601, and resolves with
// nothing: the span's outcome is the reply it sends (read on its transport), else how the handling ended.
function tracedOnRequestMessage(original: Method, source: TelemetrySource): Method {
  return function onRequestMessage(this: AiSdkClient, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const request = args[0];
    if (!telemetry || !isRecord(request) || typeof request.method !== "string") return original.apply(this, args);
    const params = isRecord(request.params) ? request.params : undefined;
    const op = telemetry.startOperation({
      side: "server",
      method: request.method,
      requestId: request.id as string | number | undefined,
      params,
      transport: transportFacts(this),
      parent: extractMcpContext(params?._meta, context.active()),
    });
    watchReply(this.transport, request.id, op);
    let result: unknown;
    try {
      result = context.with(op.context, () => original.apply(this, args));
    } catch (err) {
      op.fail(err);
      throw err;
    }
    settle(result, op);
    return result;
  };
}

function tracedInit(original: Method, source: TelemetrySource): Method {
  return function init(this: AiSdkClient, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    if (telemetry) {
      try {
        sessions.get(this)?.end();
        sessions.set(this, telemetry.startSession("client", {}));
      } catch (err) {
        diag.debug("otel-agents/mcp: could not start a session measurement", err);
      }
    }
    return original.apply(this, args);
  };
}

function tracedOnClose(original: Method): Method {
  return function onClose(this: AiSdkClient, ...args: unknown[]) {
    const session = sessions.get(this);
    if (session) {
      sessions.delete(this);
      try {
        session.update(transportFacts(this));
        session.end();
      } catch (err) {
        diag.debug("otel-agents/mcp: could not record a session", err);
      }
    }
    return original.apply(this, args);
  };
}

/**
 * The prototype of the AI SDK's MCP client class, which `@ai-sdk/mcp` does not export: a client is
 * made synchronously by `createMCPClient` over a transport that reports an error as it starts; the
 * client passes it to its `onUncaughtError` as a method call, so that callback sees the instance.
 * The transport then fails the start, nothing is sent, and the returned promise is dropped.
 */
export function aiSdkClientPrototype(createMCPClient: unknown): object | undefined {
  if (typeof createMCPClient !== "function") return undefined;
  let found: object | undefined;
  const probe = new Error("otel-agents probe");
  const transport = {
    onerror: undefined as ((e: unknown) => void) | undefined,
    start() {
      this.onerror?.(probe);
      return Promise.reject(probe);
    },
    send: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  try {
    const pending = createMCPClient({
      transport,
      onUncaughtError(this: unknown, error: unknown) {
        if (error === probe && typeof this === "object" && this !== null) found = Object.getPrototypeOf(this) as object;
      },
    }) as Promise<unknown> | undefined;
    pending?.then?.(undefined, () => undefined);
  } catch (err) {
    diag.debug("otel-agents/mcp: could not find the AI SDK MCP client class", err);
  }
  return found && isAiSdkMcpClient(found) ? found : undefined;
}
