import type { Usage } from "../operation/types.js";

const COUNTS = ["inputTokens", "outputTokens", "cacheReadInputTokens", "cacheWriteInputTokens", "reasoningOutputTokens"] as const;

/**
 * Token usage arithmetic across model calls, for adapters whose framework reports usage summed
 * over several calls (or nested runs inside a call's usage). `sign` 1 adds each count `b` has to the
 * same count of `a` (a count `a` lacks starts at 0); `sign` -1 takes each count `b` has from `a`'s,
 * never below 0, and leaves out counts `a` lacks. Counts by modality are `a`'s as they are. Returns
 * a new object; never throws.
 */
export function addUsage(a: Usage | undefined, b: Usage | undefined, sign: 1 | -1 = 1): Usage {
  const out: Usage = { ...a };
  if (!b) return out;
  for (const k of COUNTS) {
    const n = b[k];
    if (n === undefined) continue;
    const v = a?.[k];
    if (sign > 0) out[k] = (v ?? 0) + n;
    else if (v !== undefined) out[k] = Math.max(0, v - n);
  }
  return out;
}
