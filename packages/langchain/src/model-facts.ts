import {
  type OpenAIFacts,
  type OperationFacts,
  type RequestParams,
  responsesFinishReason,
  type ServerInfo,
  serverOfUrl,
  type Usage,
} from "@otel-agents/core/adapter";
import { asNumber, asRecord, asString, asStringArray, type Dict, firstNumber, firstString, serializedClass } from "./read.js";

// What a model run tells us: request facts at start (from `ls_*` metadata and invocation params),
// response facts at end (from the returned message's `response_metadata` and `usage_metadata`).

export interface ModelStart {
  provider: string | undefined;
  requestModel: string | undefined;
  request: RequestParams;
  tools: unknown;
  server: ServerInfo | undefined;
  /** The OpenAI refinement's request facts; the core keeps them only when the provider is OpenAI. */
  openai: OpenAIFacts | undefined;
}

// Each request setting's spellings across integrations, first match wins.
const MAX_TOKENS = ["max_tokens", "max_completion_tokens", "max_output_tokens", "maxTokens", "maxOutputTokens", "num_predict"];
const TOP_P = ["top_p", "topP"];
const TOP_K = ["top_k", "topK"];
const FREQUENCY_PENALTY = ["frequency_penalty", "frequencyPenalty"];
const PRESENCE_PENALTY = ["presence_penalty", "presencePenalty"];
const SEED = ["seed", "random_seed"];
const CHOICE_COUNT = ["n", "candidate_count", "candidateCount"];
const REQUEST_MODEL = ["model", "model_name", "modelName", "model_id", "modelId"];

export function modelStartFacts(serialized: unknown, extraParams: unknown, metadata: Dict | undefined): ModelStart {
  const params = asRecord(asRecord(extraParams)?.invocation_params);
  const options = asRecord(asRecord(extraParams)?.options);
  const request: RequestParams = {
    temperature: asNumber(params?.temperature) ?? asNumber(metadata?.ls_temperature),
    maxTokens: firstNumber(params, MAX_TOKENS) ?? asNumber(metadata?.ls_max_tokens),
    topP: firstNumber(params, TOP_P),
    topK: firstNumber(params, TOP_K),
    frequencyPenalty: firstNumber(params, FREQUENCY_PENALTY),
    presencePenalty: firstNumber(params, PRESENCE_PENALTY),
    seed: firstNumber(params, SEED),
    choiceCount: firstNumber(params, CHOICE_COUNT),
    stopSequences: asStringArray(params?.stop ?? params?.stop_sequences ?? params?.stopSequences ?? metadata?.ls_stop),
    stream: params?.stream === true ? true : undefined,
    reasoningLevel: asString(params?.reasoning_effort) ?? asString(asRecord(params?.reasoning)?.effort),
    previousResponseId: asString(params?.previous_response_id),
    outputType: outputType(params),
  };
  return {
    provider: asString(metadata?.ls_provider) ?? serializedClass(serialized),
    requestModel: asString(metadata?.ls_model_name) ?? firstString(params, REQUEST_MODEL),
    request,
    tools: params?.tools ?? options?.tools,
    server: serverOf(serialized),
    openai: requestedOpenAI(params),
  };
}

/** The service tier a ChatOpenAI request asks for (`service_tier`), and the API it is sent to. */
function requestedOpenAI(params: Dict | undefined): OpenAIFacts | undefined {
  const tier = asString(params?.service_tier);
  const apiType = requestedApiType(params);
  return tier || apiType ? { requestServiceTier: tier, apiType } : undefined;
}

// ChatOpenAI builds its invocation params with one of two builders, each writing every field it
// knows, set or not (an own key holding undefined): these three are each builder's own.
const RESPONSES_PARAMS = ["truncation", "include", "previous_response_id"];
const CHAT_COMPLETIONS_PARAMS = ["logit_bias", "frequency_penalty", "n"];

/**
 * The OpenAI API a ChatOpenAI call is sent to, from which builder made its invocation params: known
 * before the call, so a call that fails, and a Responses API call streamed with @langchain/openai
 * 1.0 (whose message carries no mark of the API), are named too. The returned message's own mark
 * (see `openaiApiType`) comes later and wins. Other integrations' params have neither set; the core
 * keeps the value only when the provider is OpenAI.
 */
