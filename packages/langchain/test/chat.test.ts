import { AIMessage, ChatMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { FakeBuiltModel } from "@langchain/core/testing";
import { FakeListChatModel, FakeLLM } from "@langchain/core/utils/testing";
import { context, trace } from "@opentelemetry/api";
import { assertMetricConformance } from "@otel-agents/testing/conformance";
import { shape } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { FW, h, makeHandler, tree } from "./helpers.js";

/**
 * LangChain's builder fake, reporting what a real integration (ChatOpenAI) reports through the
 * framework's own hooks: `ls_*` params and invocation params.
 */
class FakeOpenAIChat extends FakeBuiltModel {
  override getLsParams(options: this["ParsedCallOptions"]) {
    return { ...super.getLsParams(options), ls_provider: "openai", ls_model_name: "gpt-4o-mini", ls_temperature: 0.2 };
  }
  override invocationParams() {
    return { model: "gpt-4o-mini", temperature: 0.2, max_tokens: 256, top_p: 0.9, stop: ["\n\n"], seed: 7 };
  }
}

/** The same, with tools bound the way ChatOpenAI sends them (`invocation_params.tools`). */
class FakeOpenAIChatWithTools extends FakeOpenAIChat {
  override invocationParams() {
    return {
      ...super.invocationParams(),
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Get the weather",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      ],
    };
  }
}

const answer = () =>
  new AIMessage({
    content: "Paris.",
    id: "chatcmpl-123",
    usage_metadata: {
      input_tokens: 120,
      output_tokens: 30,
      total_tokens: 150,
      input_token_details: { cache_read: 100, cache_creation: 10 },
      output_token_details: { reasoning: 12 },
    },
    response_metadata: { model_provider: "openai", model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
  });

beforeEach(() => h.reset());

describe("chat models", () => {
  it("reports a single chat call as a chat CLIENT span under the caller's span", async () => {
    const model = new FakeOpenAIChat().respond(answer());
    const outer = h.tracerProvider.getTracer("app").startSpan("handle-request");
    const result = await context.with(trace.setSpan(context.active(), outer), () =>
      model.invoke([new SystemMessage("Be brief."), new HumanMessage("Capital of France?")], { callbacks: [makeHandler()] }),
    );
    outer.end();
    expect(result.content).toBe("Paris.");

    expect(tree()).toEqual([
      {
        name: "handle-request",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {},
        children: [
          {
            name: "chat gpt-4o-mini",
            kind: "CLIENT",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4o-mini",
              "gen_ai.request.temperature": 0.2,
              "gen_ai.request.max_tokens": 256,
              "gen_ai.request.top_p": 0.9,
              "gen_ai.request.stop_sequences": ["\n\n"],
              "gen_ai.request.seed": 7,
              "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
              "gen_ai.response.id": "chatcmpl-123",
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.usage.input_tokens": 120,
              "gen_ai.usage.output_tokens": 30,
              "gen_ai.usage.cache_read.input_tokens": 100,
              "gen_ai.usage.cache_write.input_tokens": 10,
              "gen_ai.usage.reasoning.output_tokens": 12,
              // The fake model's messages say model_provider "openai", as ChatOpenAI's Chat Completions ones do.
              "openai.api.type": "chat_completions",
              ...FW,
            },
            children: [],
          },
        ],
      },
    ]);
    assertMetricConformance(await h.metrics());
  });

  it("records content only when capture is on, in the semconv message shape", async () => {
    const messages = [new SystemMessage("Be brief."), new HumanMessage("Capital of France?")];
    await new FakeOpenAIChat().respond(answer()).invoke(messages, { callbacks: [makeHandler({ captureContent: true })] });
    const [on] = tree();
    expect(JSON.parse(String(on?.attributes["gen_ai.system_instructions"]))).toEqual([{ type: "text", content: "Be brief." }]);
    expect(JSON.parse(String(on?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "Capital of France?" }] },
    ]);
    expect(JSON.parse(String(on?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Paris." }] },
    ]);

    h.reset();
    await new FakeOpenAIChat().respond(answer()).invoke(messages, { callbacks: [makeHandler({ captureContent: false })] });
    const [off] = tree();
    expect(Object.keys(off?.attributes ?? {}).filter((k) => /messages|instructions|definitions/.test(k))).toEqual([]);
  });

  it("keeps a role or block type named like an Object.prototype member as the message said", async () => {
    // The role and block-type tables are looked up by the message's own strings.
    const messages = [new ChatMessage({ role: "constructor", content: [{ type: "toString" }, { type: "text", text: "hi" }] })];
    await new FakeOpenAIChat().respond(answer()).invoke(messages, { callbacks: [makeHandler({ captureContent: true })] });
    const [span] = tree();
    expect(JSON.parse(String(span?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "constructor", parts: [{ type: "toString" }, { type: "text", content: "hi" }] },
    ]);
  });

  it("records tool definitions from the invocation params when capture is on", async () => {
    await new FakeOpenAIChatWithTools()
      .respond(answer())
      .invoke("Weather?", { callbacks: [makeHandler({ captureContent: true })] });
    const [span] = tree();
    expect(JSON.parse(String(span?.attributes["gen_ai.tool.definitions"]))).toEqual([
      {
        type: "function",
        name: "get_weather",
        description: "Get the weather",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ]);
  });

  it("reports a completion-style LLM as text_completion", async () => {
    const llm = new FakeLLM({ response: "42" });
    expect(await llm.invoke("The answer is", { callbacks: [makeHandler({ captureContent: true })] })).toBe("42");
    expect(tree()).toEqual([
      {
        name: "text_completion",
        kind: "CLIENT",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "text_completion",
          "gen_ai.provider.name": "fakellm",
          // FakeLLM reports its answer as one new token, as a streaming LLM would.
          "gen_ai.request.stream": true,
          "gen_ai.response.time_to_first_chunk": expect.any(Number),
          ...FW,
          "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"The answer is"}]}]',
          "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"42"}]}]',
        },
        children: [],
      },
    ]);
  });

  it("reports a streamed call with its time to first chunk", async () => {
    const model = new FakeListChatModel({ responses: ["Hello there"] });
    let text = "";
    for await (const chunk of await model.stream("hi", { callbacks: [makeHandler()] })) text += chunk.content;
    expect(text).toBe("Hello there");
    const [span] = tree();
    const { "gen_ai.response.time_to_first_chunk": ttfc, ...rest } = span?.attributes ?? {};
    expect(typeof ttfc).toBe("number");
    expect(shape(tree())).toEqual(["chat [CLIENT]"]);
    expect(rest).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "fakelistchatmodel",
      "gen_ai.request.stream": true,
      ...FW,
    });
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toContain("gen_ai.client.inference.time_to_first_chunk");
  });

  it("fails the span of a model that throws and lets the error reach the caller unchanged", async () => {
    const boom = new Error("rate limited");
    const model = new FakeOpenAIChat().respond(boom);
    await expect(model.invoke("hi", { callbacks: [makeHandler()] })).rejects.toBe(boom);
    const [span] = tree();
    expect(span?.status).toBe("ERROR");
    expect(span?.attributes["error.type"]).toBe("Error");
  });
});

describe("package", () => {
  it("reports the package version as the instrumentation scope version", async () => {
    const { VERSION } = await import("../src/version.js");
    const pkg = await import("../package.json", { with: { type: "json" } });
    expect(VERSION).toBe(pkg.default.version);
  });
});
