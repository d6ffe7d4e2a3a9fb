// @otel-agents/core/adapter: the kit for adapter authors. An adapter translates its framework's
// events into the facts below and never spells a convention name (ARCHITECTURE.md).

export { installedVersion, nodeBuiltin, registeredApiVersion } from "../compat/installed-version.js";
export { checkFrameworkVersion, satisfies, type VersionCheck, warnOnce } from "../compat/version-check.js";
// What adapters build on and fill in, also in the app entry: one import source for an adapter.
export type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from "../content/messages.js";
export { parseJsonIfPossible, textPart } from "../content/messages.js";
export type { ContentOptions, RedactHook } from "../content/policy.js";
export { type ContentPolicy, resolveContentPolicy } from "../content/policy.js";
export { registerStepResolver, type StepResolver } from "../context/step-context.js";
export {
  type FrameworkRegistration,
  GenAIInstrumentation,
  type GenAIInstrumentationConfig,
  type ProviderOptions,
} from "../instrumentation/genai-instrumentation.js";
export type { McpOperationStart, McpSide, McpTransportFacts } from "../mcp/mcp-facts.js";
export { extractMcpContext, hasTraceMeta, type McpMeta, traceMetaOf } from "../mcp/mcp-meta.js";
// Types only: operations come from `McpTelemetry.startOperation()`.
export type { McpOperation } from "../mcp/mcp-operation.js";
export { type McpSession, McpTelemetry, type McpTelemetryOptions } from "../mcp/mcp-telemetry.js";
export { abortErrorType, errorType } from "../operation/error-type.js";
export type { OperationHandle } from "../operation/handle.js";
export type {
  OpenAIFacts,
  OperationContent,
  OperationFacts,
  RequestParams,
  ServerInfo,
  StartOptions,
  Usage,
} from "../operation/types.js";
export { type RegistryStart, RunRegistry, type RunRegistryOptions } from "../registry/run-registry.js";
// The values adapters hand to `failWithType()`, and each framework's extras (the only attribute
// names an adapter writes itself); every other name stays inside the core.
export { ERROR_TYPE, LANGCHAIN_ATTR, OPENAI_AGENTS_ATTR } from "../semconv/names.js";
export { GenAITelemetry, type InstrumentationScope, type TelemetryOptions } from "../telemetry.js";

// The adapter kit: one of each piece of plumbing every adapter needs.
export { findAncestor, MAX_ANCESTOR_HOPS } from "./ancestor-walk.js";
export { BoundedMap } from "./bounded-map.js";
export { followPromise } from "./follow-promise.js";
export { createGuard, type Guard } from "./guard.js";
export { warnNoSdkOnce } from "./no-sdk-warning.js";
export { type AdapterOptions, DEFAULT_MAX_OPEN_RUNS, maxOpenRunsOf, type OpenRuns } from "./options.js";
export { asNumber, asRecord, asString, type Dict, isRecord, nowMs } from "./read.js";
export { responsesFinishReason } from "./responses-finish-reason.js";
export { serverOfUrl } from "./server-url.js";
export { addUsage } from "./usage.js";
export { checkAdapterVersions, type FrameworkVersions, frameworkVersionCheck } from "./versions.js";