function requestedApiType(params: Dict | undefined): string | undefined {
  if (!params) return undefined;
  if (hasAllOwn(params, RESPONSES_PARAMS)) return "responses";
  if (hasAllOwn(params, CHAT_COMPLETIONS_PARAMS)) return "chat_completions";
  return undefined;
}

// A loop rather than `every` with a closure: it runs at the start of every model call.
function hasAllOwn(params: Dict, keys: readonly string[]): boolean {
  for (const key of keys) if (!Object.hasOwn(params, key)) return false;
  return true;
}

/**
 * The OpenAI API a ChatOpenAI call used, read from its message: a Responses API one (see
 * `isResponsesMessage`), or a Chat Completions one: `model_provider: "openai"` with a
 * `finish_reason`, a field the Responses API does not have. Nothing is guessed from an absence:
 * @langchain/openai 1.0 streams a Responses call into a message with neither mark. The core keeps
 * the value only when the provider is OpenAI.
 */
function openaiApiType(meta: Dict | undefined, responses: boolean, chatReason: string | undefined): string | undefined {
  if (responses) return "responses";
  return chatReason !== undefined && asString(meta?.model_provider) === "openai" ? "chat_completions" : undefined;
}

/** ChatOpenAI's Responses API converter copies the response's `object`, "response", into the metadata. */
function isResponsesMessage(meta: Dict | undefined): boolean {
  return asString(meta?.object) === "response";
}

// Where integrations keep their endpoint in the constructor arguments LangChain serialises (secrets
// are replaced by placeholders there; URLs are not): ChatOpenAI `configuration.baseURL`, Anthropic
// `clientOptions.baseURL` / `anthropicApiUrl`, Ollama `baseUrl`, Azure `azureOpenAIEndpoint`...
const URL_KEYS = [
  "baseURL",
  "baseUrl",
  "base_url",
  "basePath",
  "base_path",
  "anthropic_api_url",
  "anthropicApiUrl",
  "azure_openai_endpoint",
  "azureOpenAIEndpoint",
  "endpoint",
];
const NESTED = ["configuration", "clientOptions", "client_options", "clientConfig", "client_config"];

// Integrations whose client has a fixed default endpoint when none is configured.
const DEFAULT_URLS: Record<string, { env: string; url: string }> = {
  ChatOpenAI: { env: "OPENAI_BASE_URL", url: "https://api.openai.com/v1" },
  OpenAI: { env: "OPENAI_BASE_URL", url: "https://api.openai.com/v1" },
};

/** `server.address` / `server.port` of the endpoint a model integration was configured with. */
export function serverOf(serialized: unknown): ServerInfo | undefined {
  const kwargs = asRecord(asRecord(serialized)?.kwargs);
  let url = firstString(kwargs, URL_KEYS);
  for (let i = 0; !url && kwargs && i < NESTED.length; i++) url = firstString(asRecord(kwargs[NESTED[i] as string]), URL_KEYS);
  if (!url) {
    const fallback = DEFAULT_URLS[serializedClass(serialized) ?? ""];
    if (fallback) url = envVar(fallback.env) ?? fallback.url;
  }
  return url ? serverOfUrl(url) : undefined;
}

function envVar(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return asString(env?.[name]);
}

function outputType(params: Dict | undefined): string | undefined {
  const format = asRecord(params?.response_format);
  const type = asString(format?.type);
  if (type === "json_object" || type === "json_schema") return "json";
  if (type === "text") return "text";
  return undefined;
}

/** The generations of the (single) prompt of one model run: LangChain starts one run per prompt. */
export function generationsOf(output: unknown): unknown[] {
  const generations = asRecord(output)?.generations;
  const first = Array.isArray(generations) ? generations[0] : undefined;
  return Array.isArray(first) ? first : [];
}

// LangChain names messages it assembled from a stream `run-<runId>` (1.x also `lc_run--<runId>`):
// they are no provider response id.
function isFrameworkId(id: string): boolean {
  return id.startsWith("run-") || id.startsWith("lc_run-");
}

