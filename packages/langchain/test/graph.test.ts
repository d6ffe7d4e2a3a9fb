import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { shape } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

const State = Annotation.Root({ n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) });

/** draft -> review -> (draft -> review)* -> publish, with a conditional edge after review; draft asks a model. */
function buildGraph() {
  const writer = new FakeListChatModel({ responses: ["first draft", "second draft"] });
  return new StateGraph(State)
    .addNode("draft", async (s) => {
      // No config passed: LangChain's AsyncLocalStorage carries the node's callbacks to the model.
      await writer.invoke("Write a draft.");
      return { n: s.n + 1 };
    })
    .addNode("review", (s) => ({ n: s.n + 1 }))
    .addNode("publish", (s) => ({ n: s.n * 10 }))
    .addEdge(START, "draft")
    .addEdge("draft", "review")
    .addConditionalEdges("review", (s) => (s.n >= 3 ? "publish" : "draft"), ["draft", "publish"])
    .addEdge("publish", END)
    .compile({ checkpointer: new MemorySaver(), name: "editorial" });
}

const node = (name: string, step: number, triggers: string[], children: ReturnType<typeof n>[] = []) =>
  n(
    name,
    "INTERNAL",
    { "otel_agents.step.type": "node", ...FW, "langgraph.node": name, "langgraph.step": step, "langgraph.triggers": triggers },
    children,
  );

const writerCall = () =>
  n("chat", "CLIENT", {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "fakelistchatmodel",
    "gen_ai.conversation.id": "thread-42",
    ...FW,
  });

describe("LangGraph", () => {
  it("reports a plain graph as invoke_workflow with one step per node; the thread id is the conversation id", async () => {
    const graph = buildGraph();
    const result = await graph.invoke({ n: 0 }, { callbacks: [makeHandler()], configurable: { thread_id: "thread-42" } });
    expect(result).toEqual({ n: 40 });
    expect(tree()).toEqual([
      n(
        "invoke_workflow editorial",
        "INTERNAL",
        { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "editorial", ...FW },
        [
          // `__start__` (langsmith:hidden) and the router after each review are folded away.
          node("draft", 1, ["branch:to:draft"], [writerCall()]),
          node("review", 2, ["branch:to:review"]),
          node("draft", 3, ["branch:to:draft"], [writerCall()]),
          node("review", 4, ["branch:to:review"]),
          node("publish", 5, ["branch:to:publish"]),
        ],
      ),
    ]);
  });

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

  it("fails the spans on the path of an error that escapes a node, and the caller gets the same error", async () => {
    class QuotaError extends Error {
      override name = "QuotaError";
    }
    const boom = new QuotaError("quota exceeded");
    const lookup = tool(
      async (): Promise<string> => {
        throw boom;
      },
      { name: "lookup", description: "Look something up", schema: z.object({ q: z.string() }) },
    );
    const graph = new StateGraph(State)
      .addNode("fetch", async (s) => {
        await lookup.invoke({ q: "x" });
        return { n: s.n };
      })
      .addEdge(START, "fetch")
      .addEdge("fetch", END)
      .compile({ name: "fetcher" });
    await expect(graph.invoke({ n: 0 }, { callbacks: [makeHandler()] })).rejects.toBe(boom);
    const error = { "error.type": "QuotaError" };
    expect(tree()).toEqual([
      n(
        "invoke_workflow fetcher",
        "INTERNAL",
        { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "fetcher", ...FW, ...error },
        [
          n(
            "fetch",
            "INTERNAL",
            {
              "otel_agents.step.type": "node",
              ...FW,
              "langgraph.node": "fetch",
              "langgraph.step": 1,
              "langgraph.triggers": ["branch:to:fetch"],
              ...error,
            },
            [
              n(
                "execute_tool lookup",
                "INTERNAL",
                {
                  "gen_ai.operation.name": "execute_tool",
                  "gen_ai.tool.name": "lookup",
                  "gen_ai.tool.type": "function",
                  ...FW,
                  ...error,
                },
                [],
                "ERROR",
              ),
            ],
            "ERROR",
          ),
        ],
        "ERROR",
      ),
    ]);
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

  it("ends a node that interrupts (human in the loop) without an error", async () => {
    const graph = new StateGraph(State)
      .addNode("ask", (s) => {
        const answer = interrupt("approve?") as number;
        return { n: s.n + answer };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ checkpointer: new MemorySaver(), name: "approval" });
    await graph.invoke({ n: 1 }, { callbacks: [makeHandler()], configurable: { thread_id: "t-1" } });
    expect(tree()).toEqual([
      n(
        "invoke_workflow approval",
        "INTERNAL",
        { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "approval", ...FW },
        [
          n("ask", "INTERNAL", {
            "otel_agents.step.type": "node",
            ...FW,
            "langgraph.node": "ask",
            "langgraph.step": 1,
            "langgraph.triggers": ["branch:to:ask"],
            "langgraph.interrupt": "GraphInterrupt",
          }),
        ],
      ),
    ]);
  });
});
