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

/** A node for expectations: `n("chat", "CLIENT", {...}, [children])`. */
export function n(
  name: string,
  kind: TreeNode["kind"],
  attributes: Attributes,
  children: TreeNode[] = [],
  status: TreeNode["status"] = "UNSET",
): TreeNode {
  return { name, kind, status, attributes, children };
}

/** The tree as names only, nested. */
export function names(nodes: readonly TreeNode[]): unknown[] {
  return nodes.map((x) => (x.children.length ? { [x.name]: names(x.children) } : x.name));
}

/** The first node named `name`, searched depth-first. */
export function find(nodes: readonly TreeNode[], name: string): TreeNode | undefined {
  for (const node of nodes) {
    if (node.name === name) return node;
    const inner = find(node.children, name);
    if (inner) return inner;
  }
  return undefined;
}

/** The spans grouped by trace id, in the order their traces first appear. */
export function byTrace<S extends CheckedSpan>(spans: readonly S[]): Map<string, S[]> {
  const traces = new Map<string, S[]>();
  for (const span of spans) {
    const id = span.spanContext().traceId;
    const group = traces.get(id);
    if (group) group.push(span);
    else traces.set(id, [span]);
  }
  return traces;
}

/** `nodes` with the values of `keys` replaced by `placeholder` wherever they are set. */
export function scrubbed(nodes: readonly TreeNode[], keys: ReadonlySet<string>, placeholder = "<id>"): TreeNode[] {
  return nodes.map((node) => {
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(node.attributes)) attributes[key] = keys.has(key) ? placeholder : value;
    return { ...node, attributes, children: scrubbed(node.children, keys, placeholder) };
  });
}
