import type { Attributes } from "@opentelemetry/api";
import { assertConformance, missingExpected } from "@otel-agents/testing/conformance";
import type { ReadableSpan } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { expect } from "vitest";

const CONTENT_KEYS = new Set([
  "gen_ai.system_instructions",
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.tool.definitions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
]);

export interface Node {
  name: string;
  kind: TreeNode["kind"];
  status: TreeNode["status"];
  attributes: Record<string, unknown>;
  children: Node[];
}

/** The exported trees with content attributes parsed back from JSON, for readable whole-tree expectations. */
export function tree(spans: readonly ReadableSpan[]): Node[] {
  const convert = (n: TreeNode): Node => ({
    name: n.name,
    kind: n.kind,
    status: n.status,
    attributes: parseContent(n.attributes),
    children: n.children.map(convert),
  });
  return spanTree(spans).map(convert);
}

function parseContent(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) out[k] = CONTENT_KEYS.has(k) && typeof v === "string" ? JSON.parse(v) : v;
  return out;
}

/** The registry checks every test runs: known keys and types, span names and kinds, content schemas, expected attributes. */
export function conforms(spans: readonly ReadableSpan[]): void {
  assertConformance(spans);
  for (const span of spans) expect(missingExpected(span), span.name).toEqual([]);
}

export function contentKeysOf(spans: readonly ReadableSpan[]): string[] {
  return [...new Set(spans.flatMap((s) => Object.keys(s.attributes).filter((k) => CONTENT_KEYS.has(k))))].sort();
}
