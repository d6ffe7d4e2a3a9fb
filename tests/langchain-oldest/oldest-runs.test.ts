import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { shape } from "@otel-agents/testing/span-tree";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { trackedRunCount } from "../../packages/langchain/src/step-context.js";
import { buildGraph } from "../../packages/langchain/test/graphs.js";
import { FW, h, makeHandler, tree } from "../../packages/langchain/test/helpers.js";
import { fakeModel } from "./fake-model-builder.js";

// The adapter's abort and LangGraph-internals tests (aborts and graph-internals.test.ts in
// packages/langchain) on the oldest versions, with the trees these versions give: langchain
// 1.0.1's createAgent is a workflow whose model node wraps the model in a RunnableSequence with a
// `prompt` step, and @langchain/core 1.0.0 passes handlers no tool call id. The contract suite's
// facets that packages/langchain runs on createAgent trees only: oldest-contract.test.ts.

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
