import { Document } from "@langchain/core/documents";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import { FakeEmbeddings, FakeListChatModel, FakeVectorStore } from "@langchain/core/utils/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

async function ragChain() {
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
  return RunnableSequence.from([
    {
      context: retriever.pipe((docs: Document[]) => docs.map((d) => d.pageContent).join("\n")),
      question: new RunnablePassthrough(),
    },
    prompt,
    model,
    new StringOutputParser(),
  ]).withConfig({ runName: "answer_question" });
}

const step = (name: string, runType: string | undefined, children: ReturnType<typeof n>[] = []) =>
  n(
    name,
    "INTERNAL",
    { "otel_agents.step.type": "chain", ...FW, ...(runType ? { "langchain.run_type": runType } : {}) },
    children,
  );

describe("RAG chain", () => {
  it("reports the chain as invoke_workflow with retrieval, chat and chain steps", async () => {
    const chain = await ragChain();
    expect(await chain.invoke("What is the capital of France?", { callbacks: [makeHandler()] })).toBe("Paris.");
    expect(tree()).toEqual([
      n(
        "invoke_workflow answer_question",
        "INTERNAL",
        { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "answer_question", ...FW },
        [
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
        ],
      ),
    ]);
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
