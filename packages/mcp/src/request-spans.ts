import { type Context, context, createContextKey, diag } from "@opentelemetry/api";
import { extractMcpContext, type McpOperation, type McpSession, type McpTelemetry } from "@otel-agents/core";
import { clientPeer, watchClientPeers } from "./client-peer.js";
import { initialized, isRecord, markWrapped, runAs, type TelemetrySource, telemetryFor, withTraceMeta } from "./hook-kit.js";
import { keepContextAtTransport, keepOutermost, noticePeers } from "./peer-instrumentations.js";
import { type Send, watchCancel } from "./reply-watch.js";
import { transportFacts } from "./transport-facts.js";

// biome-ignore lint/suspicious/noExplicitAny: the SDKs' methods, of any shape
export type Method = (this: any, ...args: unknown[]) => unknown;

/** Where a sending method finds its JSON-RPC message among its arguments, and puts the traced one back. */
export interface MessageSlot {
  read(args: unknown[]): Record<string, unknown> | undefined;
  write(args: unknown[], message: Record<string, unknown>): void;
}

/** The message is the first argument (the SDKs' `request` and `notification`). */
export const FIRST_ARGUMENT: MessageSlot = {
  read: (args) => (isRecord(args[0]) ? args[0] : undefined),
  write: (args, message) => {
    args[0] = message;
  },
};

/**
 * The message being sent under a span of ours, and the context of that span, in the context the
 * sending method below runs in: a second wrapper of ours further down the same call (another
 * registration, or ours again inside a peer instrumentation's wrapper) sees its own message there and
 * only passes it on; the transport sends it in that context (see `keepContextAtTransport`).
 */
const SENDING = createContextKey("otel-agents.mcp.sending");
interface Sending {
  message: Record<string, unknown>;
  context: Context;
}

const sendingContext = (): Context | undefined => (context.active().getValue(SENDING) as Sending | undefined)?.context;

/** What a sending hook needs beyond its method: the message slot and the request-id counter it reads. */
export interface Outgoing {
  /** The hooked method's name, to find it again when another instrumentation wraps it after ours. */
  name: string;
  slot: MessageSlot;
  /** The id the sender gives this request, read before it sends it; undefined for notifications. */
  nextId?: (self: Record<string, unknown>) => unknown;
  /**
   * The transport the sender sends the request's cancellation through itself, bypassing its
   * `notification` (the SDKs' Protocol does, when the request is aborted or times out): that
   * `notifications/cancelled` is traced there, under the request's span.
   */
  cancelsThrough?: (self: Record<string, unknown>) => unknown;
}

/**
 * The hook of a method that sends a request or notification: an `mcp.client` span around it, its trace
 * context in the message's `params._meta` (unless one is there), the span ended by the reply or the
 * settled promise. A failure of ours passes the call through untraced.
 */
export function tracedOutgoing(original: Method, source: TelemetrySource, outgoing: Outgoing): Method {
  return function send(this: Record<string, unknown>, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const message = outgoing.slot.read(args);
    if (!telemetry || !message || typeof message.method !== "string") return original.apply(this, args);
    const active = context.active();
    if ((active.getValue(SENDING) as Sending | undefined)?.message === message) return original.apply(this, args);
    const method = message.method;
    let op: McpOperation;
    let sending: Record<string, unknown>;
    let unwatch = noop;
    try {
      const id = outgoing.nextId?.(this);
      op = telemetry.startOperation({
        side: "client",
        method,
        requestId: typeof id === "number" ? id : undefined,
        params: message.params,
        transport: transportFacts(this),
      });
      sending = withTraceMeta(message, op);
      outgoing.slot.write(args, sending);
      if (outgoing.cancelsThrough) {
        const request = op;
        unwatch = watchCancel(outgoing.cancelsThrough(this), id, (send, self, sent) =>
          tracedCancel(send, self, sent, telemetry, request, this),
        );
      }
    } catch (err) {
      diag.debug("otel-agents/mcp: could not trace a message sent", err);
      return original.apply(this, args);
    }
    const mark: Sending = { message: sending, context: op.context };
    mark.context = op.context.setValue(SENDING, mark);
    const onResult = method === "initialize" ? (value: unknown) => initialized(this, op, value) : undefined;
    return runAs(op, mark.context, () => original.apply(this, args), onResult, unwatch);
  };
}

