import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { ReadableSpan } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { trackedRunCount } from "../../packages/langchain/src/step-context.js";
import { buildGraph } from "../../packages/langchain/test/graphs.js";
import { FW, h, makeHandler, tree } from "../../packages/langchain/test/helpers.js";
import { fakeModel } from "./fake-model-builder.js";

// The adapter's abort, concurrency and LangGraph-internals tests (aborts, concurrency and
// graph-internals.test.ts in packages/langchain) on the oldest versions, with the trees these
// versions give: langchain 1.0.1's createAgent is a workflow whose model node wraps the model in a
// RunnableSequence with a `prompt` step, and @langchain/core 1.0.0 passes handlers no tool call id.

beforeEach(() => h.reset());

/** The handler as langchain 1.0.1's typings take it (they come from core 1.0.0, the handler's from the adapter's core). */
const asCallbacks = (handler: ReturnType<typeof makeHandler>) => [handler as unknown as BaseCallbackHandler];
const MODEL_NODE = { "model_request [INTERNAL]": [{ "RunnableSequence [INTERNAL]": ["prompt [INTERNAL]", "chat [CLIENT]"] }] };

describe("aborted runs on langchain 1.0.1", () => {
  it("a createAgent run aborted with an AbortSignal while its tool runs: every span ends as ERROR with error.type, nothing stays open", async () => {
    const handler = makeHandler();
    const controller = new AbortController();
    let release: () => void = () => {};
    const slow = tool(
      async () => {
        controller.abort();
        // The tool outlives the abort; its late result must not reopen anything.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return "late";
      },
      { name: "slow", description: "Waits", schema: z.object({}) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "slow", args: {}, id: "call_slow" }])
      .respond(new AIMessage("never"));
    const agent = createAgent({ model, tools: [slow], name: "aborted_agent" });
    const options = { callbacks: asCallbacks(handler), signal: controller.signal } as Parameters<typeof agent.invoke>[1];
    const error = await agent.invoke({ messages: [{ role: "user", content: "go" }] }, options).catch((err: unknown) => err);
    expect((error as Error).name).toBe("AbortError");
    release();
    await new Promise((resolve) => setImmediate(resolve));

    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);
    const roots = tree();
    expect(shape(roots)).toEqual([
      {
        "invoke_workflow aborted_agent [INTERNAL]": [MODEL_NODE, { "tools [INTERNAL]": ["execute_tool slow [INTERNAL]"] }],
      },
    ]);
    const root = roots[0];
    const tools = root?.children[1];
    const toolSpan = tools?.children[0];
    for (const span of [root, tools, toolSpan]) {
      expect(span?.status).toBe("ERROR");
      expect(span?.attributes["error.type"]).toBe("AbortError");
    }
  });
});

