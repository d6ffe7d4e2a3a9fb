import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { Workload } from "../arm.ts";
import { langchainArms } from "./langchain-arms.ts";

const State = Annotation.Root({
  trail: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

/** A linear graph of 5 nodes, each appending to the state. */
export function makeGraphInvoke() {
  const names = ["plan", "retrieve", "draft", "review", "publish"] as const;
  let builder = new StateGraph(State) as unknown as StateGraph<
    typeof State.spec,
    typeof State.State,
    typeof State.Update,
    string
  >;
  for (const name of names) builder = builder.addNode(name, () => ({ trail: [name] })) as typeof builder;
  builder.addEdge(START, names[0]);
  for (let i = 1; i < names.length; i++) builder.addEdge(names[i - 1]!, names[i]!);
  builder.addEdge(names[names.length - 1]!, END);
  const graph = builder.compile({ name: "pipeline" });
  return async (callbacks: unknown[] | undefined): Promise<void> => {
    const result = await graph.invoke({ trail: [] }, { callbacks: callbacks as never });
    if (result.trail.length !== 5) throw new Error("langgraph: unexpected state");
  };
}

export const langgraph: Workload = {
  name: "langgraph",
  title: "LangGraph StateGraph of 5 nodes",
  arms: () => langchainArms(makeGraphInvoke()),
};
