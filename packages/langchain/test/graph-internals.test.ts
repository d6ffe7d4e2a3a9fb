import { tool } from "@langchain/core/tools";
import { END, START, StateGraph } from "@langchain/langgraph";
import { shape } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildGraph, State } from "./graphs.js";
import { FW, h, makeHandler, tree } from "./helpers.js";

// What these assert depends on runs and metadata propagation of LangGraph 1.x minors (1.0.0 adds
// ChannelWrite runs, names routers Branch<...> and does not pass withConfig metadata to the root run):
// they run on the current line only, not in the oldest-versions suite.

beforeEach(() => h.reset());

describe("LangGraph internals", () => {
  it("keeps hidden runs and routers as steps when asked", async () => {
    await buildGraph().invoke({ n: 2 }, { callbacks: [makeHandler({ keepHiddenRuns: true })], configurable: { thread_id: "t" } });
    expect(shape(tree())).toEqual([
      {
        "invoke_workflow editorial [INTERNAL]": [
          "__start__ [INTERNAL]",
          { "draft [INTERNAL]": ["chat [CLIENT]"] },
          { "review [INTERNAL]": ["RunnableLambda [INTERNAL]"] },
          "publish [INTERNAL]",
        ],
      },
    ]);
  });

  it("reports a router that does real work (here: calls a tool) instead of folding it", async () => {
    const classify = tool(async () => "publish", { name: "classify", description: "Pick the next node", schema: z.object({}) });
    const graph = new StateGraph(State)
      .addNode("draft", (s) => ({ n: s.n + 1 }))
      .addNode("publish", (s) => ({ n: s.n * 10 }))
      .addEdge(START, "draft")
      .addConditionalEdges("draft", async () => (await classify.invoke({})) as "publish", ["publish"])
      .addEdge("publish", END)
      .compile({ name: "routed" });
    await graph.invoke({ n: 0 }, { callbacks: [makeHandler()] });
    expect(shape(tree())).toEqual([
      {
        "invoke_workflow routed [INTERNAL]": [
          { "draft [INTERNAL]": [{ "RunnableLambda [INTERNAL]": ["execute_tool classify [INTERNAL]"] }] },
          "publish [INTERNAL]",
        ],
      },
    ]);
    const router = tree()[0]?.children[0]?.children[0];
    expect(router?.attributes).toEqual({ "otel_agents.step.type": "router", ...FW });
  });

  it("reports a graph marked with lc_agent_name as invoke_agent", async () => {
    const graph = buildGraph().withConfig({ metadata: { lc_agent_name: "editor" } });
    await graph.invoke({ n: 2 }, { callbacks: [makeHandler()], configurable: { thread_id: "thread-7" } });
    const [root] = tree();
    expect(root?.name).toBe("invoke_agent editor");
    expect(root?.attributes).toEqual({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "editor",
      "gen_ai.conversation.id": "thread-7",
      ...FW,
    });
  });
});
