/**
 * The Model Context Protocol's convention names (spans `mcp.client` / `mcp.server`, the MCP
 * duration metrics), beside the GenAI table in `names.ts`: the names and lists the registry gives
 * are generated (`generated/registry-names.ts`, from the same registry data); this file keeps what
 * the registry cannot say (the methods the core reads, the client-caused JSON-RPC codes, buckets).
 */
import { REGISTRY_MCP_ATTR, REGISTRY_SPAN_TYPE_ATTRIBUTES } from "./generated/registry-names.js";
import { type MetricDefinition, metricDefinition } from "./names.js";

/** Attributes only MCP spans and metrics carry (generated), keyed without `mcp.`. */
export const MCP_ATTR = REGISTRY_MCP_ATTR;

/**
 * Ours, for MCP content the registry has no name for (resource contents). `otel_agents.*`, like
 * every name the conventions lack, and recorded only when content capture is on.
 */
export const MCP_OTEL_AGENTS_ATTR = {
  resourceContents: "otel_agents.mcp.resource.contents",
} as const;

/** `gen_ai.prompt.variable.<name>`: the registry's template attribute for prompt arguments (opt-in). */
export const PROMPT_VARIABLE_PREFIX = "gen_ai.prompt.variable.";

export const MCP_SPAN_TYPE = {
  client: "mcp.client",
  server: "mcp.server",
} as const;

export type McpSpanType = (typeof MCP_SPAN_TYPE)[keyof typeof MCP_SPAN_TYPE];

/** MCP methods whose span names a target and whose params the core reads. */
export const MCP_METHOD = {
  toolsCall: "tools/call",
  promptsGet: "prompts/get",
  resourcesRead: "resources/read",
  resourcesSubscribe: "resources/subscribe",
  resourcesUnsubscribe: "resources/unsubscribe",
  resourcesUpdated: "notifications/resources/updated",
  initialize: "initialize",
} as const;

/** Methods whose params carry a resource `uri` (`mcp.resource.uri` is conditionally required there). */
export const MCP_RESOURCE_METHODS: ReadonlySet<string> = new Set([
  MCP_METHOD.resourcesRead,
  MCP_METHOD.resourcesSubscribe,
  MCP_METHOD.resourcesUnsubscribe,
  MCP_METHOD.resourcesUpdated,
]);

/**
 * JSON-RPC codes a client causes (parse error, invalid request, method not found, invalid params):
 * on `mcp.server` spans they are recorded in `rpc.response.status_code` but are no server error
 * (no `error.type`, status unset); on `mcp.client` spans every code is an error (PR #404).
 */
export const JSONRPC_CLIENT_ERROR_CODES: ReadonlySet<number> = new Set([-32700, -32600, -32601, -32602]);

export const MCP_ERROR_TYPE = {
  /** A `CallToolResult` with `isError: true`: the call succeeded, the tool failed. */
  toolError: "tool_error",
} as const;

/** `network.transport` values: stdio is a pipe, HTTP runs over TCP. */
export const NETWORK_TRANSPORT = {
  pipe: "pipe",
  tcp: "tcp",
} as const;

/** The registry's attribute list of each MCP span type (generated; `gen_ai.prompt.variable.<name>` besides). */
export const MCP_SPAN_TYPE_ATTRIBUTES: Readonly<Record<McpSpanType, ReadonlySet<string>>> = {
  [MCP_SPAN_TYPE.client]: new Set<string>(REGISTRY_SPAN_TYPE_ATTRIBUTES[MCP_SPAN_TYPE.client]),
  [MCP_SPAN_TYPE.server]: new Set<string>(REGISTRY_SPAN_TYPE_ATTRIBUTES[MCP_SPAN_TYPE.server]),
};

export const MCP_METRIC = {
  clientOperationDuration: "mcp.client.operation.duration",
  serverOperationDuration: "mcp.server.operation.duration",
  clientSessionDuration: "mcp.client.session.duration",
  serverSessionDuration: "mcp.server.session.duration",
} as const;

export type McpMetricName = (typeof MCP_METRIC)[keyof typeof MCP_METRIC];

// The registry data carries no bucket advice for the MCP metrics; these are the boundaries of
// upstream `model/mcp/metrics.yaml` (the same as the HTTP connection durations'), for operations and
// sessions that last from milliseconds to minutes.
const MCP_SECONDS_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export const MCP_METRICS: Readonly<Record<McpMetricName, MetricDefinition>> = {
  [MCP_METRIC.clientOperationDuration]: metricDefinition(MCP_METRIC.clientOperationDuration, MCP_SECONDS_BUCKETS),
  [MCP_METRIC.serverOperationDuration]: metricDefinition(MCP_METRIC.serverOperationDuration, MCP_SECONDS_BUCKETS),
  [MCP_METRIC.clientSessionDuration]: metricDefinition(MCP_METRIC.clientSessionDuration, MCP_SECONDS_BUCKETS),
  [MCP_METRIC.serverSessionDuration]: metricDefinition(MCP_METRIC.serverSessionDuration, MCP_SECONDS_BUCKETS),
};