const noop = (): void => undefined;

/**
 * Sends, traced, the `notifications/cancelled` the SDK hands the transport `send` directly for a
 * request of ours in flight: an `mcp.client` span under the request's (still open: the SDK cancels
 * before it rejects the request), its trace context in the message's `params._meta`, the transport
 * sending in its context. Passed on as it is when our `notification` hook is sending it already;
 * a failure of ours sends it untraced.
 */
function tracedCancel(
  send: Send,
  self: unknown,
  args: unknown[],
  telemetry: McpTelemetry,
  request: McpOperation,
  protocol: object,
): unknown {
  const message = args[0] as Record<string, unknown>;
  if ((context.active().getValue(SENDING) as Sending | undefined)?.message.method === message.method)
    return send.apply(self, args);
  let op: McpOperation;
  let mark: Sending;
  try {
    op = telemetry.startOperation({
      side: "client",
      method: String(message.method),
      params: message.params,
      transport: transportFacts(protocol),
      parent: request.context,
    });
    mark = { message: withTraceMeta(message, op), context: op.context };
    mark.context = op.context.setValue(SENDING, mark);
    args[0] = mark.message;
  } catch (err) {
    diag.debug("otel-agents/mcp: could not trace a cancellation sent", err);
    return send.apply(self, args);
  }
  return runAs(op, mark.context, () => send.apply(self, args));
}

function rehookOutermost(self: object, source: TelemetrySource, outgoing: Outgoing): void {
  keepOutermost(self, outgoing.name, (current) => markWrapped(tracedOutgoing(current, source, outgoing), current));
}

/**
 * An `mcp.server` span for a request or notification received, in the context its `_meta` carries;
 * over HTTP, with the client's address and port as the server's socket sees them (`clientPeer`).
 */
export function startIncoming(
  telemetry: McpTelemetry,
  self: object,
  message: Record<string, unknown>,
  method: string,
  extra?: unknown,
): McpOperation {
  const params = isRecord(message.params) ? message.params : undefined;
  const id = message.id;
  return telemetry.startOperation({
    side: "server",
    method,
    requestId: typeof id === "string" || typeof id === "number" ? id : undefined,
    params,
    transport: { ...transportFacts(self, extra), ...clientPeer(self) },
    parent: extractMcpContext(params?._meta, context.active()),
  });
}

const sessions = new WeakMap<object, McpSession>();

/**
 * The hook of the method that opens a connection (`connect`, the AI SDK's `init`): a session
 * measurement starts and, before the first request, another MCP instrumentation found on the
 * sending method or the transport is named once (`noticePeers`), ours is put back outside one that
 * wrapped the sending method after it, and the transport sends in our span's context. On a server,
 * the transport's HTTP entry point keeps each request's socket peer for its spans (`watchClientPeers`).
 */
export function sessionStart(original: Method, side: "client" | "server", source: TelemetrySource, outgoing: Outgoing): Method {
  return function connect(this: object, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    if (telemetry) {
      try {
        sessions.get(this)?.end();
        sessions.set(this, telemetry.startSession(side, {}));
      } catch (err) {
        diag.debug("otel-agents/mcp: could not start a session measurement", err);
      }
      rehookOutermost(this, source, outgoing);
    }
    const result = original.apply(this, args);
    // The transport is attached by now (the SDKs set it before their first await).
    if (telemetry) {
      noticePeers(this, outgoing.name, side === "client" ? "MCP client" : "MCP server");
      keepContextAtTransport(this, sendingContext);
      if (side === "server") watchClientPeers(this);
    }
    return result;
  };
}

/** The hook of the method told of the connection's close: the session is recorded. */
export function sessionEnd(original: Method): Method {
  return function onClose(this: object, ...args: unknown[]) {
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
