/**
 * The one table of GenAI semantic-convention names used by otel-agents.
 *
 * Source: open-telemetry/semantic-conventions-genai `1.42.0-dev` plus the migration guide
 * @32c328e8 and the 2026-12-04 refresh (see packages/testing/semconv/PROVENANCE.md). Every name any package emits is spelled
 * here and nowhere else; `test/semconv-table.test.ts` checks this file against the registry data,
 * so an upstream rename is a change to this file alone.
 */

export const SCHEMA_URL = "https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev";

export const ATTR = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestTopK: "gen_ai.request.top_k",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
  requestPresencePenalty: "gen_ai.request.presence_penalty",
  requestSeed: "gen_ai.request.seed",
  requestChoiceCount: "gen_ai.request.choice.count",
  requestStream: "gen_ai.request.stream",
  requestReasoningLevel: "gen_ai.request.reasoning.level",
  requestPreviousResponseId: "gen_ai.request.previous_response.id",
  requestEncodingFormats: "gen_ai.request.encoding_formats",
  requestStreamCursor: "gen_ai.request.stream_cursor",
  outputType: "gen_ai.output.type",
  responseId: "gen_ai.response.id",
  responseModel: "gen_ai.response.model",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  responseStatus: "gen_ai.response.status",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageCacheWriteInputTokens: "gen_ai.usage.cache_write.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  usageTextInputTokens: "gen_ai.usage.text.input_tokens",
  usageImageInputTokens: "gen_ai.usage.image.input_tokens",
  usageAudioInputTokens: "gen_ai.usage.audio.input_tokens",
  usageTextOutputTokens: "gen_ai.usage.text.output_tokens",
  usageImageOutputTokens: "gen_ai.usage.image.output_tokens",
  usageAudioOutputTokens: "gen_ai.usage.audio.output_tokens",
  usageTextCacheReadInputTokens: "gen_ai.usage.text.cache_read.input_tokens",
  usageImageCacheReadInputTokens: "gen_ai.usage.image.cache_read.input_tokens",
  usageAudioCacheReadInputTokens: "gen_ai.usage.audio.cache_read.input_tokens",
  embeddingsDimensionCount: "gen_ai.embeddings.dimension.count",
  agentName: "gen_ai.agent.name",
  agentId: "gen_ai.agent.id",
  agentDescription: "gen_ai.agent.description",
  agentVersion: "gen_ai.agent.version",
  toolName: "gen_ai.tool.name",
  toolType: "gen_ai.tool.type",
  toolCallId: "gen_ai.tool.call.id",
  toolDescription: "gen_ai.tool.description",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
  toolDefinitions: "gen_ai.tool.definitions",
  workflowName: "gen_ai.workflow.name",
  conversationId: "gen_ai.conversation.id",
  conversationCompacted: "gen_ai.conversation.compacted",
  dataSourceId: "gen_ai.data_source.id",
  retrievalQueryText: "gen_ai.retrieval.query.text",
  retrievalTopK: "gen_ai.retrieval.top_k",
  retrievalDocuments: "gen_ai.retrieval.documents",
  promptName: "gen_ai.prompt.name",
  promptVersion: "gen_ai.prompt.version",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  systemInstructions: "gen_ai.system_instructions",
  tokenModality: "gen_ai.token.modality",
  serverAddress: "server.address",
  serverPort: "server.port",
  errorType: "error.type",
  exceptionType: "exception.type",
  exceptionMessage: "exception.message",
  exceptionStacktrace: "exception.stacktrace",
  openaiApiType: "openai.api.type",
  openaiRequestServiceTier: "openai.request.service_tier",
  openaiResponseServiceTier: "openai.response.service_tier",
  openaiResponseSystemFingerprint: "openai.response.system_fingerprint",
} as const;

export type AttributeKey = (typeof ATTR)[keyof typeof ATTR];

/**
 * Our own attributes, for facts the GenAI conventions have no name for (framework steps, the
 * framework's own ids, truncation). They live under `otel_agents.*` so they never collide with a
 * registry name.
 */
export const OTEL_AGENTS_ATTR = {
  stepType: "otel_agents.step.type",
  handoffFromAgent: "otel_agents.handoff.from_agent",
  handoffToAgent: "otel_agents.handoff.to_agent",
  guardrailName: "otel_agents.guardrail.name",
  guardrailTriggered: "otel_agents.guardrail.triggered",
  frameworkName: "otel_agents.framework.name",
  frameworkRunId: "otel_agents.framework.run_id",
  frameworkParentRunId: "otel_agents.framework.parent_run_id",
  frameworkTraceId: "otel_agents.framework.trace_id",
  contentTruncated: "otel_agents.content.truncated",
} as const;

