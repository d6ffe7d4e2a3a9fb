import type { OperationFacts } from "./types.js";

type Mergeable = Record<string, unknown>;

const NESTED = new Set([
  "request",
  "usage",
  "agent",
  "tool",
  "server",
  "openai",
  "handoff",
  "guardrail",
  "framework",
  "attributes",
]);

/**
 * Merges later facts into earlier ones: scalars replace, the nested groups merge field by field,
 * `undefined` never erases. Content is skipped when capture is off so no framework object is held.
 */
export function mergeFacts(target: OperationFacts, source: OperationFacts, keepContent: boolean): void {
  const t = target as Mergeable;
  for (const key of Object.keys(source)) {
    const value = (source as Mergeable)[key];
    if (value === undefined) continue;
    if (key === "content") {
      if (keepContent && value && typeof value === "object") {
        target.content = { ...target.content, ...definedOnly(value as Mergeable) };
      }
      continue;
    }
    if (NESTED.has(key) && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const prev = t[key];
      t[key] =
        prev && typeof prev === "object"
          ? { ...(prev as Mergeable), ...definedOnly(value as Mergeable) }
          : { ...(value as Mergeable) };
      continue;
    }
    t[key] = value;
  }
}

function definedOnly(o: Mergeable): Mergeable {
  const out: Mergeable = {};
  for (const k of Object.keys(o)) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
