import { context, diag } from "@opentelemetry/api";
import { extractMcpContext, type McpOperation, type McpSession } from "@otel-agents/core";
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

export type { TelemetrySource };

type Method = (this: Protocol, ...args: unknown[]) => unknown;
type Handler = (request: unknown, extra: unknown) => unknown;
interface Protocol {
  _requestMessageId?: unknown;
  _requestHandlers?: Map<string, Handler>;
  _requestHandlerAbortControllers?: Map<unknown, unknown>;
  _transport?: unknown;
  fallbackRequestHandler?: Handler;
  [key: string]: unknown;
}

// JSON-RPC "Method not found": what the SDK replies itself when no handler is registered.
const METHOD_NOT_FOUND = -32601;

const sessions = new WeakMap<object, McpSession>();

/**
 * Installs the tracing hooks on `target`: a v1 SDK `Client` or `Server` instance, or its class's
 * prototype. Sent requests and notifications get `mcp.client` spans and the trace context in their
 * `params._meta`; received ones get `mcp.server` spans and run in the sender's context. Returns
 * false when `target` does not look like an SDK `Protocol`.
 */
export function installHooks(target: object, side: "client" | "server", source: TelemetrySource): boolean {
  const t = target as Record<string, unknown>;
  const names = ["request", "notification", "_onrequest", "_onnotification", "connect", "_onclose"] as const;
  if (names.some((n) => typeof t[n] !== "function")) return false;
  const hooks: Record<(typeof names)[number], (original: Method) => Method> = {
    request: (original) => tracedRequest(original, source),
    notification: (original) => tracedNotification(original, source),
    _onrequest: (original) => tracedOnRequest(original, source),
    _onnotification: (original) => tracedOnNotification(original, source),
    connect: (original) => tracedConnect(original, side, source),
    _onclose: (original) => tracedOnClose(original),
  };
  for (const name of names) {
    const original = unwrap(t[name] as Method) as Method;
    const wrapped = markWrapped(hooks[name](original), original);
    Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
  }
  return true;
}

function tracedRequest(original: Method, source: TelemetrySource): Method {
  return function request(this: Protocol, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const message = args[0];
    if (!telemetry || !isRecord(message) || typeof message.method !== "string") return original.apply(this, args);
    let op: McpOperation;
    try {
      // The SDK numbers the request with this counter when it sends it, synchronously below.
      const id = typeof this._requestMessageId === "number" ? this._requestMessageId : undefined;
      op = telemetry.startOperation({
        side: "client",
        method: message.method,
        requestId: id,
        params: message.params,
        transport: transportFacts(this),
      });
      args[0] = withTraceMeta(message, op);
    } catch (err) {
      diag.debug("otel-agents/mcp: could not trace a request", err);
      return original.apply(this, args);
    }
    let result: unknown;
    try {
      result = context.with(op.context, () => original.apply(this, args));
    } catch (err) {
      op.fail(err);
      throw err;
    }
    const method = message.method;
    settle(result, op, method === "initialize" ? (value) => rememberVersion(this, value) : undefined);
    return result;
  };
}

function tracedNotification(original: Method, source: TelemetrySource): Method {
  return function notification(this: Protocol, ...args: unknown[]) {
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

function tracedOnRequest(original: Method, source: TelemetrySource): Method {
  return function _onrequest(this: Protocol, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const request = args[0];
    if (!telemetry || !isRecord(request) || typeof request.method !== "string") return original.apply(this, args);
    const method = request.method;
    const params = isRecord(request.params) ? request.params : undefined;
    const op = telemetry.startOperation({
      side: "server",
      method,
      requestId: request.id as string | number | undefined,
      params,
      transport: transportFacts(this, args[1]),
      parent: extractMcpContext(params?._meta, context.active()),
    });
    const id = request.id;
    // Until a handler takes it, the request's outcome is the reply the SDK sends itself (a refusal).
    const unwatch = watchReply(this._transport, id, op);
    const handlers = this._requestHandlers instanceof Map ? this._requestHandlers : undefined;
    const handler = handlers?.get(method);
    const fallback =
      handler === undefined && typeof this.fallbackRequestHandler === "function" ? this.fallbackRequestHandler : undefined;
    const chosen = handler ?? fallback;
    if (typeof chosen !== "function") {
      // The SDK replies "Method not found" itself, without a handler to wrap.
      try {
        return context.with(op.context, () => original.apply(this, args));
      } finally {
        op.failWithCode(METHOD_NOT_FOUND, "Method not found");
      }
    }
    const traced: Handler = (req, extra) => {
      unwatch();
      let result: unknown;
      try {
        result = chosen.call(this, req, extra);
      } catch (err) {
        op.fail(err);
        throw err;
      }
      settle(result, op, method === "initialize" ? (value) => rememberVersion(this, value) : undefined);
      return result;
    };
    // The SDK looks the handler up synchronously at the start of _onrequest and keeps it: stand in
    // for it during this one call, so the handler's outcome is this span's, then put it back.
    if (handler !== undefined) handlers?.set(method, traced);
    else this.fallbackRequestHandler = traced;
    // The SDK registers an abort controller for each request it hands to a handler, synchronously.
    const controllers = this._requestHandlerAbortControllers instanceof Map ? this._requestHandlerAbortControllers : undefined;
    const before = controllers?.get(id);
    let result: unknown;
    try {
      result = context.with(op.context, () => original.apply(this, args));
    } catch (err) {
      unwatch();
      op.fail(err);
      throw err;
    } finally {
      if (handler !== undefined) {
        if (handlers?.get(method) === traced) handlers.set(method, handler);
      } else if (this.fallbackRequestHandler === traced) this.fallbackRequestHandler = fallback;
    }
    if (controllers && controllers.get(id) === before) {
      // Refused before any handler: an error reply already ended the span through the watch; a
      // request dropped without a reply (the v2 client's, outside its protocol era) ends here,
      // not an error of this side, as the client-caused codes are not.
      unwatch();
      op.end();
    }
    return result;
  };
}

function tracedOnNotification(original: Method, source: TelemetrySource): Method {
  return function _onnotification(this: Protocol, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const notification = args[0];
    if (!telemetry || !isRecord(notification) || typeof notification.method !== "string") return original.apply(this, args);
    const params = isRecord(notification.params) ? notification.params : undefined;
    const op = telemetry.startOperation({
      side: "server",
      method: notification.method,
      params,
      transport: transportFacts(this),
      parent: extractMcpContext(params?._meta, context.active()),
    });
    // Notification handlers are not awaited by the SDK: the span covers the dispatch.
    try {
      return context.with(op.context, () => original.apply(this, args));
    } finally {
      op.end();
    }
  };
}

function tracedConnect(original: Method, side: "client" | "server", source: TelemetrySource): Method {
  return function connect(this: Protocol, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    if (telemetry) {
      try {
        sessions.get(this)?.end();
        sessions.set(this, telemetry.startSession(side, {}));
      } catch (err) {
        diag.debug("otel-agents/mcp: could not start a session measurement", err);
      }
    }
    return original.apply(this, args);
  };
}

function tracedOnClose(original: Method): Method {
  return function _onclose(this: Protocol, ...args: unknown[]) {
    const session = sessions.get(this);
    if (session) {
      sessions.delete(this);
      try {
        // The transport is still attached here: its kind and session id describe the session.
        session.update(transportFacts(this));
        session.end();
      } catch (err) {
        diag.debug("otel-agents/mcp: could not record a session", err);
      }
    }
    return original.apply(this, args);
  };
}
