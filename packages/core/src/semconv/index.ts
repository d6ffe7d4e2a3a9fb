// @otel-agents/core/semconv: the convention tables the core writes, for tools that read its spans
// and metrics (viewers, conformance checks). Adapters hand the core facts; the only names they
// spell are their framework's extras, which they import from `@otel-agents/core/adapter`.

export { finishReason } from "./finish-reasons.js";
export {
  JSONRPC_CLIENT_ERROR_CODES,
  MCP_ATTR,
  MCP_ERROR_TYPE,
  MCP_METHOD,
  MCP_METRIC,
  MCP_METRICS,
  MCP_OTEL_AGENTS_ATTR,
  MCP_RESOURCE_METHODS,
  MCP_SPAN_TYPE,
  MCP_SPAN_TYPE_ATTRIBUTES,
  type McpMetricName,
  type McpSpanType,
  NETWORK_TRANSPORT,
  PROMPT_VARIABLE_PREFIX,
} from "./mcp-names.js";
export {
  ATTR,
  type AttributeKey,
  BAGGAGE,
  ENV_CAPTURE_CONTENT,
  ERROR_TYPE,
  FINISH_REASON,
  INFERENCE_OPERATIONS,
  type InferenceOperationName,
  LANGCHAIN_ATTR,
  METRIC,
  METRICS,
  type MetricDefinition,
  type MetricName,
  OPENAI_AGENTS_ATTR,
  OPERATION,
  type OperationName,
  OTEL_AGENTS_ATTR,
  PROVIDER,
  PROVIDER_REFINEMENT_ATTRIBUTES,
  SCHEMA_URL,
  SPAN_TYPE,
  SPAN_TYPE_ATTRIBUTES,
  type SpanType,
  TOKEN_MODALITY,
  TOOL_TYPE,
} from "./names.js";
export { providerName } from "./provider-names.js";
