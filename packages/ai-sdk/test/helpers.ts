import type { Attributes } from "@opentelemetry/api";
import { satisfies } from "@otel-agents/core/adapter";
import { CONTENT_KEYS } from "@otel-agents/testing/adversarial";
import { assertConformance, missingExpected } from "@otel-agents/testing/conformance";
import type { ReadableSpan } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
// The `ai` under test: this package's pin, or the oldest claimed 7.x in tests/ai-sdk-oldest.
import aiPackage from "ai/package.json" with { type: "json" };
import { expect } from "vitest";

/**
 * Whether the `ai` under test is `version` or newer. Only expectations where `ai` itself changed
 * read it (what it hands integrations), never what the adapter does with it.
 */
export const aiAtLeast = (version: string): boolean => satisfies(aiPackage.version, `>=${version}`);

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
