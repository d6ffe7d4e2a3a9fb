import { diag } from "@opentelemetry/api";
import type { Lazy } from "../operation/types.js";
import type { ContentPolicy } from "./policy.js";
import { capString, plainJson, toSafeJson } from "./safe-json.js";
import { maskSecrets } from "./secrets.js";
import { type ContentShape, filterShape } from "./shape.js";
import { ENTRY_LIST, type ListCut, MESSAGE_LIST, serializeWithinLimit } from "./truncate.js";

/** The JSON shape the attribute's schema wants: message/part/definition/document lists, tool payload objects, or text. */
export type ContentKind = ContentShape | "object" | "string";

export interface RecordedContent {
  value: string;
  truncated: boolean;
}

/**
 * Turns one piece of content into an attribute value under the policy: computes it if lazy, runs
 * the redact hook, strips secrets and anything unserialisable, and fits it into the size limit as
 * valid JSON (or a plain string for string attributes). Returns undefined when nothing is to be
 * recorded. Only called when capture is on.
 */
export function recordContent(
  policy: ContentPolicy,
  attribute: string,
  operation: string,
  lazy: Lazy<unknown>,
  kind: ContentKind,
): RecordedContent | undefined {
  let value: unknown;
  try {
    value = typeof lazy === "function" ? (lazy as () => unknown)() : lazy;
  } catch (err) {
    diag.debug(`otel-agents: could not compute ${attribute}`, err);
    return undefined;
  }
  if (value === undefined || value === null) return undefined;
  if (policy.redact) {
    try {
      value = policy.redact({ attribute, operation, value });
    } catch (err) {
      diag.warn(`otel-agents: redact hook threw for ${attribute}; the attribute is dropped`, err);
      return undefined;
    }
    if (value === undefined || value === null) return undefined;
  }
  if (kind === "string") {
    const text = typeof value === "string" ? value : safeString(value, policy.maxLength);
    const capped = capString(text, policy.maxLength);
    return { value: maskSecrets(capped), truncated: text.length > policy.maxLength };
  }
  if (kind === "object") {
    if (typeof value !== "object" || Array.isArray(value)) return undefined;
  } else {
    value = filterShape(value, kind);
    if (value === undefined) {
      diag.debug(`otel-agents: ${attribute} has no entry of the shape its schema wants; not recorded`);
      return undefined;
    }
  }
  // Each value takes at least two characters of JSON with its separator (`1,`, `[]`; most take
  // more), so a tree of more than maxLength / 2 values could not be recorded whole anyway: the node
  // budget only cuts what would be cut.
  const options = {
    maxStringLength: policy.maxLength,
    maxDepth: 32,
    maxEntries: policy.maxLength >> 1,
    maxNodes: policy.maxLength >> 1,
    keepAtTop: kind === "object" ? undefined : listCutOf(kind).keep,
  };
  // Content that is already safe and fits is written as it is; the rest is copied safe, then fitted.
  const plain = plainJson(value, options);
  if (plain !== undefined && plain.length <= policy.maxLength) return { value: plain, truncated: false };
  const report = { cut: false };
  const tree = toSafeJson(value, options, report);
  // A value whose reading threw (a throwing getter, a revoked proxy) comes back as a marker string:
  // not the object or list its schema wants.
  if (tree === undefined || tree === null || typeof tree !== "object" || Array.isArray(tree) === (kind === "object")) {
    return undefined;
  }
  const { json, truncated } = serializeWithinLimit(tree, policy.maxLength, listCutOf(kind));
  return { value: json, truncated: truncated || report.cut };
}

function listCutOf(kind: ContentKind): ListCut {
  return kind === "messages" ? MESSAGE_LIST : ENTRY_LIST;
}

function safeString(value: unknown, maxLength: number): string {
  try {
    const options = { maxStringLength: maxLength, maxDepth: 16, maxEntries: 1 << 15, maxNodes: maxLength >> 1 };
    return JSON.stringify(toSafeJson(value, options)) ?? "";
  } catch {
    return "";
  }
}
