import { APICallError, type LanguageModelV4GenerateResult, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { simulateReadableStream } from "ai/test";

// Offline model results in the shape `MockLanguageModelV4` replays (spec V4).

type Usage = LanguageModelV4GenerateResult["usage"];

export function usage(
  input: number,
  output: number,
  extra: { cacheRead?: number; cacheWrite?: number; reasoning?: number } = {},
): Usage {
  const cached = (extra.cacheRead ?? 0) + (extra.cacheWrite ?? 0);
  return {
    inputTokens: { total: input, noCache: input - cached, cacheRead: extra.cacheRead, cacheWrite: extra.cacheWrite },
    outputTokens: { total: output, text: output - (extra.reasoning ?? 0), reasoning: extra.reasoning },
  };
}

export function toolCallResult(
  calls: ReadonlyArray<{ id: string; name: string; input: unknown }>,
  responseId: string,
  tokens: Usage = usage(10, 5),
): LanguageModelV4GenerateResult {
  return {
    content: calls.map((c) => ({ type: "tool-call", toolCallId: c.id, toolName: c.name, input: JSON.stringify(c.input) })),
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage: tokens,
    warnings: [],
    response: { id: responseId, modelId: "mock-model-2025-01-01", timestamp: new Date(0) },
  };
}

export function textResult(text: string, responseId: string, tokens: Usage = usage(20, 3)): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: tokens,
    warnings: [],
    response: { id: responseId, modelId: "mock-model-2025-01-01", timestamp: new Date(0) },
  };
}

export function textStream(
  deltas: readonly string[],
  responseId: string,
  initialDelayInMs: number | null = null,
  chunkDelayInMs: number | null = null,
) {
  const chunks: LanguageModelV4StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: responseId, modelId: "mock-model-2025-01-01", timestamp: new Date(0) },
    { type: "text-start", id: "t1" },
    ...deltas.map((delta) => ({ type: "text-delta" as const, id: "t1", delta })),
    { type: "text-end", id: "t1" },
    { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(12, deltas.length) },
  ];
  return { stream: simulateReadableStream({ chunks, initialDelayInMs, chunkDelayInMs }) };
}

export function toolCallStream(id: string, name: string, input: unknown, responseId: string) {
  const chunks: LanguageModelV4StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: responseId, modelId: "mock-model-2025-01-01", timestamp: new Date(0) },
    { type: "tool-call", toolCallId: id, toolName: name, input: JSON.stringify(input) },
    { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(10, 5) },
  ];
  return { stream: simulateReadableStream({ chunks }) };
}

/**
 * A provider HTTP failure that `ai` retries (`isRetryable`), as providers throw it. Its
 * `retry-after-ms: 0` header makes `ai` retry at once instead of after its 2 s backoff.
 */
export function retryableError(statusCode: number, url = "https://api.example.com/v1/chat/completions"): APICallError {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url,
    requestBodyValues: {},
    statusCode,
    responseHeaders: { "retry-after-ms": "0" },
    isRetryable: true,
  });
}
