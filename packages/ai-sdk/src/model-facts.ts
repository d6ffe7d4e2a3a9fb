import { asNumber, type Dict, isRecord, type RequestParams, type Usage } from "@otel-agents/core/adapter";

/**
 * `LanguageModelUsage` to the core's usage. The AI SDK's `inputTokens` already includes cached
 * tokens and `outputTokens` reasoning tokens, as the conventions want.
 */
export function languageModelUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = isRecord(usage.inputTokenDetails) ? usage.inputTokenDetails : {};
  const output = isRecord(usage.outputTokenDetails) ? usage.outputTokenDetails : {};
  const out: Usage = {
    inputTokens: asNumber(usage.inputTokens),
    outputTokens: asNumber(usage.outputTokens),
    cacheReadInputTokens: asNumber(input.cacheReadTokens),
    cacheWriteInputTokens: asNumber(input.cacheWriteTokens),
    reasoningOutputTokens: asNumber(output.reasoningTokens),
  };
  return out.inputTokens !== undefined ||
    out.outputTokens !== undefined ||
    out.cacheReadInputTokens !== undefined ||
    out.cacheWriteInputTokens !== undefined ||
    out.reasoningOutputTokens !== undefined
    ? out
    : undefined;
}

/** `EmbeddingModelUsage` (`{ tokens }`). */
export function embeddingTokens(usage: unknown): number | undefined {
  return isRecord(usage) ? asNumber(usage.tokens) : undefined;
}

/**
 * The call settings of a model call (`LanguageModelCallOptions`); undefined when the call sets none
 * (most calls), so that the span has no request settings to go through.
 */
export function requestParams(e: Dict, stream: boolean, outputType: string | undefined): RequestParams | undefined {
  const reasoning = typeof e.reasoning === "string" && e.reasoning !== "provider-default" ? e.reasoning : undefined;
  const params: RequestParams = {
    maxTokens: asNumber(e.maxOutputTokens),
    temperature: asNumber(e.temperature),
    topP: asNumber(e.topP),
    topK: asNumber(e.topK),
    presencePenalty: asNumber(e.presencePenalty),
    frequencyPenalty: asNumber(e.frequencyPenalty),
    stopSequences: Array.isArray(e.stopSequences) ? (e.stopSequences as string[]) : undefined,
    seed: asNumber(e.seed),
    reasoningLevel: reasoning,
    stream: stream || undefined,
    outputType,
  };
  return params.maxTokens !== undefined ||
    params.temperature !== undefined ||
    params.topP !== undefined ||
    params.topK !== undefined ||
    params.presencePenalty !== undefined ||
    params.frequencyPenalty !== undefined ||
    params.stopSequences !== undefined ||
    params.seed !== undefined ||
    reasoning !== undefined ||
    stream ||
    outputType !== undefined
    ? params
    : undefined;
}

/** The output type from the call's `output` spec: plain text, or JSON for every structured mode. */
export function outputTypeOf(output: unknown): string | undefined {
  if (!isRecord(output) || typeof output.name !== "string") return undefined;
  return output.name === "text" ? "text" : "json";
}

/**
 * The model that answered an embedding call, from the provider's response body (`model`, as
 * OpenAI-compatible APIs return it). Embedding events have no response model field, and the AI SDK
 * withholds bodies from integrations when the call sets `recordOutputs: false`. `embedMany` may
 * have one response per provider request: the first that names a model wins.
 */
export function embeddingResponseModel(response: unknown): string | undefined {
  const responses = Array.isArray(response) ? response : [response];
  for (const r of responses) {
    const body = isRecord(r) ? r.body : undefined;
    if (isRecord(body) && typeof body.model === "string" && body.model.length > 0) return body.model;
  }
  return undefined;
}
