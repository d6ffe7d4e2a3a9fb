import { Document } from "@langchain/core/documents";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import { FakeEmbeddings, FakeListChatModel, FakeVectorStore } from "@langchain/core/utils/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

async function ragChain(runName: string | null = "answer_question") {
  const store = new FakeVectorStore(new FakeEmbeddings());
  await store.addDocuments([
    // FakeVectorStore keeps metadata but not `Document.id`; the adapter reads either.
    new Document({ pageContent: "Paris is the capital of France.", metadata: { id: "doc-paris" } }),
    new Document({ pageContent: "Berlin is the capital of Germany.", metadata: { id: "doc-berlin" } }),
  ]);
  const retriever = store.asRetriever({ k: 1 }).withConfig({ runName: "capitals" });
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", "Answer from the context: {context}"],
    ["human", "{question}"],
  ]);
  const model = new FakeListChatModel({ responses: ["Paris."] });
  const chain = RunnableSequence.from([
    {
      context: retriever.pipe((docs: Document[]) => docs.map((d) => d.pageContent).join("\n")),
      question: new RunnablePassthrough(),
    },
    prompt,
    model,
    new StringOutputParser(),
  ]);
  return runName ? chain.withConfig({ runName }) : chain;
}

const step = (name: string, runType: string | undefined, children: ReturnType<typeof n>[] = []) =>
  n(
    name,
    "INTERNAL",
    { "otel_agents.step.type": "chain", ...FW, ...(runType ? { "langchain.run_type": runType } : {}) },
    children,
  );

describe("RAG chain", () => {
  it("reports the chain as a chain step (no invoke_workflow: a pipeline is no orchestration) around retrieval, chat and steps", async () => {
    const chain = await ragChain();
    expect(await chain.invoke("What is the capital of France?", { callbacks: [makeHandler()] })).toBe("Paris.");
    expect(tree()).toEqual([
      step("answer_question", undefined, [
        step("RunnableMap", undefined, [
          step("RunnableSequence", undefined, [
            n("retrieval capitals", "CLIENT", {
              "gen_ai.operation.name": "retrieval",
              "gen_ai.data_source.id": "capitals",
              ...FW,
            }),
            step("RunnableLambda", undefined),
          ]),
          step("RunnablePassthrough", undefined),
        ]),
        step("ChatPromptTemplate", "prompt"),
        n("chat", "CLIENT", { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "fakelistchatmodel", ...FW }),
        step("StrOutputParser", "parser"),
      ]),
    ]);
  });

  it("never names a workflow after a type: an unnamed retrieval chain is a RunnableSequence step, and no span is invoke_workflow", async () => {
    // The same pipeline without the app's name: LangChain calls the run by its class.
    const chain = await ragChain(null);
    expect(await chain.invoke("What is the capital of France?", { callbacks: [makeHandler()] })).toBe("Paris.");
    const [root] = tree();
    expect(root?.name).toBe("RunnableSequence");
    expect(root?.attributes).toEqual({ "otel_agents.step.type": "chain", ...FW });
    expect(root?.children.map((c) => c.name)).toEqual(["RunnableMap", "ChatPromptTemplate", "chat", "StrOutputParser"]);
    expect(h.spans().filter((s) => s.attributes["gen_ai.operation.name"] === "invoke_workflow")).toEqual([]);
    expect(h.spans().map((s) => s.name)).toEqual(expect.arrayContaining(["retrieval capitals", "chat"]));
  });

  it("records the query, the documents and the prompt built from them when capture is on", async () => {
    const chain = await ragChain();
    await chain.invoke("What is the capital of France?", { callbacks: [makeHandler({ captureContent: true })] });
    const spans = h.spans();
    tree(); // conformance, including the JSON schemas of every content attribute
    const retrieval = spans.find((s) => s.name === "retrieval capitals");
    expect(retrieval?.attributes["gen_ai.retrieval.query.text"]).toBe("What is the capital of France?");
    expect(JSON.parse(String(retrieval?.attributes["gen_ai.retrieval.documents"]))).toEqual([
      { id: "doc-paris", content: "Paris is the capital of France." },
    ]);
    const chat = spans.find((s) => s.name === "chat");
    expect(JSON.parse(String(chat?.attributes["gen_ai.system_instructions"]))).toEqual([
      { type: "text", content: "Answer from the context: Paris is the capital of France." },
    ]);
    expect(JSON.parse(String(chat?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "What is the capital of France?" }] },
    ]);
  });
});
