// @otel-agents/core: the GenAI semantic conventions as operations. Edge-safe: no `node:` imports.

export {
  type CoexistenceOptions,
  CoexistenceSpanProcessor,
  type InferenceSpansPolicy,
  type SpanProcessorLike,
} from "./coexistence/inference-spans.js";
export { installedVersion, registeredApiVersion } from "./compat/installed-version.js";
export { checkFrameworkVersion, satisfies, type VersionCheck, warnOnce } from "./compat/version-check.js";
export type * from "./content/messages.js";
export { parseJsonIfPossible, textPart } from "./content/messages.js";
export {
  type ContentOptions,
  type ContentPolicy,
  DEFAULT_MAX_CONTENT_LENGTH,
  type RedactHook,
  resolveContentPolicy,
} from "./content/policy.js";
export {
  installStepAwareContext,
  registerStepResolver,
  requestStepAwareContext,
  StepAwareContextManager,
  type StepResolver,
} from "./context/step-context.js";
export {
  type FrameworkRegistration,
  GenAIInstrumentation,
  type GenAIInstrumentationConfig,
  type ProviderOptions,
} from "./instrumentation/genai-instrumentation.js";
export type {
  McpOperationStart,
  McpSide,
  McpTransportFacts,
} from "./mcp/mcp-facts.js";
export { extractMcpContext, hasTraceMeta, type McpMeta, traceMetaOf } from "./mcp/mcp-meta.js";
export { McpOperation } from "./mcp/mcp-operation.js";
export { type McpSession, McpTelemetry, type McpTelemetryOptions } from "./mcp/mcp-telemetry.js";
export { abortErrorType, errorType } from "./operation/error-type.js";
export { isOperationHandle, OperationHandle } from "./operation/handle.js";
export type * from "./operation/types.js";
export type { HeaderCarrier, HeadersLike } from "./propagation/carriers.js";
export {
  getCallerAgentName,
  getConversationId,
  setCallerAgentName,
  setConversationId,
  withConversationId,
} from "./propagation/conversation.js";
export { extractTraceContext, injectTraceHeaders } from "./propagation/headers.js";
export { fetchWithTraceContext, runWithIncomingContext, traceContextMiddleware } from "./propagation/http.js";
export { type RegistryStart, RunRegistry, type RunRegistryOptions } from "./registry/run-registry.js";
export { finishReason } from "./semconv/finish-reasons.js";
export {
  JSONRPC_CLIENT_ERROR_CODES,
  MCP_ATTR,
  MCP_ERROR_TYPE,
  MCP_METHOD,
  MCP_METRIC,
  MCP_METRICS,
  MCP_OTEL_AGENTS_ATTR,
  MCP_SPAN_TYPE,
  MCP_SPAN_TYPE_ATTRIBUTES,
  type McpMetricName,
  type McpSpanType,
  NETWORK_TRANSPORT,
} from "./semconv/mcp-names.js";
export * from "./semconv/names.js";
export { providerName } from "./semconv/provider-names.js";
export { GenAITelemetry, type InstrumentationScope, type TelemetryOptions } from "./telemetry.js";
