import { isSecretKey, maskSecrets, REDACTED, SECRET_PREFIXES } from "./secrets.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Which entries of a list at the top are kept when some must go. */
export type KeepEntries = "latest" | "first";

export interface SafeJsonOptions {
  /** Strings longer than this are cut (with a marker) while copying. */
  maxStringLength: number;
  maxDepth: number;
  /** Arrays and objects longer than this keep only the first entries. */
  maxEntries: number;
  /**
   * Values visited in all (each object, list, string, number...); past it, a value becomes a marker
   * and the lists and objects still open stop. The depth and entry caps alone let a value whose
   * parts are shared (each path is walked again) cost exponential time. Default: no limit.
   */
  maxNodes?: number;
  /**
   * A top-level list cut (by `maxEntries` or the node budget) keeps its `latest` entries or its
   * `first`, with no marker entry (it would be an entry of the wrong shape). Unset: like any list,
   * its first entries and a marker.
   */
  keepAtTop?: KeepEntries;
}

export const TRUNCATION_MARKER = "…[truncated]";

/**
 * Copies any value into a JSON-safe tree: no cycles, no BigInt, no functions, no throwing getters,
 * no lone surrogates, credentials masked, sizes capped. Never throws.
 */
export function toSafeJson(value: unknown, options: SafeJsonOptions, report?: { cut: boolean }): JsonValue | undefined {
  const walk: Walk = { path: new Set(), left: options.maxNodes ?? Number.POSITIVE_INFINITY, cut: false };
  const tree = copy(value, options, walk, 0);
  if (report) report.cut = walk.cut;
  return tree;
}

/**
 * One copy's walk: the objects on the path from the root (cycles), the values it may still visit,
 * and whether it left anything out or cut it short (a long string, a deep or long value, the budget).
 */
interface Walk {
  readonly path: Set<object>;
  left: number;
  cut: boolean;
}

/**
 * The JSON text of `value` when it is already what `toSafeJson` would copy it into (plain objects
 * and arrays within the limits, finite numbers, well-formed strings with no credential), else
 * undefined. Most content is: then the native serialiser writes it, with no copy made first.
 */
export function plainJson(value: unknown, options: SafeJsonOptions): string | undefined {
  try {
    const walk = { left: options.maxNodes ?? Number.POSITIVE_INFINITY };
    if (!isPlain(value, options, 0, walk)) return undefined;
    const text = JSON.stringify(value);
    // Strings are checked once, in the text: a credential would show as itself, and a lone
    // surrogate as its escape (JSON.stringify writes them as \udXXX). Either: let the copy repair it.
    return NEEDS_COPY.test(text) ? undefined : text;
  } catch {
    // A getter or proxy that throws: the copy handles it.
    return undefined;
  }
}

const NEEDS_COPY = new RegExp(`${SECRET_PREFIXES}|\\\\ud[89a-f]`);

