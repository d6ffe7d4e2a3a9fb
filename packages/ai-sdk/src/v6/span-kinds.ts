/** What an `ai` 6 span name becomes (ai 6 names its spans by operation id). */
export type V6SpanKind = "agent" | "model" | "tool" | "embeddings" | "rerank" | "none";

const AGENT = new Set(["ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject"]);
const MODEL = new Set([
  "ai.generateText.doGenerate",
  "ai.streamText.doStream",
  "ai.generateObject.doGenerate",
  "ai.streamObject.doStream",
]);
const EMBEDDINGS = new Set(["ai.embed", "ai.embedMany"]);

/**
 * The operation an `ai` 6 span stands for. The per-request `doEmbed`/`doRerank` spans and anything
 * unknown become nothing: the operation span already covers them (as in the `ai` 7 integration).
 */
export function spanKindOf(name: string): V6SpanKind {
  if (AGENT.has(name)) return "agent";
  if (MODEL.has(name)) return "model";
  if (name === "ai.toolCall") return "tool";
  if (EMBEDDINGS.has(name)) return "embeddings";
  if (name === "ai.rerank") return "rerank";
  return "none";
}

export const isStreaming = (name: string): boolean =>
  name.endsWith("streamText") || name.endsWith(".doStream") || name.endsWith("streamObject");
export const isObjectGeneration = (name: string): boolean => name.includes("Object");
