/**
 * The one hand-kept table of convention names: what the GenAI registry cannot say. Everything the
 * registry does say (attribute names, each span type's attribute list, metric definitions, enum
 * values) is generated into `generated/registry-names.ts` by `scripts/gen-semconv.mjs` from
 * `packages/core/semconv/gen-ai-registry.json` (see its PROVENANCE.md); this file picks from it what
 * the core emits and adds the names the registry lacks. Every name any package emits is spelled here
 * or there and nowhere else: adapters import framework extras from `@otel-agents/core/adapter`.
 */
import {
  REGISTRY_ATTR,
  REGISTRY_METRICS,
  REGISTRY_PROVIDER,
  REGISTRY_SPAN_REFINEMENTS,
  REGISTRY_SPAN_TYPE_ATTRIBUTES,
  REGISTRY_TOKEN_MODALITY,
  SCHEMA_URL,
} from "./generated/registry-names.js";

export { SCHEMA_URL };

function tableOf<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const key of keys) out[key] = value(key);
  return out;
}

/** Every registry attribute name (generated), keyed by its name without `gen_ai.`, in camelCase. */
export const ATTR = REGISTRY_ATTR;

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

/**
 * Framework extras: facts only one framework gives, recorded on that framework's step spans. The
 * OpenAI Agents adapter's are ours (`otel_agents.openai_agents.*`). LangGraph's and LangChain's
 * keep the spelling they have had since 0.1 (`langgraph.*`, `langchain.run_type`, after the
 * framework's own metadata keys `langgraph_node`, `langgraph_step`, ...): renaming them under
 * `otel_agents.*` would break the queries users have written against them.
 */
export const LANGCHAIN_ATTR = {
  /** The LangGraph node a step runs (`metadata.langgraph_node`). */
  langgraphNode: "langgraph.node",
  /** The graph super-step (`metadata.langgraph_step`). */
  langgraphStep: "langgraph.step",
  /** The channels that triggered the node (`metadata.langgraph_triggers`). */
  langgraphTriggers: "langgraph.triggers",
  /** The kind of interrupt a graph stopped at. */
  langgraphInterrupt: "langgraph.interrupt",
  /** LangChain's run type when it is none of the GenAI operations (`prompt`, `parser`, ...). */
  runType: "langchain.run_type",
} as const;

/** OpenAI Agents SDK extras (agent configuration, MCP listing, audio and custom spans). */
export const OPENAI_AGENTS_ATTR = {
  agentTools: "otel_agents.openai_agents.agent.tools",
  agentHandoffs: "otel_agents.openai_agents.agent.handoffs",
  agentOutputType: "otel_agents.openai_agents.agent.output_type",
  mcpData: "otel_agents.openai_agents.function.mcp_data",
  mcpServer: "otel_agents.openai_agents.mcp.server",
  mcpTools: "otel_agents.openai_agents.mcp.tools",
  audioModel: "otel_agents.openai_agents.audio.model",
  customName: "otel_agents.openai_agents.custom.name",
} as const;

/** The operations the core writes (a subset of the registry's `gen_ai.operation.name` values). */
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

/** Registry values of `gen_ai.provider.name` (generated). */
export const PROVIDER = REGISTRY_PROVIDER;

/** Registry values of `gen_ai.response.finish_reasons` (and of the output message field). */
export const FINISH_REASON = {
  stop: "stop",
  length: "length",
  contentFilter: "content_filter",
  toolCall: "tool_call",
  compaction: "compaction",
  error: "error",
} as const;

/** Registry values of `gen_ai.token.modality` (generated). */
export const TOKEN_MODALITY = REGISTRY_TOKEN_MODALITY;

/** Documented values of `gen_ai.tool.type`: a plain string in the registry, not an enum. */
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

/** The registry's attribute list of each span type the core writes (generated). */
export const SPAN_TYPE_ATTRIBUTES: Readonly<Record<SpanType, ReadonlySet<string>>> = tableOf(
  Object.values(SPAN_TYPE),
  (id) => new Set<string>(REGISTRY_SPAN_TYPE_ATTRIBUTES[id]),
);

/**
 * The attributes a provider's refinement of the inference span adds (generated): allowed on that
 * provider's inference spans besides the span type's own list. The key is the refinement id's prefix.
 */
export const PROVIDER_REFINEMENT_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(REGISTRY_SPAN_REFINEMENTS)
    .filter(([, r]) => r.refines === SPAN_TYPE.inference)
    .map(([id, r]) => {
      const own = r.attributes.filter((k) => !SPAN_TYPE_ATTRIBUTES[SPAN_TYPE.inference].has(k));
      return [id.slice(0, -`.${SPAN_TYPE.inference}`.length), new Set<string>(own)];
    }),
);

/** The metrics the core records; the definitions come from the registry. */
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
} as const satisfies Record<string, keyof typeof REGISTRY_METRICS>;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export interface MetricDefinition {
  readonly instrument: "histogram" | "counter";
  readonly unit: string;
  readonly valueType: "int" | "double";
  readonly description: string;
  readonly buckets?: readonly number[];
  /** The attributes the registry lists for this metric; anything else is dropped. */
  readonly attributes: ReadonlySet<string>;
}

/**
 * A registry metric as the core records it. `buckets` is for the metrics whose bucket advice the
 * registry lacks (the MCP ones): the registry's advice wins when it has one.
 */
export function metricDefinition(name: keyof typeof REGISTRY_METRICS, buckets?: readonly number[]): MetricDefinition {
  const m: (typeof REGISTRY_METRICS)[keyof typeof REGISTRY_METRICS] & { buckets?: readonly number[] } = REGISTRY_METRICS[name];
  return {
    instrument: m.instrument === "counter" ? "counter" : "histogram",
    unit: m.unit,
    valueType: m.valueType === "int" ? "int" : "double",
    description: m.description,
    buckets: m.buckets ?? buckets,
    attributes: new Set<string>(m.attributes),
  };
}

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = tableOf(Object.values(METRIC), (name) =>
  metricDefinition(name),
);

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
