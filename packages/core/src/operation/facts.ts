import type { OperationFacts } from "./types.js";
import { hasOwn } from "./values.js";

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

// The loops below are for-in with an own-key check (`hasOwn.call`, which V8 compiles to a cheap
// check there) rather than over Object.keys: the same keys in the same order, without an array per
// call (they run on every start, update and end).

/**
 * Merges later facts into earlier ones: scalars replace, the nested groups merge field by field,
 * `undefined` never erases. Content is skipped when capture is off so no framework object is held.
 */
export function mergeFacts(
  target: OperationFacts,
  source: OperationFacts,
  keepContent: boolean,
  skip?: ReadonlySet<string>,
): void {
  const t = target as Mergeable;
  for (const key in source) {
    if (!hasOwn.call(source, key) || skip?.has(key)) continue;
    // One unreadable fact (a throwing getter) costs only itself.
    try {
      mergeKey(t, key, (source as Mergeable)[key], keepContent);
    } catch {
      // skipped
    }
  }
}

/**
 * `mergeFacts` into two targets at once (an operation's facts and its facts still to write), reading
 * each source fact once. Returns the facts still to write: `pending`, or a new object the first time
 * a fact arrives (most operations end with nothing new, so none is made for them).
 */
export function mergeFactsInto(
  target: OperationFacts,
  pending: OperationFacts | undefined,
  source: OperationFacts,
  keepContent: boolean,
): OperationFacts | undefined {
  const t = target as Mergeable;
  let p = pending as Mergeable | undefined;
  for (const key in source) {
    if (!hasOwn.call(source, key)) continue;
    try {
      const value = (source as Mergeable)[key];
      // Content is dropped when capture is off: it leaves nothing to write.
      if (value === undefined || (key === "content" && !keepContent)) continue;
      mergeKey(t, key, value, keepContent);
      mergeKey((p ??= {}), key, value, keepContent);
    } catch {
      // skipped
    }
  }
  return p as OperationFacts | undefined;
}

/**
 * The facts of a new operation: `mergeFacts` of its start options into an empty target, without the
 * keys in `skip` (those that describe the start itself).
 */
export function startFacts(source: OperationFacts, keepContent: boolean, skip: ReadonlySet<string>): OperationFacts {
  const t: Mergeable = {};
  for (const key in source) {
    if (!hasOwn.call(source, key) || skip.has(key)) continue;
    try {
      const value = (source as Mergeable)[key];
      if (value === undefined) continue;
      if (key === "content") {
        if (keepContent && value && typeof value === "object") t.content = definedOnly(value as Mergeable);
      } else if (!NESTED.has(key)) {
        t[key] = value;
      } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        // A group (usage, agent, request...) that is not a plain object is garbage: ignore it.
        t[key] = value;
      }
    } catch {
      // One unreadable fact (a throwing getter) costs only itself.
    }
  }
  return t as OperationFacts;
}

function mergeKey(t: Mergeable, key: string, value: unknown, keepContent: boolean): void {
  if (value === undefined) return;
  if (key === "content") {
    if (keepContent && value && typeof value === "object") {
      t.content = { ...(t.content as Mergeable | undefined), ...definedOnly(value as Mergeable) };
    }
    return;
  }
  if (NESTED.has(key)) {
    // A group (usage, agent, request...) that is not a plain object is garbage: ignore it.
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    const prev = t[key];
    // The first value of a group is kept as given (never mutated: later merges build new objects);
    // readers skip undefined fields.
    t[key] = prev && typeof prev === "object" ? { ...(prev as Mergeable), ...definedOnly(value as Mergeable) } : value;
    return;
  }
  t[key] = value;
}

function definedOnly(o: Mergeable): Mergeable {
  const out: Mergeable = {};
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
