import { Agent, run, tool } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import type { ReadableSpan } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { usage } from "./fixtures.js";
import { checkedTrees, h, install, withoutIds } from "./setup.js";

beforeEach(() => h.reset());

const N = 1000;

describe("concurrency", () => {
  it(`${N} concurrent runs with a function tool on one event loop: every trace is exactly its own run's tree; nothing stays open`, async () => {
    const processor = install({ captureContent: true });
    const echo = tool({
      name: "echo",
      description: "Echo",
      parameters: z.object({ i: z.number() }),
      // Yields to the event loop so that the runs interleave at every step.
      execute: async ({ i }) => {
        await new Promise((resolve) => setImmediate(resolve));
        return `echo ${i}`;
      },
    });
    const agent = (i: number) =>
      new Agent({
        name: `Agent${i}`,
        model: new ScriptedModel([
          { usage: usage(1000 + i, 1), output: [functionCall("echo", { i }, { callId: `call_${i}` })] },
          { usage: usage(2000 + i, 2), output: [assistantMessage(`done ${i}`)] },
        ]),
        tools: [echo],
      });
    const results = await Promise.all(Array.from({ length: N }, (_, i) => run(agent(i), `go ${i}`)));
    expect(results.map((r) => r.finalOutput)).toEqual(Array.from({ length: N }, (_, i) => `done ${i}`));
    expect(processor.openRuns).toBe(0);

    const spans = h.spans();
    // Agent, two model calls, the tool: a standalone run has no workflow span.
    expect(spans).toHaveLength(4 * N);
    const byTrace = new Map<string, ReadableSpan[]>();
    for (const span of spans) {
      const id = span.spanContext().traceId;
      byTrace.set(id, [...(byTrace.get(id) ?? []), span]);
    }
    expect(byTrace.size).toBe(N);
    const seen = new Set<number>();
    for (const group of byTrace.values()) {
      const roots = spanTree(group, withoutIds);
      expect(roots).toHaveLength(1);
      const agentSpan = roots[0];
      const i = Number(String(agentSpan?.attributes["gen_ai.agent.name"]).replace("Agent", ""));
      expect(Number.isInteger(i) && !seen.has(i)).toBe(true);
      seen.add(i);
      expect(shape(roots)).toEqual([
        { [`invoke_agent Agent${i} [INTERNAL]`]: ["chat [CLIENT]", "execute_tool echo [INTERNAL]", "chat [CLIENT]"] },
      ]);
      const [first, toolSpan, second] = agentSpan?.children ?? [];
      // Each model call has its own run's usage; the tool span saw its own run's arguments and result.
      expect(first?.attributes["gen_ai.usage.input_tokens"]).toBe(1000 + i);
      expect(second?.attributes["gen_ai.usage.input_tokens"]).toBe(2000 + i);
      expect(toolSpan?.attributes).toMatchObject({
        "gen_ai.agent.name": `Agent${i}`,
        "gen_ai.tool.call.arguments": JSON.stringify({ i }),
        "gen_ai.tool.call.result": JSON.stringify({ output: `echo ${i}` }),
      });
      expect(agentSpan?.attributes["gen_ai.usage.input_tokens"]).toBe(3000 + 2 * i);
    }
    expect(seen.size).toBe(N);
    await checkedTrees();
  }, 60_000);
});
