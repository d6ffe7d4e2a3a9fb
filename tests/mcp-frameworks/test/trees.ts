import { assertConformance } from "@otel-agents/testing/conformance";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";

type Attributes = TreeNode["attributes"];

import type { ReadableSpan } from "../sdk-line.ts";

// The frameworks' own run, span and trace ids are random: shown as placeholders so that whole trees
// from two runs (or two registration paths) compare equal.
const FRAMEWORK_IDS = new Set([
  "otel_agents.framework.run_id",
  "otel_agents.framework.parent_run_id",
  "otel_agents.framework.trace_id",
]);

/** The exported spans as whole trees, checked against the registry first; one trace expected. */
export function treeOf(spans: readonly ReadableSpan[]): TreeNode[] {
  assertConformance(spans as never);
  const traces = new Set(spans.map((s) => s.spanContext().traceId));
  if (traces.size > 1) throw new Error(`expected one trace, got ${traces.size}`);
  const scrub = (node: TreeNode): TreeNode => {
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(node.attributes)) attributes[key] = FRAMEWORK_IDS.has(key) ? "<id>" : value;
    return { ...node, attributes, children: node.children.map(scrub) };
  };
  return spanTree(spans as never).map(scrub);
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

/** The tree as `name [KIND]` only. */
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
