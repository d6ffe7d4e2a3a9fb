import { capString, type JsonValue, TRUNCATION_MARKER } from "./safe-json.js";

export interface Serialized {
  json: string;
  truncated: boolean;
}

/** Which entries of a list at the top are kept when some must go. */
export type KeepEntries = "latest" | "first";

/** How a list at the top is cut: which entries stay, and how deep in an entry its payload starts. */
export interface ListCut {
  keep: KeepEntries;
  /**
   * The depth, counted from an entry (0), of its payload: lists from there down may be cut when
   * not even one entry fits. A message's payload is its parts' fields (message 0, its parts list 1,
   * a part 2, the part's fields 3).
   */
  payloadDepth: number;
}

/** Of a conversation the latest messages matter most, and a message's payload is below its parts. */
export const MESSAGE_LIST: ListCut = { keep: "latest", payloadDepth: 3 };
/** Documents come ranked, instructions and tool definitions in the order they were given. */
export const ENTRY_LIST: ListCut = { keep: "first", payloadDepth: 1 };

/**
 * Serialises a JSON-safe tree into at most `limit` characters of valid JSON. Long strings are cut
 * first (all to the same length, the longest that fits). If that is not enough, a list at the top
 * loses entries as `list` says (latest or first kept); when not even one fits, the one most worth
 * keeping stays, with the lists in its payload cut. An object (a tool's arguments or result) keeps
 * the first entries of every list inside it (all cut to the same length, with a marker saying how
 * many more), then, if need be, its first keys.
 */
export function serializeWithinLimit(tree: JsonValue, limit: number, list: ListCut = MESSAGE_LIST): Serialized {
  const whole = JSON.stringify(tree);
  if (whole.length <= limit) return { json: whole, truncated: false };

  const cutStrings = largestFitting(Math.min(limit, longestString(tree)), limit, (n) => capStrings(tree, n));
  if (cutStrings !== undefined) return { json: cutStrings, truncated: true };

  const small = capStrings(tree, 32);
  if (Array.isArray(small)) {
    const json = keepWithin(small, limit, list.keep);
    if (json !== "[]" || small.length === 0) return { json, truncated: true };
    // Not one entry fits whole: the one most worth keeping, with its payload cut.
    const entry = small[list.keep === "latest" ? small.length - 1 : 0] as JsonValue;
    const cut = fitEntries(entry, limit, list.payloadDepth, (t) => [t]);
    return { json: cut ?? "[]", truncated: true };
  }
  if (small !== null && typeof small === "object") {
    return { json: fitEntries(small, limit, 0, (t) => t) ?? "{}", truncated: true };
  }
  return { json: typeof tree === "string" ? JSON.stringify(capString(tree, Math.max(0, limit - 16))) : "{}", truncated: true };
}

/**
 * `tree` fitted by cutting entries from depth `from` down (rendered by `wrap`): its lists first,
 * all to the same length, the longest that fits; if none does, its lists and objects' keys alike.
 */
function fitEntries(tree: JsonValue, limit: number, from: number, wrap: (t: JsonValue) => JsonValue): string | undefined {
  const lists = largestFitting(mostEntries(tree, false), limit, (max) => wrap(capEntries(tree, { max, keys: false, from })));
  return lists ?? largestFitting(mostEntries(tree, true), limit, (max) => wrap(capEntries(tree, { max, keys: true, from })));
}

/** The JSON of `render(n)` for the largest n in 0..max whose JSON fits `limit` (binary search), if any. */
function largestFitting(max: number, limit: number, render: (n: number) => JsonValue): string | undefined {
  let lo = 0;
  let hi = max;
  let best: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = JSON.stringify(render(mid));
    if (candidate.length <= limit) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/**
 * The list with as many entries as fit, from its end (`latest`) or its start (`first`); at least one
 * is dropped (the whole list did not fit). Each entry is written once and the list's text is "[" +
 * entries joined by "," + "]", so how many fit follows from their lengths (one stringify per entry
 * dropped made this quadratic).
 */
function keepWithin(list: JsonValue[], limit: number, keep: KeepEntries): string {
  const texts = list.map((entry) => JSON.stringify(entry));
  const order = keep === "latest" ? [...texts].reverse() : texts;
  let length = 1;
  let kept = 0;
  while (kept < order.length - 1 && length + (order[kept] as string).length + 1 <= limit) {
    length += (order[kept] as string).length + 1;
    kept++;
  }
  if (kept === 0) return "[]";
  return `[${(keep === "latest" ? texts.slice(texts.length - kept) : texts.slice(0, kept)).join(",")}]`;
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

const MORE = new RegExp(`^${TRUNCATION_MARKER.replace(/[[\]]/g, "\\$&")} (\\d+) more$`);

/** What `capEntries` cuts: the lists only, or the objects' keys too. */
interface EntryCut {
  max: number;
  keys: boolean;
  /** Lists and objects above this depth keep every entry (a marker there would break the shape). */
  from: number;
}

/**
 * Every list inside (and every object, with `keys`), from depth `from` down, keeps its first `max`
 * entries and says how many more there were: a list in a last entry `…[truncated] N more`, an
 * object in a last key `…[truncated]`.
 */
function capEntries(tree: JsonValue, cut: EntryCut, depth = 0): JsonValue {
  if (tree === null || typeof tree !== "object") return tree;
  const inside = depth >= cut.from;
  if (Array.isArray(tree)) {
    if (!inside) return tree.map((v) => capEntries(v, cut, depth + 1));
    // A list the copy already cut ends in its marker: the count goes on from there.
    const last = tree.at(-1);
    const earlier = typeof last === "string" ? MORE.exec(last) : null;
    const entries = earlier ? tree.length - 1 : tree.length;
    const kept = tree.slice(0, Math.min(entries, cut.max)).map((v) => capEntries(v, cut, depth + 1));
    const more = entries - kept.length + (earlier ? Number(earlier[1]) : 0);
    if (more > 0) kept.push(`${TRUNCATION_MARKER} ${more} more`);
    return kept;
  }
  const keys = Object.keys(tree);
  const n = inside && cut.keys ? Math.min(keys.length, cut.max) : keys.length;
  const out: { [key: string]: JsonValue } = {};
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string;
    out[key] = capEntries(tree[key] as JsonValue, cut, depth + 1);
  }
  if (n < keys.length) out[TRUNCATION_MARKER] = `${keys.length - n} more`;
  return out;
}

/** The most entries of any list (and, with `keys`, of any object) inside. */
function mostEntries(tree: JsonValue, keys: boolean): number {
  if (tree === null || typeof tree !== "object") return 0;
  const values = Array.isArray(tree) ? tree : Object.values(tree);
  let max = Array.isArray(tree) || keys ? values.length : 0;
  for (const v of values) max = Math.max(max, mostEntries(v, keys));
  return max;
}
