import type { Attributes, Context } from "@opentelemetry/api";
import { int, str } from "../operation/values.js";
import {
  MCP_ATTR,
  MCP_METHOD,
  MCP_RESOURCE_METHODS,
  MCP_SPAN_TYPE,
  type McpSpanType,
  NETWORK_TRANSPORT,
} from "../semconv/mcp-names.js";
import { ATTR, OPERATION } from "../semconv/names.js";

/**
 * Which end of the exchange this process is: `client` when it sent the request or notification
 * (span type `mcp.client`, kind CLIENT), `server` when it received it (`mcp.server`, SERVER). A
 * server that sends a request to its client (sampling, elicitation) is the `client` of that one.
 */
export type McpSide = "client" | "server";

/** What the adapter knows about the connection an operation travels on. */
export interface McpTransportFacts {
  /** `stdio`, `http` (Streamable HTTP or SSE), or another transport's name. */
  kind?: string;
  sessionId?: string;
  /** The negotiated MCP protocol version, e.g. `2025-06-18`. */
  protocolVersion?: string;
  /** The JSON-RPC version, when it is not `2.0`. */
  jsonrpcVersion?: string;
  /** The HTTP version, for HTTP transports. */
  httpVersion?: string;
  /** The peer server, on the client side of an HTTP transport. */
  serverAddress?: string;
  serverPort?: number;
  /** The peer client, on the server side, when the transport knows it. */
  clientAddress?: string;
  clientPort?: number;
}

export interface McpOperationStart {
  side: McpSide;
  /** The JSON-RPC method: `tools/call`, `resources/read`, `notifications/initialized`... */
  method: string;
  /** The JSON-RPC id; absent for notifications. */
  requestId?: string | number;
  /** The request's `params` (tool name and arguments, resource uri, prompt name and arguments). */
  params?: unknown;
  transport?: McpTransportFacts;
  /** The parent context. Default: the active one. */
  parent?: Context;
  /** Epoch milliseconds. Default: now. */
  startTime?: number;
}

export function spanTypeOfSide(side: McpSide): McpSpanType {
  return side === "server" ? MCP_SPAN_TYPE.server : MCP_SPAN_TYPE.client;
}

/** Reads one own property of an untrusted object without throwing. */
export function field(value: unknown, key: string): unknown {
  try {
    return typeof value === "object" && value !== null && Object.hasOwn(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** The span's target: the tool of a tools/call, the prompt of a prompts/get. */
export function targetOf(method: string, params: unknown): { tool?: string; prompt?: string } {
  if (method === MCP_METHOD.toolsCall) return { tool: str(field(params, "name")) };
  if (method === MCP_METHOD.promptsGet) return { prompt: str(field(params, "name")) };
  return {};
}

export function spanNameOf(method: string, target: { tool?: string; prompt?: string }): string {
  const name = target.tool ?? target.prompt;
  return name ? `${method} ${name}` : method;
}

/** The attributes known when the operation starts (all sampling-relevant, none content). */
export function startAttributes(
  start: McpOperationStart,
  method: string,
  target: { tool?: string; prompt?: string },
): Attributes {
  const out: Attributes = { [MCP_ATTR.methodName]: method };
  // A tools/call is a tool call even when its tool name is missing or unreadable.
  if (method === MCP_METHOD.toolsCall) out[ATTR.operationName] = OPERATION.executeTool;
  if (target.tool !== undefined) out[ATTR.toolName] = target.tool;
  if (target.prompt !== undefined) out[ATTR.promptName] = target.prompt;
  if (MCP_RESOURCE_METHODS.has(method)) {
    const uri = str(field(start.params, "uri"));
    if (uri !== undefined) out[MCP_ATTR.resourceUri] = uri;
  }
  const id = start.requestId;
  if ((typeof id === "string" && id.length > 0) || (typeof id === "number" && Number.isFinite(id))) {
    out[MCP_ATTR.jsonrpcRequestId] = String(id);
  }
  return transportAttributes(start.side, start.transport, out);
}

/** Connection attributes shared by the operation spans and the metrics: into `out`, else a new object. */
export function transportAttributes(side: McpSide, t: McpTransportFacts | undefined, out: Attributes = {}): Attributes {
  if (!t) return out;
  const kind = str(t.kind)?.toLowerCase();
  if (kind === "stdio") out[MCP_ATTR.networkTransport] = NETWORK_TRANSPORT.pipe;
  else if (kind === "http" || kind === "sse") {
    out[MCP_ATTR.networkTransport] = NETWORK_TRANSPORT.tcp;
    out[MCP_ATTR.networkProtocolName] = "http";
    const httpVersion = str(t.httpVersion);
    if (httpVersion !== undefined) out[MCP_ATTR.networkProtocolVersion] = httpVersion;
  }
  const session = str(t.sessionId);
  if (session !== undefined) out[MCP_ATTR.sessionId] = session;
  const version = str(t.protocolVersion);
  if (version !== undefined) out[MCP_ATTR.protocolVersion] = version;
  const jsonrpc = str(t.jsonrpcVersion);
  if (jsonrpc !== undefined && jsonrpc !== "2.0") out[MCP_ATTR.jsonrpcProtocolVersion] = jsonrpc;
  if (side === "client") {
    const address = str(t.serverAddress);
    const port = int(t.serverPort);
    if (address !== undefined) {
      out[ATTR.serverAddress] = address;
      if (port !== undefined && port > 0) out[ATTR.serverPort] = port;
    }
  } else {
    const address = str(t.clientAddress);
    const port = int(t.clientPort);
    if (address !== undefined) {
      out[MCP_ATTR.clientAddress] = address;
      if (port !== undefined && port > 0) out[MCP_ATTR.clientPort] = port;
    }
  }
  return out;
}
