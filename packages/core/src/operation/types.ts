import type { AttributeValue, Context, Link, TimeInput } from "@opentelemetry/api";
import type { InputMessage, MessagePart, OutputMessage, RetrievalDocument, ToolDefinition } from "../content/messages.js";
import type { OperationName } from "../semconv/names.js";

/** A value, or a function that computes it: content is only computed when capture is on. */
export type Lazy<T> = T | (() => T);

/** What kind of GenAI operation a span describes. `step` is a framework step with no semconv name. */
export type OperationKind = OperationName | "step";

export interface RequestParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: readonly string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  choiceCount?: number;
  /** True when the response is streamed. */
  stream?: boolean;
  /** `text`, `json`, `image`, `speech`. */
  outputType?: string;
  reasoningLevel?: string;
  previousResponseId?: string;
  encodingFormats?: readonly string[];
  /** Retrieval: how many documents were asked for. */
  topKDocuments?: number;
}

export interface TokensByModality {
  text?: number;
  image?: number;
  audio?: number;
}

/** Token usage. `inputTokens` includes cached tokens; `outputTokens` includes reasoning tokens. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
  reasoningOutputTokens?: number;
  inputByModality?: TokensByModality;
  outputByModality?: TokensByModality;
  cacheReadByModality?: TokensByModality;
}

export interface AgentInfo {
  name?: string;
  /** A stable, provider-assigned id of a hosted agent (not an in-memory instance id). */
  id?: string;
  description?: string;
  version?: string;
}

export interface ToolInfo {
  name?: string;
  callId?: string;
  /** `function`, `extension`, `datastore`, or another plain string. */
  type?: string;
  description?: string;
}

export interface ServerInfo {
  address?: string;
  port?: number;
}

export interface OpenAIFacts {
  apiType?: "chat_completions" | "responses" | string;
  /** The service tier the request asked for, as given (`auto`, the API's default, is not recorded). */
  requestServiceTier?: string;
  responseServiceTier?: string;
  systemFingerprint?: string;
}

/** Facts from the framework that are an identity of the run, kept as `otel_agents.framework.*`. */
export interface FrameworkFacts {
  name?: string;
  runId?: string;
  parentRunId?: string;
  traceId?: string;
}

export interface StepFacts {
  /** e.g. `chain`, `handoff`, `guardrail`, `node`, `custom`. */
  type: string;
  /** The span name. */
  name: string;
}

/** Message content and other opt-in data. Only read (and computed, if lazy) when capture is on. */
export interface OperationContent {
  inputMessages?: Lazy<readonly InputMessage[] | undefined>;
  outputMessages?: Lazy<readonly OutputMessage[] | undefined>;
  systemInstructions?: Lazy<readonly MessagePart[] | undefined>;
  toolDefinitions?: Lazy<readonly ToolDefinition[] | undefined>;
  toolArguments?: Lazy<unknown>;
  toolResult?: Lazy<unknown>;
  retrievalQuery?: Lazy<string | undefined>;
  retrievalDocuments?: Lazy<readonly RetrievalDocument[] | undefined>;
}

/** Everything an adapter may know about an operation, at start or later. */
export interface OperationFacts {
  provider?: string;
  requestModel?: string;
  request?: RequestParams;
  responseModel?: string;
  responseId?: string;
  finishReasons?: readonly string[];
  usage?: Usage;
  agent?: AgentInfo;
  tool?: ToolInfo;
  workflowName?: string;
  conversationId?: string;
  dataSourceId?: string;
  server?: ServerInfo;
  embeddingsDimensionCount?: number;
  openai?: OpenAIFacts;
  handoff?: { fromAgent?: string; toAgent?: string };
  guardrail?: { name?: string; triggered?: boolean };
  framework?: FrameworkFacts;
  content?: OperationContent;
  /** Extra primitive attributes; `gen_ai.*` keys here are ignored (the core owns those names). */
  attributes?: Record<string, AttributeValue | undefined>;
}

export interface StartOptions extends OperationFacts {
  operation: OperationKind;
  /** Required for `step` operations: its type and the span name. */
  step?: StepFacts;
  /** `invoke_agent` of a remote agent service (a CLIENT span); in-process agents are INTERNAL. */
  remote?: boolean;
  /**
   * The parent: a handle, an OpenTelemetry context, or `null` for a new trace.
   * Default: the active context.
   */
  parent?: OperationHandleLike | Context | null;
  startTime?: TimeInput;
  /**
   * Spans this operation continues without being their child, e.g. an agent run resumed after a
   * human approved a tool call links to the run that paused. Given to the tracer at start, so a
   * sampler sees them.
   */
  links?: Link[];
}

/** The part of a handle another operation can name as its parent. */
export interface OperationHandleLike {
  readonly context: Context;
}
