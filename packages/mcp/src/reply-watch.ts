import type { McpOperation } from "@otel-agents/core";
import { isRecord, markWrapped, unwrap } from "./hook-kit.js";

// biome-ignore lint/suspicious/noExplicitAny: a transport's send, of any shape
type Send = (this: any, ...args: any[]) => unknown;

// Received requests whose outcome is still the reply's to tell, per transport, by JSON-RPC id.
const awaiting = new WeakMap<object, Map<unknown, McpOperation>>();

/**
 * Ends `op` with the reply the receiving side sends for request `id` on `transport`, for the replies
 * no handler of ours sees: the SDKs refuse some requests before their handler (a method outside the
 * negotiated protocol era, a bad `_meta` envelope, a task not found) and the AI SDK's client answers
 * server requests itself. An error reply is `failWithCode` (so the server rule on client-caused
 * codes applies), a result is `end`. Returns the function that stops watching, for when a handler
 * takes the request over. Never throws; watches nothing when `transport` has no `send`.
 */
export function watchReply(transport: unknown, id: unknown, op: McpOperation): () => void {
  if (!isRecord(transport) || typeof transport.send !== "function" || (typeof id !== "string" && typeof id !== "number"))
    return noop;
  try {
    let pending = awaiting.get(transport);
    if (!pending) {
      pending = new Map();
      awaiting.set(transport, pending);
      wrapSend(transport, pending);
    }
    const table = pending;
    table.set(id, op);
    return () => {
      if (table.get(id) === op) table.delete(id);
    };
  } catch {
    return noop;
  }
}

const noop = (): void => undefined;

function wrapSend(transport: Record<string, unknown>, pending: Map<unknown, McpOperation>): void {
  const original = unwrap(transport.send as Send) as Send;
  const send: Send = function send(this: unknown, ...args: unknown[]) {
    if (pending.size > 0) settleFromReply(pending, args[0]);
    return original.apply(this, args);
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
