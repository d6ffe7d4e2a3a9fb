import type { Attributes } from "@opentelemetry/api";
import type { CheckedSpan } from "./conformance.js";

export interface TreeNode {
  name: string;
  kind: "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
  status: "UNSET" | "OK" | "ERROR";
  attributes: Attributes;
  children: TreeNode[];
}

const KINDS = ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"] as const;
const STATUS = ["UNSET", "OK", "ERROR"] as const;

/**
 * Exported spans as trees, for whole-tree assertions: one root per span whose parent was not
 * exported, children ordered by start time. `pick` narrows the attributes shown (default: all).
 */
export function spanTree(spans: readonly CheckedSpan[], pick?: (key: string) => boolean): TreeNode[] {
  const byParent = new Map<string | undefined, CheckedSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const span of spans) {
    const p = span.parentSpanContext?.spanId;
    const key = p && ids.has(p) ? p : undefined;
    const list = byParent.get(key) ?? [];
    list.push(span);
    byParent.set(key, list);
  }
  const startOf = (s: CheckedSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const build = (span: CheckedSpan): TreeNode => {
    const kids = (byParent.get(span.spanContext().spanId) ?? []).slice().sort((a, b) => startOf(a) - startOf(b));
    const attributes: Attributes = {};
    for (const [k, v] of Object.entries(span.attributes)) if (!pick || pick(k)) attributes[k] = v;
    return {
      name: span.name,
      kind: KINDS[span.kind] ?? "INTERNAL",
      status: STATUS[span.status.code] ?? "UNSET",
      attributes,
      children: kids.map(build),
    };
  };
  return (byParent.get(undefined) ?? [])
    .slice()
    .sort((a, b) => startOf(a) - startOf(b))
    .map(build);
}

/** The tree as names only (`name [KIND]`), nested: a compact shape assertion. */
export function shape(nodes: readonly TreeNode[]): unknown[] {
  return nodes.map((n) => (n.children.length ? { [`${n.name} [${n.kind}]`]: shape(n.children) } : `${n.name} [${n.kind}]`));
}