export const OPERATION = {
  chat: "chat",
  generateContent: "generate_content",
  textCompletion: "text_completion",
  embeddings: "embeddings",
  retrieval: "retrieval",
  fetchResponse: "fetch_response",
  createAgent: "create_agent",
  invokeAgent: "invoke_agent",
  executeTool: "execute_tool",
  invokeWorkflow: "invoke_workflow",
  plan: "plan",
} as const;

export type OperationName = (typeof OPERATION)[keyof typeof OPERATION];
export type InferenceOperationName = "chat" | "generate_content" | "text_completion";

export const INFERENCE_OPERATIONS: ReadonlySet<string> = new Set<InferenceOperationName>([
  "chat",
  "generate_content",
  "text_completion",
]);

/** Registry values of `gen_ai.provider.name`. */
export const PROVIDER = {
  openai: "openai",
  anthropic: "anthropic",
  awsBedrock: "aws.bedrock",
  azureAiInference: "azure.ai.inference",
  azureAiOpenai: "azure.ai.openai",
  cohere: "cohere",
  deepseek: "deepseek",
  gcpGemini: "gcp.gemini",
  gcpGenAi: "gcp.gen_ai",
  gcpVertexAi: "gcp.vertex_ai",
  groq: "groq",
  ibmWatsonxAi: "ibm.watsonx.ai",
  mistralAi: "mistral_ai",
  moonshotAi: "moonshot_ai",
  perplexity: "perplexity",
  xAi: "x_ai",
} as const;

/** Registry values of `gen_ai.response.finish_reasons` (and of the output message field). */
export const FINISH_REASON = {
  stop: "stop",
  length: "length",
  contentFilter: "content_filter",
  toolCall: "tool_call",
  compaction: "compaction",
  error: "error",
} as const;

export const TOKEN_MODALITY = {
  text: "text",
  image: "image",
  audio: "audio",
  unknown: "unknown",
} as const;

export const TOOL_TYPE = {
  function: "function",
  extension: "extension",
  datastore: "datastore",
} as const;

/** Span types of the registry; the key is the registry's span type id. */
export const SPAN_TYPE = {
  inference: "gen_ai.client.inference",
  embeddings: "gen_ai.embeddings.client",
  retrieval: "gen_ai.retrieval.client",
  fetchResponse: "gen_ai.fetch_response.client",
  createAgent: "gen_ai.create_agent.client",
  invokeAgentClient: "gen_ai.invoke_agent.client",
  invokeAgentInternal: "gen_ai.invoke_agent.internal",
  executeTool: "gen_ai.execute_tool.internal",
  invokeWorkflow: "gen_ai.invoke_workflow.internal",
  plan: "gen_ai.plan.internal",
} as const;

export type SpanType = (typeof SPAN_TYPE)[keyof typeof SPAN_TYPE];

const A = ATTR;
const REQUEST_PARAMS = [
  A.requestMaxTokens,
  A.requestChoiceCount,
  A.requestTemperature,
  A.requestTopP,
  A.requestStopSequences,
  A.requestFrequencyPenalty,
  A.requestPresencePenalty,
  A.requestSeed,
  A.outputType,
] as const;
const USAGE_BY_MODALITY = [
  A.usageTextInputTokens,
  A.usageImageInputTokens,
  A.usageAudioInputTokens,
  A.usageTextOutputTokens,
  A.usageImageOutputTokens,
  A.usageAudioOutputTokens,
  A.usageTextCacheReadInputTokens,
  A.usageImageCacheReadInputTokens,
  A.usageAudioCacheReadInputTokens,
] as const;
const CONTENT = [A.systemInstructions, A.inputMessages, A.outputMessages, A.toolDefinitions] as const;
const SERVER = [A.serverAddress, A.serverPort] as const;

/**
 * Which attributes each span type may carry (the registry's attribute list of that span type).
 * The core drops anything else, so a fact one span type lacks (cache usage on an internal
 * `invoke_agent` span, say) can never leak onto it.
 */
