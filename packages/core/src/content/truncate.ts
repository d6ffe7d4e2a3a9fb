import { capString, type JsonValue } from "./safe-json.js";

export interface Serialized {
  json: string;
  truncated: boolean;
}

/**
 * Serialises a JSON-safe tree into at most `limit` characters of valid JSON. Long strings are cut
 * first (all to the same length, the longest that fits); if that is not enough, array entries are
 * dropped from the front (for message lists the latest messages matter most).
 */
export function serializeWithinLimit(tree: JsonValue, limit: number): Serialized {
  const whole = JSON.stringify(tree);
  if (whole.length <= limit) return { json: whole, truncated: false };

  let lo = 0;
  let hi = Math.min(limit, longestString(tree));
  let best: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = JSON.stringify(capStrings(tree, mid));
    if (candidate.length <= limit) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best !== undefined) return { json: best, truncated: true };

  if (Array.isArray(tree)) {
    const small = capStrings(tree, 32) as JsonValue[];
    // Each entry is written once; the list's text is "[" + entries joined by "," + "]", so the
    // fewest entries to drop follow from their lengths (one stringify per drop made this quadratic).
    const texts = small.map((entry) => JSON.stringify(entry));
    let length = 1;
    let keep = texts.length;
    while (keep > 0 && length + (texts[keep - 1] as string).length + 1 <= limit) {
      length += (texts[keep - 1] as string).length + 1;
      keep--;
    }
    // `keep` is now the first index kept; at least one entry is dropped (the whole list did not fit).
    const first = Math.max(1, keep);
    return { json: first < texts.length ? `[${texts.slice(first).join(",")}]` : "[]", truncated: true };
  }
  return { json: typeof tree === "string" ? JSON.stringify(capString(tree, Math.max(0, limit - 16))) : "{}", truncated: true };
}

function longestString(tree: JsonValue): number {
  if (typeof tree === "string") return tree.length;
  if (tree === null || typeof tree !== "object") return 0;
  let max = 0;
  for (const v of Array.isArray(tree) ? tree : Object.values(tree)) max = Math.max(max, longestString(v));
  return max;
}

function capStrings(tree: JsonValue, max: number): JsonValue {
  if (typeof tree === "string") return tree.length > max ? capString(tree, max) : tree;
  if (tree === null || typeof tree !== "object") return tree;
  if (Array.isArray(tree)) return tree.map((v) => capStrings(v, max));
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(tree)) out[k] = capStrings(v, max);
  return out;
}
