import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness, type ReadableSpan } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { textResult, toolCallResult } from "./fixtures.js";

const h = createHarness();
afterAll(() => h.shutdown());

const N = 1000;

describe("concurrency", () => {
  it(`${N} concurrent generateText tool loops on one event loop: every trace is exactly its own run's tree; no call stays open`, async () => {
    const integration = otelAgentsTelemetry({
      tracerProvider: h.tracerProvider,
      meterProvider: h.meterProvider,
      captureContent: true,
    });
    const echo = tool({
      description: "Echo",
      inputSchema: z.object({ i: z.number() }),
      // Yields to the event loop so that the runs interleave at every step.
      execute: async ({ i }) => {
        await new Promise((resolve) => setImmediate(resolve));
        return `echo ${i}`;
      },
    });
    const run = (i: number) =>
      generateText({
        model: new MockLanguageModelV4({
          modelId: "gpt-4o",
          doGenerate: [
            toolCallResult([{ id: `call_${i}`, name: "echo", input: { i } }], `resp_${i}_1`),
            textResult(`done ${i}`, `resp_${i}_2`),
          ],
        }),
        prompt: `task ${i}`,
        stopWhen: stepCountIs(3),
        tools: { echo },
        telemetry: { functionId: `agent-${i}`, integrations: [integration] },
      });
    const results = await Promise.all(Array.from({ length: N }, (_, i) => run(i)));
    expect(results.map((r) => r.text)).toEqual(Array.from({ length: N }, (_, i) => `done ${i}`));
    expect(integration.openCalls).toBe(0);

    const spans = h.spans();
    expect(spans).toHaveLength(4 * N);
    const byTrace = new Map<string, ReadableSpan[]>();
    for (const span of spans) {
      const id = span.spanContext().traceId;
      byTrace.set(id, [...(byTrace.get(id) ?? []), span]);
    }
    expect(byTrace.size).toBe(N);
    const seen = new Set<number>();
    for (const group of byTrace.values()) {
      const roots = spanTree(group);
      expect(roots).toHaveLength(1);
      const root = roots[0];
      const i = Number(root?.name.replace("invoke_agent agent-", ""));
      expect(Number.isInteger(i) && !seen.has(i)).toBe(true);
      seen.add(i);
      expect(shape(roots)).toEqual([
        {
          [`invoke_agent agent-${i} [INTERNAL]`]: [
            "chat gpt-4o [CLIENT]",
            "execute_tool echo [INTERNAL]",
            "chat gpt-4o [CLIENT]",
          ],
        },
      ]);
      const [first, toolSpan, second] = root?.children ?? [];
      expect(first?.attributes["gen_ai.response.id"]).toBe(`resp_${i}_1`);
      expect(second?.attributes["gen_ai.response.id"]).toBe(`resp_${i}_2`);
      // The tool span saw its own run's call: the call id, the arguments with the run index, the result.
      expect(toolSpan?.attributes).toMatchObject({
        "gen_ai.tool.call.id": `call_${i}`,
        "gen_ai.tool.call.arguments": JSON.stringify({ i }),
        "gen_ai.tool.call.result": JSON.stringify({ output: `echo ${i}` }),
        "gen_ai.agent.name": `agent-${i}`,
      });
      expect(JSON.parse(String(second?.attributes["gen_ai.output.messages"]))).toEqual([
        { role: "assistant", parts: [{ type: "text", content: `done ${i}` }] },
      ]);
    }
    expect(seen.size).toBe(N);
    assertConformance(spans);
  }, 60_000);
});
