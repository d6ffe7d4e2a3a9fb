import { capString, type JsonValue, type KeepEntries, TRUNCATION_MARKER } from "./safe-json.js";

export interface Serialized {
  json: string;
  truncated: boolean;
}

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
 * keeping stays, with its payload cut. An object (a tool's arguments or result) keeps the first
 * entries of every list inside it (all cut to the same length, with a marker saying how many more),
 * then, if that is not enough, the first keys of every object inside it as well.
 */
export function serializeWithinLimit(tree: JsonValue, limit: number, list: ListCut = MESSAGE_LIST): Serialized {
  const whole = JSON.stringify(tree);
  if (whole.length <= limit) return { json: whole, truncated: false };

  const strings = stringSizes(tree);
  // Cutting every string down to its marker saves at most `cuttable` characters: when even that is
  // not enough, the search (a whole copy per step) is skipped.
  if (whole.length - strings.cuttable <= limit) {
    const cutStrings = largestFitting(Math.min(limit, strings.longest), limit, (n) => capStrings(tree, n));
    if (cutStrings !== undefined) return { json: cutStrings, truncated: true };
  }
  const small = strings.longest > 32 ? capStrings(tree, 32) : tree;
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
  const cut = (max: number, keys: boolean) => wrap(capEntries(tree, { max, keys, from }));
  const lists = largestFitting(mostEntries(tree, false), limit, (max) => cut(max, false), true);
  return lists ?? largestFitting(mostEntries(tree, true), limit, (max) => cut(max, true), true);
}

/**
 * The JSON of `render(n)` for the largest n in 0..max whose JSON fits `limit`, if any (it grows with
 * n). With `gallop`, n first doubles up from 0: when cutting entries, the answer is small next to
 * `max` and each try costs in proportion to n, so the tries past it, the costly ones, stay few.
 */
function largestFitting(max: number, limit: number, render: (n: number) => JsonValue, gallop = false): string | undefined {
  // Nothing to cut (no string, no list, no key): the tree as it is, which did not fit.
  if (max === 0) return undefined;
  let lo = 0;
  let hi = max;
  let best: string | undefined;
  for (let n = 0, step = 1; gallop && n <= hi; n += step, step *= 2) {
    const candidate = JSON.stringify(render(n));
    if (candidate.length > limit) {
      hi = n - 1;
      break;
    }
    best = candidate;
    lo = n + 1;
  }
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

/** The longest string inside, and how many characters of JSON cutting every string to nothing would save. */
function stringSizes(tree: JsonValue): { longest: number; cuttable: number } {
  const sizes = { longest: 0, cuttable: 0 };
  const visit = (node: JsonValue): void => {
    if (typeof node === "string") {
      sizes.longest = Math.max(sizes.longest, node.length);
      // A cut string keeps at least the marker; its JSON may be longer than its characters (escapes).
      if (node.length > TRUNCATION_MARKER.length) sizes.cuttable += JSON.stringify(node).length - 2 - TRUNCATION_MARKER.length;
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const v of Array.isArray(node) ? node : Object.values(node)) visit(v);
  };
  visit(tree);
  return sizes;
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
