// @otel-agents/core: the API for application code. Edge-safe: no `node:` imports.
// Adapter authors import from `@otel-agents/core/adapter`, tools that read spans the convention
// tables from `@otel-agents/core/semconv` (ARCHITECTURE.md, "Entry points").

// ---- Deprecated here, kept for code built against 0.1 (the published 0.1 adapters, the viewer) ----
// Adapter plumbing: import it from "@otel-agents/core/adapter".
export {
  checkFrameworkVersion,
  ERROR_TYPE,
  errorType,
  extractMcpContext,
  type FrameworkRegistration,
  GenAIInstrumentation,
  type GenAIInstrumentationConfig,
  hasTraceMeta,
  installedVersion,
  type McpOperation,
  type McpSession,
  McpTelemetry,
  type McpTelemetryOptions,
  type McpTransportFacts,
  parseJsonIfPossible,
  RunRegistry,
  registeredApiVersion,
  registerStepResolver,
  textPart,
  traceMetaOf,
  warnOnce,
} from "./adapter/index.js";
export {
  type CoexistenceOptions,
  CoexistenceSpanProcessor,
  type InferenceSpansPolicy,
  type SpanProcessorLike,
} from "./coexistence/inference-spans.js";
export type {
  BlobPart,
  FilePart,
  GenericPart,
  InputMessage,
  MessagePart,
  OutputMessage,
  ReasoningPart,
  RetrievalDocument,
  Role,
  TextPart,
  ToolCallRequestPart,
  ToolCallResponsePart,
  ToolDefinition,
  UriPart,
} from "./content/messages.js";
export { type ContentOptions, DEFAULT_MAX_CONTENT_LENGTH, type RedactHook } from "./content/policy.js";
export { installStepAwareContext, requestStepAwareContext, StepAwareContextManager } from "./context/step-context.js";
export { abortErrorType } from "./operation/error-type.js";
// A type only: handles come from `GenAITelemetry.start()`; the constructor is internal.
export type { OperationHandle } from "./operation/handle.js";
export type {
  AgentInfo,
  FrameworkFacts,
  Lazy,
  OpenAIFacts,
  OperationContent,
  OperationFacts,
  OperationHandleLike,
  OperationKind,
  RequestParams,
  ServerInfo,
  StartOptions,
  StepFacts,
  TokensByModality,
  ToolInfo,
  Usage,
} from "./operation/types.js";
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
// Convention tables: import them from "@otel-agents/core/semconv".
export { ATTR, INFERENCE_OPERATIONS, METRIC, OPERATION } from "./semconv/index.js";
export { GenAITelemetry, type InstrumentationScope, type TelemetryOptions } from "./telemetry.js";
