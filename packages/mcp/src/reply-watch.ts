import type { McpOperation } from "@otel-agents/core";
import { isRecord, markWrapped, unwrap } from "./hook-kit.js";

// biome-ignore lint/suspicious/noExplicitAny: a transport's send, of any shape
export type Send = (this: any, ...args: any[]) => unknown;

/**
 * Sends a cancellation the SDK hands the transport directly (not through its `notification`), traced:
 * called with the transport's own `send`, its `this` and arguments; returns what `send` returns.
 */
export type CancelTracer = (send: Send, self: unknown, args: unknown[]) => unknown;

/** What one transport's `send` is watched for, by JSON-RPC id. */
interface Watch {
  /** Received requests whose outcome is still the reply's to tell. */
  replies: Map<unknown, McpOperation>;
  /** Sent requests still in flight, whose cancellation the SDK sends through the transport itself. */
  requests: Map<unknown, CancelTracer>;
}

const watches = new WeakMap<object, Watch>();

// The notification the SDKs' Protocol sends through the transport, bypassing `notification`, when a
// request it sent is aborted or times out.
const CANCELLED = "notifications/cancelled";

/**
 * Ends `op` with the reply the receiving side sends for request `id` on `transport`, for the replies
 * no handler of ours sees: the SDKs refuse some requests before their handler (a method outside the
 * negotiated protocol era, a bad `_meta` envelope, a task not found) and the AI SDK's client answers
 * server requests itself. An error reply is `failWithCode` (so the server rule on client-caused
 * codes applies), a result is `end`. Returns the function that stops watching, for when a handler
 * takes the request over. Never throws; watches nothing when `transport` has no `send`.
 */
export function watchReply(transport: unknown, id: unknown, op: McpOperation): () => void {
  return watch(transport, id, (w) => w.replies, op);
}

/**
 * Has `trace` send the `notifications/cancelled` for request `id` that the SDK sends through
 * `transport` directly when the request is aborted or times out, while the request is in flight.
 * Returns the function that stops watching, for when the request settles. Never throws; watches
 * nothing when `transport` has no `send`.
 */
export function watchCancel(transport: unknown, id: unknown, trace: CancelTracer): () => void {
  return watch(transport, id, (w) => w.requests, trace);
}

function watch<V>(transport: unknown, id: unknown, table: (w: Watch) => Map<unknown, V>, value: V): () => void {
  if (!isRecord(transport) || typeof transport.send !== "function" || (typeof id !== "string" && typeof id !== "number"))
    return noop;
  try {
    let w = watches.get(transport);
    if (!w) {
      w = { replies: new Map(), requests: new Map() };
      watches.set(transport, w);
      wrapSend(transport, w);
    }
    const entries = table(w);
    entries.set(id, value);
    return () => {
      if (entries.get(id) === value) entries.delete(id);
    };
  } catch {
    return noop;
  }
}

const noop = (): void => undefined;

// One wrapper per transport, for both tables: the one reply watch of each request this side
// answers and the cancellation of each it sent. While neither table holds anything it only
// compares two sizes.
function wrapSend(transport: Record<string, unknown>, w: Watch): void {
  const original = unwrap(transport.send as Send) as Send;
  const send: Send = function send(this: unknown, ...args: unknown[]) {
    let trace: CancelTracer | undefined;
    try {
      if (w.replies.size > 0) settleFromReply(w.replies, args[0]);
      if (w.requests.size > 0) trace = cancelTracer(w.requests, args[0]);
    } catch {
      // A message we could not read is sent as it is.
    }
    return trace ? trace(original, this, args) : original.apply(this, args);
  };
  Object.defineProperty(transport, "send", {
    value: markWrapped(send, original),
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

function settleFromReply(pending: Map<unknown, McpOperation>, message: unknown): void {
  if (!isRecord(message) || !("id" in message) || "method" in message) return;
  const op = pending.get(message.id);
  if (!op) return;
  pending.delete(message.id);
  const error = message.error;
  if (isRecord(error) && typeof error.code === "number") {
    op.failWithCode(error.code, typeof error.message === "string" ? error.message : undefined);
  } else {
    op.end(message.result);
  }
}

/** The tracer of a `notifications/cancelled` for a request in flight (each is traced once). */
function cancelTracer(requests: Map<unknown, CancelTracer>, message: unknown): CancelTracer | undefined {
  if (!isRecord(message) || message.method !== CANCELLED || "id" in message || !isRecord(message.params)) return undefined;
  const id = message.params.requestId;
  const trace = requests.get(id);
  if (trace) requests.delete(id);
  return trace;
}
