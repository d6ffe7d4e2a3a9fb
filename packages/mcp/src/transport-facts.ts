import type { McpTransportFacts } from "@otel-agents/core";

/** What this adapter remembers of one Client or Server instance. */
export interface InstanceState {
  /** The protocol version the initialize exchange settled on. */
  protocolVersion?: string;
}

// Kept on the instance itself (a hidden property), not keyed by it: apps and frameworks hand the
// SDK's methods a Proxy of the client as `this` (@langchain/mcp-adapters does), which a WeakMap
// would tell apart from the client its initialize ran on.
const STATE = Symbol.for("otel-agents.mcp.state");
const detached = new WeakMap<object, InstanceState>();

export function stateOf(protocol: object): InstanceState {
  try {
    const held = (protocol as { [STATE]?: InstanceState })[STATE];
    if (held) return held;
    const state: InstanceState = {};
    Object.defineProperty(protocol, STATE, { value: state, enumerable: false, configurable: true });
    return state;
  } catch {
    // Frozen or hostile: remember it beside.
    let state = detached.get(protocol);
    if (!state) detached.set(protocol, (state = {}));
    return state;
  }
}

function read(value: unknown, key: string): unknown {
  try {
    return (typeof value === "object" && value !== null) || typeof value === "function"
      ? (value as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** The transport an SDK `Client` or `Server` (v1 or v2) or an AI SDK MCP client is connected to. */
export function transportOf(protocol: object): unknown {
  return read(protocol, "_transport") ?? read(protocol, "transport");
}

/**
 * The connection facts of an SDK `Client` or `Server` (a `Protocol`, v1 or v2) or of an AI SDK MCP
 * client: which transport (by its class: the SDKs' stdio and HTTP transports), the session id, the negotiated protocol version, and the
 * server's address for an HTTP client. Reads only, never throws.
 */
export function transportFacts(protocol: object, extra?: unknown): McpTransportFacts {
  const transport = transportOf(protocol);
  const facts: McpTransportFacts = {};
  const kind = transportKind(transport);
  if (kind) facts.kind = kind;
  const sessionId = read(transport, "sessionId") ?? read(extra, "sessionId");
  if (typeof sessionId === "string") facts.sessionId = sessionId;
  // The AI SDK's client keeps the negotiated version on itself.
  const version = stateOf(protocol).protocolVersion ?? read(transport, "protocolVersion") ?? read(protocol, "protocolVersion");
  if (typeof version === "string") facts.protocolVersion = version;
  const url = read(transport, "_url") ?? read(transport, "url");
  if (url instanceof URL) {
    facts.serverAddress = url.hostname.replace(/^\[|\]$/g, "");
    facts.serverPort = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  }
  return facts;
}

// The kind of each transport class, read once: every message of both sides asks for it.
const kinds = new WeakMap<object, string | null>();

function transportKind(transport: unknown): string | undefined {
  const ctor = read(transport, "constructor");
  if (typeof ctor !== "function") return undefined;
  let kind = kinds.get(ctor);
  if (kind === undefined) {
    kind = kindOfClass(read(ctor, "name"));
    kinds.set(ctor, kind);
  }
  return kind ?? undefined;
}

function kindOfClass(name: unknown): string | null {
  if (typeof name !== "string") return null;
  if (name.includes("Stdio")) return "stdio";
  // The SDKs' StreamableHTTP/SSE transports; the AI SDK's HttpMCPTransport and SseMCPTransport.
  if (/StreamableHTTP|SSE|Sse|HttpMCP/.test(name)) return "http";
  return null;
}
