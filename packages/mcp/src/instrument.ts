import { diag } from "@opentelemetry/api";
import { McpTelemetry, type McpTelemetryOptions } from "@otel-agents/core";
import { installAiSdkClientHooks, isAiSdkMcpClient } from "./ai-sdk-client-hooks.js";
import { checkVersions } from "./compat.js";
import { installHooks } from "./protocol-hooks.js";
import { VERSION } from "./version.js";

/** Options of `instrumentMcpClient` / `instrumentMcpServer`, as the other adapters': providers and content capture. */
export type McpInstrumentOptions = McpTelemetryOptions;

export const SCOPE = { name: "@otel-agents/mcp", version: VERSION } as const;

/**
 * Traces one MCP client: a `Client` of the v1 SDK (`@modelcontextprotocol/sdk/client/index.js`) or of
 * `@modelcontextprotocol/client` (v2), connected or not, or a client of the AI SDK's `createMCPClient`
 * (already initialized: its `initialize` exchange is not traced). Each request and notification it
 * sends gets an `mcp.client` span and carries the trace context in `params._meta`; requests the
 * server sends it (sampling, elicitation, roots) get `mcp.server` spans. Returns the same client.
 * Never throws.
 */
export function instrumentMcpClient<T extends object>(client: T, options: McpInstrumentOptions = {}): T {
  instrument(client, "client", options, "instrumentMcpClient");
  return client;
}

/**
 * Traces one MCP server of the v1 SDK or of `@modelcontextprotocol/server` (v2): an `McpServer` (its
 * low-level `server`) or a `Server`. Each
 * request it receives runs in the client's trace context under an `mcp.server` span, whether its
 * tools were registered before or after this call. Returns the same server. Never throws.
 */
export function instrumentMcpServer<T extends object>(server: T, options: McpInstrumentOptions = {}): T {
  const lowLevel = (server as { server?: unknown }).server;
  const target = typeof lowLevel === "object" && lowLevel !== null ? lowLevel : server;
  instrument(target, "server", options, "instrumentMcpServer");
  return server;
}

function instrument(target: object, side: "client" | "server", options: McpInstrumentOptions, caller: string): void {
  try {
    checkVersions();
    const telemetry = new McpTelemetry(SCOPE, options);
    const source = () => telemetry;
    const installed =
      side === "client" && isAiSdkMcpClient(target)
        ? installAiSdkClientHooks(target, source)
        : installHooks(target, side, source);
    if (!installed) {
      diag.warn(
        `@otel-agents/mcp: ${caller} was given no MCP ${side === "client" ? "Client (@modelcontextprotocol/sdk or /client) or @ai-sdk/mcp client" : "McpServer or Server (@modelcontextprotocol/sdk or /server)"}; nothing will be traced`,
      );
    }
  } catch (err) {
    diag.warn(`@otel-agents/mcp: ${caller} could not instrument; nothing will be traced`, err);
  }
}
