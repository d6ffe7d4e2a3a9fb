import type { Attributes } from "@opentelemetry/api";
import {
  asNumber,
  asString,
  type OutputMessage,
  type RequestParams,
  type ToolDefinition,
  type Usage,
} from "@otel-agents/core/adapter";
import { appPrompt, outputMessages, providerPrompt, type SplitPrompt, toolDefinitions } from "../map-messages.js";

// `ai` 6 span attributes (the `ai.*` namespace it records) to core facts. Only `ai.*` keys are read:
// `ai` 6 also writes older `gen_ai.*` names, which are not ours to trust.

function parse(v: unknown): unknown {
  if (typeof v !== "string") return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** `ai.settings.*`: the call settings. */
export function settingsOf(a: Attributes, stream: boolean, outputType: string | undefined): RequestParams {
  const stop = a["ai.settings.stopSequences"];
  return {
    maxTokens: asNumber(a["ai.settings.maxOutputTokens"]),
    temperature: asNumber(a["ai.settings.temperature"]),
    topP: asNumber(a["ai.settings.topP"]),
    topK: asNumber(a["ai.settings.topK"]),
    presencePenalty: asNumber(a["ai.settings.presencePenalty"]),
    frequencyPenalty: asNumber(a["ai.settings.frequencyPenalty"]),
    stopSequences: Array.isArray(stop) && stop.every((s) => typeof s === "string") ? (stop as string[]) : undefined,
    seed: asNumber(a["ai.settings.seed"]),
    stream: stream || undefined,
    outputType,
  };
}

/**
 * `ai.usage.*` of a model call. `inputTokens` already includes cached tokens, `outputTokens` reasoning.
 * The first 6.x releases name a generateText model call's counts `promptTokens` / `completionTokens`.
 */
export function usageOf(a: Attributes): Usage | undefined {
  const out: Usage = {
    inputTokens: asNumber(a["ai.usage.inputTokens"] ?? a["ai.usage.promptTokens"]),
    outputTokens: asNumber(a["ai.usage.outputTokens"] ?? a["ai.usage.completionTokens"]),
    cacheReadInputTokens: asNumber(a["ai.usage.inputTokenDetails.cacheReadTokens"] ?? a["ai.usage.cachedInputTokens"]),
    cacheWriteInputTokens: asNumber(a["ai.usage.inputTokenDetails.cacheWriteTokens"]),
    reasoningOutputTokens: asNumber(a["ai.usage.outputTokenDetails.reasoningTokens"] ?? a["ai.usage.reasoningTokens"]),
  };
  return Object.values(out).some((v) => v !== undefined) ? out : undefined;
}

export const finishReasonsOf = (a: Attributes): string[] | undefined => {
  const reason = asString(a["ai.response.finishReason"]);
  return reason ? [reason] : undefined;
};

export const responseIdOf = (a: Attributes) => asString(a["ai.response.id"]);
export const responseModelOf = (a: Attributes) => asString(a["ai.response.model"]);
export const providerOf = (a: Attributes) => asString(a["ai.model.provider"]);
export const modelIdOf = (a: Attributes) => asString(a["ai.model.id"]);
export const functionIdOf = (a: Attributes) => asString(a["ai.telemetry.functionId"]);
export const toolNameOf = (a: Attributes) => asString(a["ai.toolCall.name"]);
export const toolCallIdOf = (a: Attributes) => asString(a["ai.toolCall.id"]);
export const embeddingTokensOf = (a: Attributes) => asNumber(a["ai.usage.tokens"]);

/** `ai.prompt.messages` (the provider prompt as JSON): the system part and the rest. */
export function promptOf(a: Attributes): SplitPrompt {
  return providerPrompt(parse(a["ai.prompt.messages"]));
}

/** `ai.prompt` of the top-level call (`{ system, prompt, messages }` as JSON). */
export function callPromptOf(a: Attributes): SplitPrompt {
  const p = parse(a["ai.prompt"]) as { system?: unknown; prompt?: unknown; messages?: unknown } | undefined;
  if (!p || typeof p !== "object") return {};
  return appPrompt(p.system, p.prompt, p.messages);
}

/** `ai.prompt.tools`: one JSON string per tool offered to the model. */
export function toolsOf(a: Attributes): ToolDefinition[] | undefined {
  const tools = a["ai.prompt.tools"];
  if (!Array.isArray(tools)) return undefined;
  return toolDefinitions(tools.map(parse).filter((t) => t !== undefined));
}

/** `ai.response.text` / `.reasoning` / `.toolCalls` as the model's output message. */
export function responseOf(a: Attributes): OutputMessage[] | undefined {
  const content: unknown[] = [];
  const reasoning = asString(a["ai.response.reasoning"]);
  if (reasoning) content.push({ type: "reasoning", text: reasoning });
  const text = asString(a["ai.response.text"]);
  if (text) content.push({ type: "text", text });
  const calls = parse(a["ai.response.toolCalls"]);
  if (Array.isArray(calls)) {
    for (const c of calls) {
      // Provider-level tool calls hold their input as the JSON text the model produced.
      if (c && typeof c === "object") content.push({ ...c, type: "tool-call", input: parse(c.input) ?? c.input });
    }
  }
  return outputMessages(content);
}

export const toolArgumentsOf = (a: Attributes): unknown => parse(a["ai.toolCall.args"]);
export const toolResultOf = (a: Attributes): unknown => parse(a["ai.toolCall.result"]);

export const hasToolResult = (a: Attributes): boolean => typeof a["ai.toolCall.result"] === "string";

/** `ai.response.providerMetadata` (JSON; `ai` 6 records it only when the call records outputs). */
export const providerMetadataOf = (a: Attributes): unknown => parse(a["ai.response.providerMetadata"]);
