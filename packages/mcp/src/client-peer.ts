import { diag } from "@opentelemetry/api";
import type { McpTransportFacts } from "@otel-agents/core";
import { nodeBuiltin } from "@otel-agents/core/adapter";
import { isOurs, markWrapped } from "./hook-kit.js";
import { transportOf } from "./transport-facts.js";

/**
 * The client as an HTTP server transport sees it: the peer of the socket the request came in on.
 * The SDK hands request handlers only the request's headers, never the socket, so the transport's
 * own entry point, which receives Node's `IncomingMessage`, runs each request in a store holding
 * its peer, and the `mcp.server` span of each message that request delivers reads it there.
 * Headers such as `X-Forwarded-For` are never read: anyone can send them. Behind a proxy the peer
 * is the proxy.
 */
interface Peer {
  /** The transport whose entry point received the request: only its messages are this peer's. */
  transport: object;
  address: string;
  port?: number;
}

interface Store<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

// One store for the process, made when the first HTTP server transport is hooked (Node only;
// elsewhere, such as on the web-standard transport in an edge runtime, the peer is never known).
let peers: Store<Peer> | null | undefined;

function peerStore(): Store<Peer> | undefined {
  if (peers === undefined) {
    const AsyncLocalStorage = nodeBuiltin<{ AsyncLocalStorage: new () => Store<Peer> }>("node:async_hooks")?.AsyncLocalStorage;
    try {
      peers = AsyncLocalStorage ? new AsyncLocalStorage() : null;
    } catch {
      peers = null;
    }
  }
  return peers ?? undefined;
}

/**
 * The entry points of the SDK's HTTP server transports that receive Node's request, which holds
 * the socket: the Streamable HTTP transport's `handleRequest(req, res, parsedBody?)` and the legacy
 * SSE transport's `handlePostMessage(req, res, parsedBody?)`. The web-standard transport's
 * `handleRequest(request)` gets a fetch `Request`, without a socket: it passes through.
 */
const ENTRY_POINTS = ["handleRequest", "handlePostMessage"] as const;

function read(value: unknown, key: string): unknown {
  try {
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** The socket peer of a Node `IncomingMessage` (or an HTTP/2 compat request); IPv6 without brackets. */
function peerOf(transport: object, req: unknown): Peer | undefined {
  const socket = read(req, "socket");
  const address = read(socket, "remoteAddress");
  // A Unix socket or a socket already closed has no address.
  if (typeof address !== "string" || address.length === 0) return undefined;
  const port = read(socket, "remotePort");
  return {
    transport,
    address: address.replace(/^\[|\]$/g, ""),
    port: typeof port === "number" && Number.isInteger(port) && port > 0 ? port : undefined,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the SDKs' methods, of any shape
type AnyFunction = (this: any, ...args: any[]) => unknown;

/**
 * Hooks the HTTP entry point of the transport a server just connected to (an own hidden property
 * of that one transport, once), so that each request it handles runs with its socket peer at hand.
 * What the entry point is given and returns is unchanged. Called when the connection opens; never
 * throws.
 */
export function watchClientPeers(protocol: object): void {
  try {
    const transport = transportOf(protocol);
    if (typeof transport !== "object" || transport === null) return;
    const t = transport as Record<string, unknown>;
    for (const name of ENTRY_POINTS) {
      const original = t[name] as AnyFunction;
      // Ours already (connected again): keep it.
      if (typeof original !== "function" || isOurs(original)) continue;
      const store = peerStore();
      if (!store) return;
      const hooked = function entryPoint(this: unknown, ...args: unknown[]) {
        let peer: Peer | undefined;
        try {
          peer = peerOf(transport, args[0]);
        } catch {
          peer = undefined;
        }
        return peer ? store.run(peer, () => original.apply(this, args)) : original.apply(this, args);
      };
      Object.defineProperty(transport, name, {
        value: markWrapped(hooked, original),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  } catch (err) {
    diag.debug("otel-agents/mcp: could not watch the HTTP clients' addresses", err);
  }
}

/**
 * `clientAddress` / `clientPort` of the message `protocol` is receiving now, when it came in
 * through an HTTP request to its own transport (a request to another server's transport, whose
 * handler this one runs under, is not its client). Empty otherwise; never throws.
 */
export function clientPeer(protocol: object): McpTransportFacts {
  try {
    const peer = peers?.getStore();
    if (!peer || peer.transport !== transportOf(protocol)) return {};
    return peer.port === undefined ? { clientAddress: peer.address } : { clientAddress: peer.address, clientPort: peer.port };
  } catch {
    return {};
  }
}