describe("concurrent runs on langchain 1.0.1", () => {
  it("keeps 1,000 concurrent createAgent runs apart on one event loop: every trace is exactly its own run's tree; no run stays open", async () => {
    const N = 1000;
    const handler = makeHandler({ captureContent: true });
    const echo = tool(
      async ({ i }: { i: number }) => {
        await new Promise((resolve) => setImmediate(resolve));
        return `echo ${i}`;
      },
      { name: "echo", description: "Echo", schema: z.object({ i: z.number() }) },
    );
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const model = fakeModel()
          .respondWithTools([{ name: "echo", args: { i }, id: `call_${i}` }])
          .respond(new AIMessage(`done ${i}`));
        const agent = createAgent({ model, tools: [echo], name: `agent_${i}` });
        // langchain 1.0.1 marks no agent: the call's metadata does (README "Older versions").
        const options = { callbacks: asCallbacks(handler), metadata: { lc_agent_name: `agent_${i}` } } as Parameters<
          typeof agent.invoke
        >[1];
        return agent.invoke({ messages: [{ role: "user", content: `run ${i}` }] }, options);
      }),
    );
    expect(results.map((r) => r.messages.at(-1)?.content)).toEqual(Array.from({ length: N }, (_, i) => `done ${i}`));
    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);

    const byTrace = new Map<string, ReadableSpan[]>();
    for (const span of h.spans()) {
      const id = span.spanContext().traceId;
      byTrace.set(id, [...(byTrace.get(id) ?? []), span]);
    }
    expect(byTrace.size).toBe(N);
    const seen = new Set<number>();
    for (const group of byTrace.values()) {
      const roots = spanTree(group);
      expect(roots).toHaveLength(1);
      const i = Number(roots[0]?.name.replace("invoke_agent agent_", ""));
      expect(Number.isInteger(i) && !seen.has(i)).toBe(true);
      seen.add(i);
      expect(shape(roots)).toEqual([
        {
          [`invoke_agent agent_${i} [INTERNAL]`]: [
            MODEL_NODE,
            { "tools [INTERNAL]": ["execute_tool echo [INTERNAL]"] },
            MODEL_NODE,
          ],
        },
      ]);
      // The tool span saw its own run's call: the arguments with the run index, the result.
      const toolSpan = roots[0]?.children[1]?.children[0];
      expect(toolSpan?.attributes).toMatchObject({
        "gen_ai.tool.call.arguments": JSON.stringify({ i }),
        "gen_ai.tool.call.result": JSON.stringify({ output: `echo ${i}` }),
        "gen_ai.agent.name": `agent_${i}`,
      });
      expect(toolSpan?.attributes["gen_ai.tool.call.id"]).toBeUndefined();
      const lastChat = roots[0]?.children[2]?.children[0]?.children[1];
      expect(JSON.parse(String(lastChat?.attributes["gen_ai.output.messages"]))).toEqual([
        { role: "assistant", parts: [{ type: "text", content: `done ${i}` }] },
      ]);
    }
    expect(seen.size).toBe(N);
    tree();
  }, 60_000);
});

describe("LangGraph 1.0.0 internals", () => {
  it("keeps hidden runs and routers as steps when asked: 1.0.0 also runs ChannelWrite<...> steps and names routers Branch<...>", async () => {
    await buildGraph().invoke({ n: 2 }, { callbacks: [makeHandler({ keepHiddenRuns: true })], configurable: { thread_id: "t" } });
    expect(shape(tree())).toEqual([
      {
        "invoke_workflow editorial [INTERNAL]": [
          { "__start__ [INTERNAL]": ["ChannelWrite<...> [INTERNAL]", "ChannelWrite<branch:to:draft> [INTERNAL]"] },
          {
            "draft [INTERNAL]": ["chat [CLIENT]", "ChannelWrite<...> [INTERNAL]", "ChannelWrite<branch:to:review> [INTERNAL]"],
          },
          { "review [INTERNAL]": ["ChannelWrite<...> [INTERNAL]", "Branch<review,draft,publish> [INTERNAL]"] },
          { "publish [INTERNAL]": ["ChannelWrite<...> [INTERNAL]"] },
        ],
      },
    ]);
  });

  it("reports a router that does real work (here: calls a tool) instead of folding it", async () => {
    const classify = tool(async () => "publish", { name: "classify", description: "Pick the next node", schema: z.object({}) });
    // Built on this suite's LangGraph (graphs.ts's State is typed by the adapter's newer one).
    const State = Annotation.Root({ n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) });
    const graph = new StateGraph(State)
      .addNode("draft", (s) => ({ n: s.n + 1 }))
      .addNode("publish", (s) => ({ n: s.n * 10 }))
      .addEdge(START, "draft")
      .addConditionalEdges("draft", async () => (await classify.invoke({})) as "publish", ["publish"])
      .addEdge("publish", END)
      .compile({ name: "routed" });
    await graph.invoke({ n: 0 }, { callbacks: asCallbacks(makeHandler()) });
    expect(shape(tree())).toEqual([
      {
        "invoke_workflow routed [INTERNAL]": [
          { "draft [INTERNAL]": [{ "Branch<draft,publish> [INTERNAL]": ["execute_tool classify [INTERNAL]"] }] },
          "publish [INTERNAL]",
        ],
      },
    ]);
    const router = tree()[0]?.children[0]?.children[0];
    expect(router?.attributes).toEqual({ "otel_agents.step.type": "router", ...FW });
  });
});
