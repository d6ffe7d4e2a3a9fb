import { diag } from "@opentelemetry/api";
import { installWrappers, isRecord, runAs, type TelemetrySource, telemetryFor } from "./hook-kit.js";
import { watchReply } from "./reply-watch.js";
import {
  FIRST_ARGUMENT,
  type MessageSlot,
  type Method,
  type Outgoing,
  sessionEnd,
  sessionStart,
  startIncoming,
  tracedOutgoing,
} from "./request-spans.js";

/**
 * The AI SDK's MCP client (`createMCPClient` from `@ai-sdk/mcp`): a JSON-RPC client of its own, with
 * no class exported. These are the methods of its instances it sends and receives through.
 */
const METHODS = ["requestOnce", "notification", "onRequestMessage", "init", "onClose"] as const;

export function isAiSdkMcpClient(target: object): boolean {
  const t = target as Record<string, unknown>;
  return METHODS.every((n) => typeof t[n] === "function") && typeof t.callTool === "function";
}

// `requestOnce({ request, resultSchema, options })`: the message is the argument's `request`.
const REQUEST_SLOT: MessageSlot = {
  read: (args) => (isRecord(args[0]) && isRecord(args[0].request) ? args[0].request : undefined),
  write: (args, message) => {
    args[0] = { ...(args[0] as Record<string, unknown>), request: message };
  },
};

// The client numbers the request with this counter synchronously inside `requestOnce`.
const REQUEST: Outgoing = { name: "requestOnce", slot: REQUEST_SLOT, nextId: (self) => self.requestMessageId };
const NOTIFICATION: Outgoing = { name: "notification", slot: FIRST_ARGUMENT };

/**
 * Installs the tracing hooks on an AI SDK MCP client instance or on its prototype: each JSON-RPC
 * request (`tools/call`, `tools/list`, `initialize`...) and notification it sends gets an
 * `mcp.client` span and carries the trace context in `params._meta`; the requests a server sends it
 * (ping, elicitation) get `mcp.server` spans. Returns false when `target` is not such a client.
 */
export function installAiSdkClientHooks(target: object, source: TelemetrySource): boolean {
  if (!isAiSdkMcpClient(target)) return false;
  installWrappers(target, {
    requestOnce: (original) => tracedOutgoing(original, source, REQUEST),
    notification: (original) => tracedOutgoing(original, source, NOTIFICATION),
    onRequestMessage: (original) => tracedOnRequestMessage(original, source),
    init: (original) => sessionStart(original, "client", source, REQUEST),
    onClose: (original) => sessionEnd(original),
  });
  return true;
}

// The client answers ping and elicitation itself, refuses the rest with -32601, and resolves with
// nothing: the span's outcome is the reply it sends (read on its transport), else how the handling ended.
function tracedOnRequestMessage(original: Method, source: TelemetrySource): Method {
  return function onRequestMessage(this: Record<string, unknown>, ...args: unknown[]) {
    const telemetry = telemetryFor(source);
    const request = args[0];
    if (!telemetry || !isRecord(request) || typeof request.method !== "string") return original.apply(this, args);
    const op = startIncoming(telemetry, this, request, request.method);
    watchReply(this.transport, request.id, op);
    return runAs(op, op.context, () => original.apply(this, args));
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
