import type { GenerationSpanData, ResponseSpanData, TurnUsageData } from "@openai/agents-core";
import { asNumber, asString, isRecord, type OperationFacts, responsesFinishReason, type Usage } from "@otel-agents/core/adapter";
import {
  chatCompletionToMessages,
  chatMessagesToMessages,
  instructionsToParts,
  responsesItemsToMessages,
  responsesOutputToMessages,
} from "./map-messages.js";

// Facts about one model call, from whichever Agents span describes it. Read at span end only:
// the SDK fills these objects in while the call runs.

type Rec = Record<string, unknown>;

/** A tool call the model asked for, to give the tool span its call id. */
export interface RequestedToolCall {
  name: string;
  callId: string;
  arguments: string | undefined;
}

export interface InferenceFacts {
  facts: OperationFacts;
  /** The call carried its own usage (so the turn's usage is not needed). */
  hasUsage: boolean;
  toolCalls: RequestedToolCall[];
  /** Tool name -> the description the model was given, when the span shows the tools. */
  toolDescriptions?: Map<string, string>;
}

/** The descriptions of the function tools a request (or a Responses API response) lists. */
export function toolDescriptionsOf(tools: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(tools)) return out;
  for (const t of tools) {
    if (!isRecord(t) || t.type !== "function") continue;
    const name = asString(t.name);
    const description = asString(t.description);
    if (name && description) out.set(name, description);
  }
  return out;
}

/** Provider of a generation span: model_config.provider when a non-OpenAI model set one. */
export function generationProvider(data: GenerationSpanData): string | undefined {
  const cfg = data.model_config;
  return isRecord(cfg) ? asString(cfg.provider) : undefined;
}

/** Facts known when a generation span starts (Chat Completions model, or another model that traces). */
export function generationStartFacts(data: GenerationSpanData): OperationFacts {
  const cfg = isRecord(data.model_config) ? data.model_config : {};
  return {
    requestModel: asString(data.model),
    request: {
      temperature: asNumber(cfg.temperature),
      topP: asNumber(cfg.top_p),
      maxTokens: asNumber(cfg.max_tokens),
      frequencyPenalty: asNumber(cfg.frequency_penalty),
      presencePenalty: asNumber(cfg.presence_penalty),
      reasoningLevel: asString(cfg.reasoning_effort),
    },
  };
}

/** Usage in any of the shapes the SDK and OpenAI use (Responses, Chat Completions, Agents `Usage`). */
export function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = asNumber(raw.input_tokens) ?? asNumber(raw.prompt_tokens) ?? asNumber(raw.inputTokens);
  const output = asNumber(raw.output_tokens) ?? asNumber(raw.completion_tokens) ?? asNumber(raw.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  const inDetails = firstObject(raw.input_tokens_details, raw.prompt_tokens_details, raw.inputTokensDetails, detailsOf(raw));
  const outDetails = firstObject(
    raw.output_tokens_details,
    raw.completion_tokens_details,
    raw.outputTokensDetails,
    detailsOf(raw),
  );
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadInputTokens: asNumber(inDetails?.cached_tokens) ?? asNumber(inDetails?.cached_input_tokens),
    cacheWriteInputTokens: asNumber(inDetails?.cache_write_tokens) ?? asNumber(inDetails?.cache_write_input_tokens),
    reasoningOutputTokens: asNumber(outDetails?.reasoning_tokens),
  };
}

function detailsOf(raw: Rec): Rec | undefined {
  return isRecord(raw.details) ? raw.details : undefined;
}

function firstObject(...values: unknown[]): Rec | undefined {
  for (const v of values) {
    if (Array.isArray(v)) {
      const first = v.find(isRecord);
      if (first) return first;
    } else if (isRecord(v)) return v;
  }
  return undefined;
}

/** The per-model-call usage the runner puts on a turn span. */
export function turnUsage(usage: TurnUsageData | undefined): Usage | undefined {
  if (!usage) return undefined;
  return {
    inputTokens: asNumber(usage.input_tokens),
    outputTokens: asNumber(usage.output_tokens),
    // Zero is what the runner writes when the model reported nothing: not a measured cache hit.
    cacheReadInputTokens: asNumber(usage.cached_input_tokens) || undefined,
    cacheWriteInputTokens: asNumber(usage.cache_write_input_tokens) || undefined,
  };
}