const FINISH_REASON = ["finish_reason", "stop_reason", "finishReason"];
const INFO_FINISH_REASON = ["finish_reason", "finishReason"];
const RESPONSE_MODEL = ["model_name", "model", "modelId", "model_id"];
const INFO_RESPONSE_MODEL = ["model_name", "model"];

export function modelEndFacts(output: unknown): OperationFacts {
  const generations = generationsOf(output);
  const facts: OperationFacts = {};
  let reasons: string[] | undefined;
  for (let i = 0; i < generations.length; i++) {
    const g = asRecord(generations[i]);
    const message = asRecord(g?.message);
    const meta = asRecord(message?.response_metadata);
    const info = asRecord(g?.generationInfo);
    const responses = isResponsesMessage(meta);
    const chatReason = firstString(meta, FINISH_REASON) ?? firstString(info, INFO_FINISH_REASON);
    // A Responses API call has no finish reason: ChatOpenAI copies its `status` and
    // `incomplete_details` into the message's metadata.
    const calledTools = Array.isArray(message?.tool_calls) && message.tool_calls.length > 0;
    const reason =
      chatReason ?? (responses ? responsesFinishReason(meta?.status, meta?.incomplete_details, calledTools) : undefined);
    if (reason) (reasons ??= []).push(reason);
    // A model streamed inside a graph (`streamMode: "messages"`, `streamEvents()`) ends with a
    // message whose `response_metadata` holds only the provider and usage: ChatOpenAI keeps the
    // model, fingerprint and tier of the last chunk in `generationInfo` then.
    facts.responseModel ??= firstString(meta, RESPONSE_MODEL) ?? firstString(info, INFO_RESPONSE_MODEL);
    facts.provider ??= asString(meta?.model_provider);
    // A Responses API message's own id is its output item's (`msg_...`) in @langchain/openai 1.0:
    // the response id is the metadata's there.
    const id = responses ? (asString(meta?.id) ?? asString(message?.id)) : (asString(message?.id) ?? asString(meta?.id));
    if (id && !isFrameworkId(id)) facts.responseId ??= id;
    facts.usage ??= usageOf(asRecord(message?.usage_metadata));
    const fingerprint = asString(meta?.system_fingerprint) ?? asString(info?.system_fingerprint);
    const tier = asString(meta?.service_tier) ?? asString(info?.service_tier);
    const apiType = openaiApiType(meta, responses, chatReason);
    if ((fingerprint || tier || apiType) && !facts.openai) {
      facts.openai = { apiType, systemFingerprint: fingerprint, responseServiceTier: tier };
    }
  }
  if (reasons) facts.finishReasons = reasons;
  facts.usage ??= legacyUsage(asRecord(asRecord(output)?.llmOutput));
  return facts;
}

/** `usage_metadata` (core 1.x): input tokens include cache reads and writes; output includes reasoning. */
export function usageOf(u: Dict | undefined): Usage | undefined {
  if (!u) return undefined;
  const input = asRecord(u.input_token_details);
  const output = asRecord(u.output_token_details);
  const usage: Usage = {
    inputTokens: asNumber(u.input_tokens),
    outputTokens: asNumber(u.output_tokens),
    cacheReadInputTokens: asNumber(input?.cache_read),
    cacheWriteInputTokens: asNumber(input?.cache_creation),
    reasoningOutputTokens: asNumber(output?.reasoning),
  };
  return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
}

const LEGACY_INPUT_TOKENS = ["promptTokens", "prompt_tokens", "input_tokens"];
const LEGACY_OUTPUT_TOKENS = ["completionTokens", "completion_tokens", "output_tokens"];

// Older integrations report only `llmOutput.tokenUsage` (camelCase) or `estimatedTokenUsage`.
function legacyUsage(llmOutput: Dict | undefined): Usage | undefined {
  const t = asRecord(llmOutput?.tokenUsage) ?? asRecord(llmOutput?.estimatedTokenUsage);
  if (!t) return undefined;
  const inputTokens = firstNumber(t, LEGACY_INPUT_TOKENS);
  const outputTokens = firstNumber(t, LEGACY_OUTPUT_TOKENS);
  return inputTokens === undefined && outputTokens === undefined ? undefined : { inputTokens, outputTokens };
}
