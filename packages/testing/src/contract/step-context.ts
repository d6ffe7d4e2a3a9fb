import { context, propagation, type Span, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { n, type TreeNode } from "../span-tree.js";
import type { AdapterDriver } from "./driver.js";

/** The parent span id an HTTP client instrumentation would send now (its traceparent). */
export function outgoingParentSpanId(): string | undefined {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers.traceparent?.split("-")[2];
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * User code in a tool body sees the tool's execute_tool span as the active span: its own spans
 * nest under it and the traceparent it sends names it; concurrent runs never see each other's.
 */
export function stepContextContract<A>(driver: AdapterDriver<A>): void {
  const h = driver.harness;
  const userTracer = () => h.tracerProvider.getTracer("user-code");
  const spanIdOf = (name: string) =>
    h
      .spans()
      .find((s) => s.name === name)
      ?.spanContext().spanId;

  describe("step context (adapter contract)", () => {
    it("a tool body runs under its execute_tool span: user spans and outgoing traceparents nest under it; outside, nothing changed", async () => {
      h.reset();
      const seen: Array<string | undefined> = [];
      const tool = async () => {
        seen.push(outgoingParentSpanId());
        await userTracer().startActiveSpan("db.query", async (span: Span) => {
          // Inside the user's own span, the user's span stays active.
          seen.push(outgoingParentSpanId());
          span.end();
        });
        return "echo 0";
      };
      const request = userTracer().startSpan("handle-request");
      await context.with(trace.setSpan(context.active(), request), async () => {
        expect(await driver.run(driver.create(), 0, { tool })).toBe("done 0");
        expect(trace.getActiveSpan()).toBe(request);
        expect(outgoingParentSpanId()).toBe(request.spanContext().spanId);
      });
      request.end();

      expect(seen).toEqual([spanIdOf(toolSpanName(driver.expected(0))), spanIdOf("db.query")]);
      expect(driver.leftovers?.() ?? 0).toBe(0);
      expect(await driver.trees(h.spans())).toStrictEqual([
        n("handle-request", "INTERNAL", {}, [driver.expected(0, { toolChildren: [n("db.query", "INTERNAL", {})] })]),
      ]);
    });

    it("10 concurrent runs: each tool body sees its own execute_tool span, never another run's", async () => {
      h.reset();
      const adapter = driver.create();
      const seen = new Map<number, string | undefined>();
      const runs = Array.from({ length: 10 }, (_, i) => i);
      await Promise.all(
        runs.map((i) =>
          driver.run(adapter, i, {
            tool: async () => {
              // Interleave the runs before and after looking at the context.
              await turn();
              seen.set(i, outgoingParentSpanId());
              await turn();
              userTracer().startSpan(`user ${i}`).end();
              return `echo ${i}`;
            },
          }),
        ),
      );
      expect(driver.openRuns(adapter)).toBe(0);
      const trees = await driver.trees(h.spans());
      const expected = runs.map((i) => driver.expected(i, { toolChildren: [n(`user ${i}`, "INTERNAL", {})] }));
      expect(sortByName(trees)).toStrictEqual(sortByName(expected));
      expect(new Set(h.spans().map((s) => s.spanContext().traceId)).size).toBe(10);
      await driver.checkMetrics?.();
      for (const i of runs) {
        const user = h.spans().find((s) => s.name === `user ${i}`);
        expect(user?.parentSpanContext?.spanId).toBeDefined();
        expect(seen.get(i)).toBe(user?.parentSpanContext?.spanId);
      }
    });
  });
}

/** The name of the execute_tool span in a tree. */
function toolSpanName(tree: TreeNode): string {
  const walk = (node: TreeNode): string | undefined =>
    node.name.startsWith("execute_tool ") ? node.name : node.children.map(walk).find((x) => x !== undefined);
  return walk(tree) ?? "";
}

const sortByName = (trees: readonly TreeNode[]) =>
  [...trees].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