export const SPAN_TYPE_ATTRIBUTES: Readonly<Record<SpanType, ReadonlySet<string>>> = {
  [SPAN_TYPE.inference]: new Set<string>([
    A.operationName,
    A.providerName,
    A.requestModel,
    ...SERVER,
    A.usageInputTokens,
    A.usageOutputTokens,
    A.usageCacheReadInputTokens,
    A.usageCacheWriteInputTokens,
    A.usageReasoningOutputTokens,
    ...USAGE_BY_MODALITY,
    ...CONTENT,
    A.errorType,
    ...REQUEST_PARAMS,
    A.requestTopK,
    A.requestStream,
    A.requestReasoningLevel,
    A.requestPreviousResponseId,
    A.responseId,
    A.responseModel,
    A.responseFinishReasons,
    A.responseTimeToFirstChunk,
    A.promptName,
    A.promptVersion,
    A.conversationId,
    A.conversationCompacted,
  ]),
  [SPAN_TYPE.embeddings]: new Set<string>([
    A.operationName,
    A.providerName,
    A.requestModel,
    ...SERVER,
    A.errorType,
    A.requestEncodingFormats,
    A.usageInputTokens,
    A.embeddingsDimensionCount,
    A.responseModel,
  ]),
  [SPAN_TYPE.retrieval]: new Set<string>([
    A.operationName,
    A.providerName,
    A.requestModel,
    ...SERVER,
    A.errorType,
    A.retrievalQueryText,
    A.retrievalTopK,
    A.retrievalDocuments,
    A.dataSourceId,
  ]),
  [SPAN_TYPE.fetchResponse]: new Set<string>([
    A.operationName,
    A.providerName,
    ...SERVER,
    A.errorType,
    A.responseId,
    A.systemInstructions,
    A.outputMessages,
    A.toolDefinitions,
    A.responseModel,
    A.responseStatus,
    A.responseFinishReasons,
    A.requestStreamCursor,
  ]),
  [SPAN_TYPE.createAgent]: new Set<string>([
    A.operationName,
    A.providerName,
    A.requestModel,
    ...SERVER,
    A.errorType,
    A.agentId,
    A.agentName,
    A.agentDescription,
    A.agentVersion,
    A.systemInstructions,
  ]),
  [SPAN_TYPE.invokeAgentClient]: new Set<string>([
    A.operationName,
    A.providerName,
    A.requestModel,
    ...SERVER,
    A.usageInputTokens,
    A.usageOutputTokens,
    A.usageCacheReadInputTokens,
    A.usageCacheWriteInputTokens,
    ...USAGE_BY_MODALITY,
    ...CONTENT,
    A.errorType,
    A.agentName,
    A.agentId,
    A.agentVersion,
    A.agentDescription,
    ...REQUEST_PARAMS,
    A.responseFinishReasons,
    A.conversationId,
    A.dataSourceId,
    A.requestPreviousResponseId,
  ]),
  [SPAN_TYPE.invokeAgentInternal]: new Set<string>([
    A.operationName,
    A.requestModel,
    A.usageInputTokens,
    A.usageOutputTokens,
    ...CONTENT,
    A.errorType,
    A.agentName,
    A.agentDescription,
    ...REQUEST_PARAMS,
    A.responseFinishReasons,
    A.conversationId,
    A.dataSourceId,
  ]),
  [SPAN_TYPE.executeTool]: new Set<string>([
    A.operationName,
    A.errorType,
    A.toolName,
    A.toolType,
    A.agentName,
    A.toolCallId,
    A.toolDescription,
    A.toolCallArguments,
    A.toolCallResult,
    A.conversationId,
  ]),
  [SPAN_TYPE.invokeWorkflow]: new Set<string>([
    A.operationName,
    A.errorType,
    A.workflowName,
    A.conversationId,
    A.inputMessages,
    A.outputMessages,
  ]),
  [SPAN_TYPE.plan]: new Set<string>([A.operationName, A.errorType, A.agentName]),
};

/** Provider-specific attributes the registry allows on inference spans of that provider. */
export const PROVIDER_REFINEMENT_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  [PROVIDER.openai]: new Set<string>([
    A.openaiApiType,
    A.openaiRequestServiceTier,
    A.openaiResponseServiceTier,
    A.openaiResponseSystemFingerprint,
  ]),
};

