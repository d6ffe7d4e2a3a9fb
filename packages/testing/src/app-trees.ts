// Whole trees of what an app's own NodeSDK exported (tests/nodesdk, tests/mcp-frameworks): one
// trace, checked against the registry, with the frameworks' random ids as placeholders so that
// trees from two runs (or two registration paths) compare equal.
import { assertConformance, type CheckedSpan } from "./conformance.js";
import { scrubbed, spanTree, type TreeNode } from "./span-tree.js";

export { find, n, names } from "./span-tree.js";

const FRAMEWORK_IDS = new Set([
  "otel_agents.framework.run_id",
  "otel_agents.framework.parent_run_id",
  "otel_agents.framework.trace_id",
]);

/**
 * The exported spans as whole trees, checked against the registry first; one trace expected.
 * Spans of either SDK line: their `attributes` are typed by the API 1.9 or 1.10 the suite runs.
 */
export function treeOf(exported: readonly object[]): TreeNode[] {
  const spans = exported as readonly CheckedSpan[];
  assertConformance(spans);
  const traces = new Set(spans.map((s) => s.spanContext().traceId));
  if (traces.size > 1) throw new Error(`expected one trace, got ${traces.size}`);
  return scrubbed(spanTree(spans), FRAMEWORK_IDS);
}
