import { describe, expect, it } from "vitest";
import type { ReadableSpan } from "../harness.js";
import { byTrace } from "../span-tree.js";
import type { AdapterDriver } from "./driver.js";

/**
 * `runs` operations at once on one event loop, content captured: each trace is exactly its own
 * run's whole tree (the tool call, arguments, result and answer of that run and no other), and no
 * run stays open.
 */
export function concurrencyContract<A>(driver: AdapterDriver<A>, runs = 1000): void {
  describe("concurrency (adapter contract)", () => {
    it(`${runs} concurrent operations with a tool call on one event loop: every trace is exactly its own run's tree; nothing stays open`, async () => {
      driver.harness.reset();
      const adapter = driver.create({ captureContent: true });
      const indexes = Array.from({ length: runs }, (_, i) => i);
      const answers = await Promise.all(indexes.map((i) => driver.run(adapter, i)));
      expect(answers).toEqual(indexes.map((i) => `done ${i}`));
      expect(driver.openRuns(adapter)).toBe(0);
      expect(driver.leftovers?.() ?? 0).toBe(0);

      const spans = driver.harness.spans();
      const expected = new Map(indexes.map((i) => [i, driver.expected(i, { captureContent: true })]));
      const indexOf = new Map([...expected].map(([i, tree]) => [tree.name, i]));
      expect(indexOf.size).toBe(runs);
      const traces = byTrace(spans);
      expect(traces.size).toBe(runs);
      const seen = new Set<number>();
      for (const group of traces.values()) {
        const roots = await driver.trees(group);
        expect(roots).toHaveLength(1);
        const i = indexOf.get(roots[0]?.name ?? "");
        expect(i !== undefined && !seen.has(i)).toBe(true);
        seen.add(i as number);
        expect(roots[0]).toStrictEqual(expected.get(i as number));
        // However the runs interleaved, each span lies within its parent's time.
        for (const outside of outsideParent(group)) expect(outside).toBeUndefined();
      }
      expect(seen.size).toBe(runs);
      expect(spans).toHaveLength(countSpans([...expected.values()]));
      await driver.checkMetrics?.();
    }, 60_000);
  });
}

function countSpans(trees: readonly { children: readonly unknown[] }[]): number {
  return trees.reduce((sum, t) => sum + 1 + countSpans(t.children as { children: unknown[] }[]), 0);
}

const ns = (t: readonly [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** Per span with a parent in `spans`: undefined, or the span's name when it starts before or ends after that parent. */
function outsideParent(spans: readonly ReadableSpan[]): Array<string | undefined> {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  return spans.flatMap((span) => {
    const parent = byId.get(span.parentSpanContext?.spanId ?? "");
    if (!parent) return [];
    const within = ns(parent.startTime) <= ns(span.startTime) && ns(span.endTime) <= ns(parent.endTime);
    return [within ? undefined : `${span.name} under ${parent.name}`];
  });
}