export const METRIC = {
  inferenceDuration: "gen_ai.client.inference.duration",
  inferenceTimeToFirstChunk: "gen_ai.client.inference.time_to_first_chunk",
  inferenceTimePerOutputChunk: "gen_ai.client.inference.time_per_output_chunk",
  usageInputTokens: "gen_ai.client.inference.usage.input_tokens",
  usageOutputTokens: "gen_ai.client.inference.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.client.inference.usage.cache_read.input_tokens",
  usageCacheWriteInputTokens: "gen_ai.client.inference.usage.cache_write.input_tokens",
  usageReasoningOutputTokens: "gen_ai.client.inference.usage.reasoning.output_tokens",
  operationInputTokens: "gen_ai.client.inference.operation.input_tokens",
  operationOutputTokens: "gen_ai.client.inference.operation.output_tokens",
  clientOperationDuration: "gen_ai.client.operation.duration",
  invokeAgentDuration: "gen_ai.invoke_agent.duration",
  invokeAgentInferenceCalls: "gen_ai.invoke_agent.inference_calls",
  invokeAgentToolCalls: "gen_ai.invoke_agent.tool_calls",
  executeToolDuration: "gen_ai.execute_tool.duration",
  invokeWorkflowDuration: "gen_ai.invoke_workflow.duration",
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

const SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const COMMON_METRIC_ATTRIBUTES = [
  A.operationName,
  A.providerName,
  A.requestModel,
  A.responseModel,
  A.serverAddress,
  A.serverPort,
] as const;

export interface MetricDefinition {
  readonly instrument: "histogram" | "counter";
  readonly unit: string;
  readonly valueType: "int" | "double";
  readonly description: string;
  readonly buckets?: readonly number[];
  /** The attributes the registry lists for this metric; anything else is dropped. */
  readonly attributes: ReadonlySet<string>;
}

const tokenCounter = (description: string): MetricDefinition => ({
  instrument: "counter",
  unit: "{token}",
  valueType: "int",
  description,
  attributes: new Set([...COMMON_METRIC_ATTRIBUTES, A.tokenModality]),
});

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = {
  [METRIC.inferenceDuration]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Duration of GenAI inference operations.",
    buckets: SECONDS_BUCKETS,
    attributes: new Set([...COMMON_METRIC_ATTRIBUTES, A.errorType]),
  },
  [METRIC.inferenceTimeToFirstChunk]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Time to receive the first chunk of a streamed inference response.",
    buckets: SECONDS_BUCKETS,
    attributes: new Set(COMMON_METRIC_ATTRIBUTES),
  },
  [METRIC.inferenceTimePerOutputChunk]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Time between consecutive chunks of a streamed inference response.",
    buckets: SECONDS_BUCKETS,
    attributes: new Set(COMMON_METRIC_ATTRIBUTES),
  },
  [METRIC.usageInputTokens]: tokenCounter("Input tokens used, including cached tokens."),
  [METRIC.usageOutputTokens]: tokenCounter("Output tokens used, including reasoning tokens."),
  [METRIC.usageCacheReadInputTokens]: tokenCounter("Input tokens read from a provider cache."),
  [METRIC.usageCacheWriteInputTokens]: tokenCounter("Input tokens written to a provider cache."),
  [METRIC.usageReasoningOutputTokens]: tokenCounter("Output tokens used for reasoning."),
  [METRIC.operationInputTokens]: {
    instrument: "histogram",
    unit: "{token}",
    valueType: "int",
    description: "Input tokens per inference operation.",
    buckets: TOKEN_BUCKETS,
    attributes: new Set(COMMON_METRIC_ATTRIBUTES),
  },
  [METRIC.operationOutputTokens]: {
    instrument: "histogram",
    unit: "{token}",
    valueType: "int",
    description: "Output tokens per inference operation.",
    buckets: TOKEN_BUCKETS,
    attributes: new Set(COMMON_METRIC_ATTRIBUTES),
  },
  [METRIC.clientOperationDuration]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Duration of GenAI client operations other than inference.",
    buckets: SECONDS_BUCKETS,
    attributes: new Set([...COMMON_METRIC_ATTRIBUTES, A.errorType]),
  },
  [METRIC.invokeAgentDuration]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Duration of GenAI agent invocations.",
    buckets: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6],
    attributes: new Set([A.errorType, A.agentName, A.requestModel]),
  },
  [METRIC.invokeAgentInferenceCalls]: {
    instrument: "histogram",
    unit: "{inference_call}",
    valueType: "int",
    description: "Inference calls made by one agent invocation.",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    attributes: new Set([A.agentName]),
  },
  [METRIC.invokeAgentToolCalls]: {
    instrument: "histogram",
    unit: "{tool_call}",
    valueType: "int",
    description: "Tool calls made by one agent invocation.",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    attributes: new Set([A.agentName]),
  },
  [METRIC.executeToolDuration]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Duration of GenAI tool executions.",
    buckets: SECONDS_BUCKETS,
    attributes: new Set([A.errorType, A.toolName, A.toolType, A.agentName]),
  },
  [METRIC.invokeWorkflowDuration]: {
    instrument: "histogram",
    unit: "s",
    valueType: "double",
    description: "Duration of GenAI workflow invocations.",
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    attributes: new Set([A.errorType, A.workflowName]),
  },
};

/** Baggage keys carried across services. */
export const BAGGAGE = {
  conversationId: ATTR.conversationId,
  agentName: ATTR.agentName,
} as const;

/** The environment variable that turns message-content capture on. */
export const ENV_CAPTURE_CONTENT = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/** `error.type` values this library reports itself (others come from the error). */
export const ERROR_TYPE = {
  other: "_OTHER",
  orphaned: "otel_agents.orphaned",
  evicted: "otel_agents.evicted",
  aborted: "AbortError",
} as const;
