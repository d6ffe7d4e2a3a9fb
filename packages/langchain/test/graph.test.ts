import { tool } from "@langchain/core/tools";
import { END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildGraph, State } from "./graphs.js";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

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
        {
          "gen_ai.operation.name": "invoke_workflow",
          "gen_ai.workflow.name": "editorial",
          "gen_ai.conversation.id": "thread-42",
          ...FW,
        },
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

  it("reports a graph without a name as an unnamed invoke_workflow, never as the default LangGraph or a class name; a graph run inside a node is a workflow too", async () => {
    const inner = new StateGraph(State)
      .addNode("double", (s) => ({ n: s.n * 2 }))
      .addEdge(START, "double")
      .addEdge("double", END)
      .compile({ name: "doubler" });
    const outer = new StateGraph(State)
      .addNode("delegate", async (s) => inner.invoke(s))
      .addEdge(START, "delegate")
      .addEdge("delegate", END)
      .compile();
    const result = await outer.invoke({ n: 2 }, { callbacks: [makeHandler()], configurable: { thread_id: "t-9" } });
    expect(result).toEqual({ n: 4 });
    const conversation = { "gen_ai.conversation.id": "t-9" };
    expect(tree()).toEqual([
      n("invoke_workflow", "INTERNAL", { "gen_ai.operation.name": "invoke_workflow", ...conversation, ...FW }, [
        node(
          "delegate",
          1,
          ["branch:to:delegate"],
          [
            n(
              "invoke_workflow doubler",
              "INTERNAL",
              { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "doubler", ...conversation, ...FW },
              [node("double", 1, ["branch:to:double"])],
            ),
          ],
        ),
      ]),
    ]);
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
        {
          "gen_ai.operation.name": "invoke_workflow",
          "gen_ai.workflow.name": "approval",
          "gen_ai.conversation.id": "t-1",
          ...FW,
        },
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
