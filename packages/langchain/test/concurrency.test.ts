import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { context, trace } from "@opentelemetry/api";
import { concurrencyContract } from "@otel-agents/testing/contract";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { driver } from "./driver.js";
import { h, makeHandler, tree } from "./helpers.js";

beforeEach(() => h.reset());

describe("concurrent runs", () => {
  it("keeps 10 concurrent agent runs apart: each tree under its own request span, with its own thread", async () => {
    const handler = makeHandler({ captureContent: true });
    const echo = tool(
      async ({ i }: { i: number }) => {
        // Interleave the runs.
        await new Promise((resolve) => setImmediate(resolve));
        return `echo ${i}`;
      },
      { name: "echo", description: "Echo", schema: z.object({ i: z.number() }) },
    );
    const tracer = h.tracerProvider.getTracer("app");
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const model = fakeModel()
          .respondWithTools([{ name: "echo", args: { i }, id: `call_${i}` }])
          .respond(new AIMessage(`done ${i}`));
        const agent = createAgent({ model, tools: [echo], name: "echo_agent" });
        const request = tracer.startSpan(`request ${i}`);
        return context.with(trace.setSpan(context.active(), request), async () => {
          const result = await agent.invoke(
            { messages: [{ role: "user", content: `run ${i}` }] },
            { callbacks: [handler], configurable: { thread_id: `thread-${i}` } },
          );
          expect(result.messages.at(-1)?.content).toBe(`done ${i}`);
          request.end();
        });
      }),
    );

    const roots = tree();
    expect(roots).toHaveLength(10);
    for (const root of roots) {
      const i = Number(root.name.replace("request ", ""));
      expect(root.children.map((c) => c.name)).toEqual(["invoke_agent echo_agent"]);
      const agent = root.children[0];
      expect(agent?.attributes["gen_ai.conversation.id"]).toBe(`thread-${i}`);
      expect(agent?.children.map((c) => c.name)).toEqual(["model_request", "tools", "model_request"]);
      const toolSpan = agent?.children[1]?.children[0];
      expect(toolSpan?.attributes["gen_ai.tool.call.id"]).toBe(`call_${i}`);
      expect(toolSpan?.attributes["gen_ai.tool.call.result"]).toBe(`{"output":"echo ${i}"}`);
      const lastChat = agent?.children[2]?.children[0];
      expect(lastChat?.attributes["gen_ai.conversation.id"]).toBe(`thread-${i}`);
      expect(JSON.parse(String(lastChat?.attributes["gen_ai.output.messages"]))).toEqual([
        { role: "assistant", parts: [{ type: "text", content: `done ${i}` }] },
      ]);
    }
    // Every span belongs to the trace of its request.
    const spans = h.spans();
    const traceOf = new Map(spans.filter((s) => s.name.startsWith("request ")).map((s) => [s.name, s.spanContext().traceId]));
    expect(new Set(traceOf.values()).size).toBe(10);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(10);
  });
});

concurrencyContract(driver);
