import { context } from "@opentelemetry/api";
import { initialized, installWrappers, isRecord, settle, type TelemetrySource, telemetryFor } from "./hook-kit.js";
import { watchReply } from "./reply-watch.js";
import {
  FIRST_ARGUMENT,
  type Method,
  type Outgoing,
  sessionEnd,
  sessionStart,
  startIncoming,
  tracedOutgoing,
} from "./request-spans.js";

export type { TelemetrySource };

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
  installWrappers(target, {
    request: (original) => tracedOutgoing(original, source, REQUEST),
    notification: (original) => tracedOutgoing(original, source, NOTIFICATION),
    _onrequest: (original) => tracedOnRequest(original, source),
    _onnotification: (original) => tracedOnNotification(original, source),
    connect: (original) => sessionStart(original, side, source, REQUEST),
    _onclose: (original) => sessionEnd(original),
  });
  return true;
}

// The SDK numbers the request with this counter when it sends it, synchronously inside `request`;
// when the request is aborted or times out it sends `notifications/cancelled` through its transport.
const REQUEST: Outgoing = {
  name: "request",
  slot: FIRST_ARGUMENT,
  nextId: (self) => self._requestMessageId,
  cancelsThrough: (self) => self._transport,
};
const NOTIFICATION: Outgoing = { name: "notification", slot: FIRST_ARGUMENT };

function tracedOnRequest(original: Method, source: TelemetrySource): Method {
  return function _onrequest(this: Protocol, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const request = args[0];
    if (!telemetry || !isRecord(request) || typeof request.method !== "string") return original.apply(this, args);
    const method = request.method;
    const op = startIncoming(telemetry, this, request, method, args[1]);
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
      return settle(result, op, method === "initialize" ? (value) => initialized(this, op, value, extra) : undefined);
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
    const op = startIncoming(telemetry, this, notification, notification.method);
    // Notification handlers are not awaited by the SDK: the span covers the dispatch.
    try {
      return context.with(op.context, () => original.apply(this, args));
    } finally {
      op.end();
    }
  };
}
