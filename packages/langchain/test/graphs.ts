import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";

export const State = Annotation.Root({ n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) });

/** draft -> review -> (draft -> review)* -> publish, with a conditional edge after review; draft asks a model. */
export function buildGraph() {
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
