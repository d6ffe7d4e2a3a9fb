import { PROVIDER } from "./names.js";

// Framework provider ids (LangChain `ls_provider`, AI SDK `openai.chat`, Agents SDK...) to registry
// values. Keys are lower-case; lookups try the whole id, then shorter dot-separated prefixes, so
// `google.vertex.chat` finds `google.vertex` before `google`. A Map, not an object: the id is the
// framework's, and `__proto__` or `constructor` must not find Object.prototype's members.
const ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    openai: PROVIDER.openai,
    anthropic: PROVIDER.anthropic,
    azure: PROVIDER.azureAiOpenai,
    azure_openai: PROVIDER.azureAiOpenai,
    "azure-openai": PROVIDER.azureAiOpenai,
    azureopenai: PROVIDER.azureAiOpenai,
    "azure.ai.openai": PROVIDER.azureAiOpenai,
    azure_ai: PROVIDER.azureAiInference,
    "azure-ai-inference": PROVIDER.azureAiInference,
    "azure.ai.inference": PROVIDER.azureAiInference,
    "az.ai.inference": PROVIDER.azureAiInference,
    "az.ai.openai": PROVIDER.azureAiOpenai,
    google: PROVIDER.gcpGemini,
    gemini: PROVIDER.gcpGemini,
    google_genai: PROVIDER.gcpGemini,
    "google-genai": PROVIDER.gcpGemini,
    "google.generative-ai": PROVIDER.gcpGemini,
    "gcp.gemini": PROVIDER.gcpGemini,
    "google.vertex": PROVIDER.gcpVertexAi,
    "google-vertex": PROVIDER.gcpVertexAi,
    google_vertexai: PROVIDER.gcpVertexAi,
    vertexai: PROVIDER.gcpVertexAi,
    vertex_ai: PROVIDER.gcpVertexAi,
    "gcp.vertex_ai": PROVIDER.gcpVertexAi,
    "gcp.gen_ai": PROVIDER.gcpGenAi,
    bedrock: PROVIDER.awsBedrock,
    "amazon-bedrock": PROVIDER.awsBedrock,
    amazon_bedrock: PROVIDER.awsBedrock,
    "aws.bedrock": PROVIDER.awsBedrock,
    bedrock_converse: PROVIDER.awsBedrock,
    cohere: PROVIDER.cohere,
    deepseek: PROVIDER.deepseek,
    groq: PROVIDER.groq,
    mistral: PROVIDER.mistralAi,
    mistralai: PROVIDER.mistralAi,
    mistral_ai: PROVIDER.mistralAi,
    perplexity: PROVIDER.perplexity,
    xai: PROVIDER.xAi,
    x_ai: PROVIDER.xAi,
    "x-ai": PROVIDER.xAi,
    moonshot: PROVIDER.moonshotAi,
    moonshotai: PROVIDER.moonshotAi,
    moonshot_ai: PROVIDER.moonshotAi,
    watsonx: PROVIDER.ibmWatsonxAi,
    ibm: PROVIDER.ibmWatsonxAi,
    "ibm.watsonx.ai": PROVIDER.ibmWatsonxAi,
  }),
);

/**
 * The registry's `gen_ai.provider.name` for a framework's provider id. Unknown providers keep
 * their own id (the enum is open), lower-cased.
 */
export function providerName(raw: string): string {
  // Every operation's start and end asks, with the same few ids: remember the answers.
  const known = RESOLVED.get(raw);
  if (known !== undefined) return known;
  const resolved = resolve(raw);
  if (RESOLVED.size >= MAX_RESOLVED) RESOLVED.clear();
  RESOLVED.set(raw, resolved);
  return resolved;
}

const RESOLVED = new Map<string, string>();
// Provider ids are a handful per process; the bound only guards against ids built per request.
const MAX_RESOLVED = 256;

function resolve(raw: string): string {
  const id = raw.trim().toLowerCase();
  let candidate = id;
  for (;;) {
    const hit = ALIASES.get(candidate);
    if (hit) return hit;
    const dot = candidate.lastIndexOf(".");
    if (dot <= 0) break;
    candidate = candidate.slice(0, dot);
  }
  return id;
}
