import { isRecord, type OpenAIFacts } from "@otel-agents/core/adapter";

// `@ai-sdk/openai` model provider ids: the API each model class calls.
const API_TYPES: ReadonlyMap<string, string> = new Map([
  ["openai.chat", "chat_completions"],
  ["openai.responses", "responses"],
]);

/** The service tier the call asked for (`providerOptions.openai.serviceTier`); the core leaves out `auto`. */
export function requestedServiceTier(providerOptions: unknown): string | undefined {
  const options = isRecord(providerOptions) && isRecord(providerOptions.openai) ? providerOptions.openai : {};
  const tier = options.serviceTier;
  return typeof tier === "string" && tier.length > 0 ? tier : undefined;
}

/**
 * The OpenAI refinement's request facts (`openai.api.type`, `openai.request.service_tier`) for
 * `@ai-sdk/openai` models; undefined for every other provider.
 */
export function openaiRequestFacts(provider: unknown, serviceTier: string | undefined): OpenAIFacts | undefined {
  if (typeof provider !== "string" || !provider.startsWith("openai.")) return undefined;
  const apiType = API_TYPES.get(provider);
  return apiType || serviceTier ? { apiType, requestServiceTier: serviceTier } : undefined;
}

/**
 * `openai.response.service_tier` from the model call's provider metadata. `@ai-sdk/openai`
 * reports it for the Responses API only (4.0.118); its chat model reports neither the tier nor
 * the system fingerprint.
 */
export function openaiResponseFacts(provider: unknown, providerMetadata: unknown): OpenAIFacts | undefined {
  if (typeof provider !== "string" || !provider.startsWith("openai.")) return undefined;
  const meta = isRecord(providerMetadata) && isRecord(providerMetadata.openai) ? providerMetadata.openai : {};
  const tier = typeof meta.serviceTier === "string" && meta.serviceTier.length > 0 ? meta.serviceTier : undefined;
  const fingerprint = typeof meta.systemFingerprint === "string" ? meta.systemFingerprint : undefined;
  return tier || fingerprint ? { responseServiceTier: tier, systemFingerprint: fingerprint } : undefined;
}
