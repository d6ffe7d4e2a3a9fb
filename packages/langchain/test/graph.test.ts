import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
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

const writerCall = (conversationId = "thread-42") =>
  n("chat", "CLIENT", {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "fakelistchatmodel",
    "gen_ai.conversation.id": conversationId,
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

  it("fails a graph aborted between its steps as AbortError without an exception event: LangGraph's stand-in Error('Abort') reaches no caller", async () => {
    const controller = new AbortController();
    // The app's own callback cancels the run once `first` is done, before the next step starts.
    class CancelAfterFirst extends BaseCallbackHandler {
      name = "cancel-after-first";
      override awaitHandlers = true;
      override handleChainEnd(_outputs: unknown, _runId: string, _parentRunId?: string, tags?: string[]) {
        if (tags?.includes("graph:step:1")) controller.abort();
      }
    }
    const graph = new StateGraph(State)
      .addNode("first", (s) => ({ n: s.n + 1 }))
      .addNode("second", (s) => ({ n: s.n * 10 }))
      .addEdge(START, "first")
      .addEdge("first", "second")
      .addEdge("second", END)
      .compile({ name: "stoppable" });
    const handler = makeHandler();
    const error = await graph
      .invoke({ n: 0 }, { callbacks: [handler, new CancelAfterFirst()], signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error | undefined)?.name).toBe("AbortError");
    await expect.poll(() => handler.openRuns).toBe(0);
    expect(tree()).toEqual([
      n(
        "invoke_workflow stoppable",
        "INTERNAL",
        { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "stoppable", ...FW, "error.type": "AbortError" },
        [node("first", 1, ["branch:to:first"])],
        "ERROR",
      ),
    ]);
    expect(h.spans().map((s) => [s.name, s.events.map((e) => e.name)])).toEqual([
      ["first", []],
      ["invoke_workflow stoppable", []],
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

describe("conversation ids", () => {
  it("records a numeric LangGraph thread_id as its decimal string on every span that carries the conversation", async () => {
    // Without a checkpointer LangGraph takes any thread_id and copies it into the run metadata as it
    // is: here a number. (MemorySaver insists on a string.)
    const writer = new FakeListChatModel({ responses: ["draft"] });
    const graph = new StateGraph(State)
      .addNode("draft", async (s) => {
        await writer.invoke("Write a draft.");
        return { n: s.n + 1 };
      })
      .addEdge(START, "draft")
      .addEdge("draft", END)
      .compile({ name: "editorial" });
    const result = await graph.invoke({ n: 0 }, { callbacks: [makeHandler()], configurable: { thread_id: 12345 } });
    expect(result).toEqual({ n: 1 });
    expect(tree()).toEqual([
      n(
        "invoke_workflow editorial",
        "INTERNAL",
        {
          "gen_ai.operation.name": "invoke_workflow",
          "gen_ai.workflow.name": "editorial",
          "gen_ai.conversation.id": "12345",
          ...FW,
        },
        [node("draft", 1, ["branch:to:draft"], [writerCall("12345")])],
      ),
    ]);
  });

  it("takes an integer as an id but never an object, a boolean or a fraction", async () => {
    const model = new FakeListChatModel({ responses: ["a", "b"] });
    const handler = makeHandler();
    await model.invoke("hi", {
      callbacks: [handler],
      metadata: { thread_id: { id: 1 }, session_id: true, conversation_id: 2.5 },
    });
    await model.invoke("hi", { callbacks: [handler], metadata: { thread_id: false, session_id: 1.5, conversation_id: 0 } });
    const chat = (attributes: Record<string, string>) =>
      n("chat", "CLIENT", { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "fakelistchatmodel", ...FW, ...attributes });
    expect(tree()).toEqual([chat({}), chat({ "gen_ai.conversation.id": "0" })]);
  });
});