// No cycle check: a cycle runs into the depth limit, and the copy handles it. Past the node budget
// the copy decides too.
function isPlain(value: unknown, o: SafeJsonOptions, depth: number, walk: { left: number }): boolean {
  if (--walk.left < 0) return false;
  switch (typeof value) {
    case "string":
      return value.length <= o.maxStringLength;
    case "number":
      return Number.isFinite(value);
    case "boolean":
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= o.maxDepth) return false;
  if (Array.isArray(value)) {
    if (value.length > o.maxEntries || Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // JSON writes null for these in an array, as the copy does.
      if (item === undefined || !isPlain(item, o, depth + 1, walk)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if ("toJSON" in value) return false;
  // for-in rather than Object.keys: no array per object, and V8 reads each value through the
  // object's enum cache. It also visits inherited enumerable keys (none on a plain object unless
  // Object.prototype was extended): those are only checked too, never written.
  let count = 0;
  for (const key in value) {
    if (++count > o.maxEntries || key.length > 256 || key === "__proto__" || isSecretKey(key)) return false;
    const v = (value as Record<string, unknown>)[key];
    // Left out by JSON and by the copy alike.
    if (v === undefined) continue;
    if (!isPlain(v, o, depth + 1, walk)) return false;
  }
  return true;
}

export function capString(text: string, max: number): string {
  let out = text;
  if (out.length > max) {
    let cut = Math.max(0, max);
    // Never split a surrogate pair.
    const code = out.charCodeAt(cut - 1);
    if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out = out.slice(0, cut) + TRUNCATION_MARKER;
  }
  return wellFormed(out);
}

function wellFormed(text: string): string {
  const s = text as string & { toWellFormed?: () => string; isWellFormed?: () => boolean };
  if (typeof s.isWellFormed === "function" && typeof s.toWellFormed === "function") {
    return s.isWellFormed() ? text : s.toWellFormed();
  }
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function copy(value: unknown, o: SafeJsonOptions, walk: Walk, depth: number): JsonValue | undefined {
  const type = typeof value;
  // Left out of the JSON, so they take nothing of the budget either.
  if (type === "undefined" || type === "function" || type === "symbol") return undefined;
  if (--walk.left < 0) {
    walk.cut = true;
    return TRUNCATION_MARKER;
  }
  switch (typeof value) {
    case "string":
      if (value.length > o.maxStringLength) walk.cut = true;
      return maskSecrets(capString(value, o.maxStringLength));
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
  }
  if (value === null) return null;
  const obj = value as object;
  const path = walk.path;
  if (path.has(obj)) return "[Circular]";
  if (depth >= o.maxDepth) {
    walk.cut = true;
    return "[MaxDepth]";
  }
  try {
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return `[binary ${(obj as ArrayBuffer).byteLength} bytes]`;
    path.add(obj);
    try {
      if (Array.isArray(obj))
        return depth === 0 && o.keepAtTop ? copyTop(obj, o, walk, o.keepAtTop) : copyArray(obj, o, walk, depth);
      if (obj instanceof Map) return copyEntries(obj.entries(), o, walk, depth);
      if (obj instanceof Set) return copyArray(Array.from(obj), o, walk, depth);
      if (obj instanceof Error) {
        return {
          name: capString(String(obj.name), o.maxStringLength),
          message: maskSecrets(capString(String(obj.message), o.maxStringLength)),
        };
      }
      const toJSON = (obj as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return copy(toJSON.call(obj), o, walk, depth + 1);
      return copyObject(obj, o, walk, depth);
    } finally {
      path.delete(obj);
    }
  } catch {
    return "[unreadable]";
  }
}

function copyArray(items: readonly unknown[], o: SafeJsonOptions, walk: Walk, depth: number): JsonValue[] {
  const n = Math.min(items.length, o.maxEntries);
  const out: JsonValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (walk.left < 0) {
      walk.cut = true;
      out.length = i;
      out.push(`${TRUNCATION_MARKER} ${items.length - i} more`);
      return out;
    }
    out[i] = copy(itemAt(items, i), o, walk, depth + 1) ?? null;
  }
  if (items.length > n) {
    walk.cut = true;
    out.push(`${TRUNCATION_MARKER} ${items.length - n} more`);
  }
  return out;
}

// A list may be a proxy or have a throwing getter at an index.
function itemAt(items: readonly unknown[], i: number): unknown {
  try {
    return items[i];
  } catch {
    return "[unreadable]";
  }
}

function copyTop(items: readonly unknown[], o: SafeJsonOptions, walk: Walk, keep: KeepEntries): JsonValue[] {
  const n = Math.min(items.length, o.maxEntries);
  const latest = keep === "latest";
  const out: JsonValue[] = [];
  for (let k = 0; k < n; k++) {
    const copied = copy(itemAt(items, latest ? items.length - 1 - k : k), o, walk, 1);
    // The entry the budget ran out in is incomplete: it goes with the rest, unless it is the only
    // one (its payload then ends in markers, and the fitting may cut it further).
    if (walk.left < 0) {
      if (out.length === 0) out.push(copied ?? null);
      break;
    }
    out.push(copied ?? null);
  }
  if (out.length < items.length) walk.cut = true;
  return latest ? out.reverse() : out;
}

// Plain objects are most of what is copied (every message and part): their own keys in a plain
// loop, not through an iterator of entries.
function copyObject(obj: object, o: SafeJsonOptions, walk: Walk, depth: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  const keys = Object.keys(obj);
  const n = Math.min(keys.length, o.maxEntries);
  if (keys.length > n) walk.cut = true;
  for (let i = 0; i < n && walk.left >= 0; i++) {
    const key = keys[i] as string;
    let v: unknown;
    try {
      v = (obj as Record<string, unknown>)[key];
    } catch {
      v = "[unreadable]";
    }
    putEntry(out, key, v, o, walk, depth);
  }
  return out;
}

function copyEntries(
  entries: Iterable<[unknown, unknown]>,
  o: SafeJsonOptions,
  walk: Walk,
  depth: number,
): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  let count = 0;
  for (const [rawKey, v] of entries) {
    if (walk.left < 0) break;
    if (count++ >= o.maxEntries) {
      walk.cut = true;
      break;
    }
    putEntry(out, String(rawKey), v, o, walk, depth);
  }
  return out;
}

function putEntry(
  out: { [key: string]: JsonValue },
  rawKey: string,
  v: unknown,
  o: SafeJsonOptions,
  walk: Walk,
  depth: number,
): void {
  const key = rawKey.length > 256 ? capString(rawKey, 256) : wellFormed(rawKey);
  // Assigning "__proto__" would replace the copy's prototype instead of adding a key.
  if (key === "__proto__") return;
  if (isSecretKey(key)) {
    if (v !== undefined && v !== null) out[key] = REDACTED;
    return;
  }
  const copied = copy(v, o, walk, depth + 1);
  if (copied !== undefined) out[key] = copied;
}