/** Facts of a finished response span (Responses model). `_response` is there only with sensitive data on. */
export function responseEndFacts(data: ResponseSpanData, capture: boolean): InferenceFacts {
  const response = isRecord(data._response) ? data._response : undefined;
  const usage = usageOf(response?.usage);
  const output = Array.isArray(response?.output) ? (response.output as unknown[]) : [];
  const toolCalls: RequestedToolCall[] = [];
  for (const item of output) {
    if (isRecord(item) && item.type === "function_call" && asString(item.name) && asString(item.call_id)) {
      toolCalls.push({ name: item.name as string, callId: item.call_id as string, arguments: asString(item.arguments) });
    }
  }
  const facts: OperationFacts = {
    responseId: asString(data.response_id) ?? asString(response?.id),
    responseModel: asString(response?.model),
    usage,
    // A response without a status (older SDK span data) ended as a completed one.
    finishReasons: response
      ? reasonList(responsesFinishReason(response.status ?? "completed", response.incomplete_details, toolCalls.length > 0))
      : undefined,
  };
  if (response) {
    // The response names the model that answered (`gpt-4o-mini-2024-07-18`), never the requested
    // one: `requestModel` comes from the watched model object, when the call starts.
    facts.request = {
      temperature: asNumber(response.temperature),
      topP: asNumber(response.top_p),
      maxTokens: asNumber(response.max_output_tokens),
      previousResponseId: asString(response.previous_response_id),
      reasoningLevel: isRecord(response.reasoning) ? asString(response.reasoning.effort) : undefined,
    };
    facts.openai = { responseServiceTier: asString(response.service_tier) };
  }
  if (capture) {
    facts.content = {
      inputMessages: () => (data._input === undefined ? undefined : responsesItemsToMessages(data._input)),
      outputMessages: () => (response ? responsesOutputToMessages(response.output) : undefined),
      systemInstructions: () => instructionsToParts(response?.instructions),
    };
  }
  // The Responses API echoes the tools it was given, descriptions included.
  // No empty map for a response that lists no tools (none is there with sensitive data off).
  const toolDescriptions = Array.isArray(response?.tools) ? toolDescriptionsOf(response.tools) : undefined;
  return { facts, hasUsage: usage !== undefined, toolCalls, toolDescriptions };
}

const reasonList = (reason: string | undefined): string[] | undefined => (reason ? [reason] : undefined);

/** Facts of a finished generation span (Chat Completions model: the raw completion is `output[0]`). */
export function generationEndFacts(data: GenerationSpanData, capture: boolean): InferenceFacts {
  const completion = Array.isArray(data.output) && isRecord(data.output[0]) ? data.output[0] : undefined;
  const isCompletion = completion !== undefined && Array.isArray(completion.choices);
  const usage = usageOf(data.usage) ?? (isCompletion ? usageOf(completion.usage) : undefined);
  const toolCalls: RequestedToolCall[] = [];
  const finishReasons: string[] = [];
  if (isCompletion) {
    for (const choice of completion.choices as unknown[]) {
      if (!isRecord(choice)) continue;
      const reason = asString(choice.finish_reason);
      if (reason) finishReasons.push(reason);
      const calls = isRecord(choice.message) && Array.isArray(choice.message.tool_calls) ? choice.message.tool_calls : [];
      for (const c of calls) {
        const fn = isRecord(c) && isRecord(c.function) ? c.function : undefined;
        if (fn && asString(fn.name) && asString(c.id))
          toolCalls.push({ name: fn.name as string, callId: c.id as string, arguments: asString(fn.arguments) });
      }
    }
  }
  const facts: OperationFacts = {
    ...generationStartFacts(data),
    // A streamed call keeps the SDK placeholder id `FAKE_ID` when no chunk carried one.
    responseId: isCompletion && completion.id !== "FAKE_ID" ? asString(completion.id) : undefined,
    responseModel: isCompletion ? asString(completion.model) : undefined,
    usage,
    finishReasons: finishReasons.length > 0 ? finishReasons : undefined,
  };
  if (isCompletion) {
    facts.openai = {
      responseServiceTier: asString(completion.service_tier),
      systemFingerprint: asString(completion.system_fingerprint),
    };
  }
  if (capture) {
    facts.content = {
      inputMessages: () => chatMessagesToMessages(data.input),
      outputMessages: () => (isCompletion ? chatCompletionToMessages(completion) : undefined),
    };
  }
  return { facts, hasUsage: usage !== undefined, toolCalls };
}
