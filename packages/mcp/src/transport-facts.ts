import type { McpTransportFacts } from "@otel-agents/core";

/** What this adapter remembers of one Client or Server instance. */
export interface InstanceState {
  /** The protocol version the initialize exchange settled on. */
  protocolVersion?: string;
}

const states = new WeakMap<object, InstanceState>();

export function stateOf(protocol: object): InstanceState {
  let state = states.get(protocol);
  if (!state) {
    state = {};
    states.set(protocol, state);
  }
  return state;
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

/**
 * The connection facts of a v1 SDK `Client` or `Server` (a `Protocol`): which transport (by its class:
 * the SDK's stdio and HTTP transports), the session id, the negotiated protocol version, and the
 * server's address for an HTTP client. Reads only, never throws.
 */
export function transportFacts(protocol: object, extra?: unknown): McpTransportFacts {
  const transport = read(protocol, "_transport") ?? read(protocol, "transport");
  const facts: McpTransportFacts = {};
  const kind = transportKind(transport);
  if (kind) facts.kind = kind;
  const sessionId = read(transport, "sessionId") ?? read(extra, "sessionId");
  if (typeof sessionId === "string") facts.sessionId = sessionId;
  const version = stateOf(protocol).protocolVersion ?? read(transport, "protocolVersion");
  if (typeof version === "string") facts.protocolVersion = version;
  const url = read(transport, "_url");
  if (url instanceof URL) {
    facts.serverAddress = url.hostname.replace(/^\[|\]$/g, "");
    facts.serverPort = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  }
  return facts;
}

function transportKind(transport: unknown): string | undefined {
  const name = read(read(transport, "constructor"), "name");
  if (typeof name !== "string") return undefined;
  if (name.includes("Stdio")) return "stdio";
  if (name.includes("StreamableHTTP") || name.includes("SSE")) return "http";
  return undefined;
}
