import { AIMessage } from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { trace } from "@opentelemetry/api";
import { AiSdkInstrumentation } from "@otel-agents/ai-sdk";
import { LangChainInstrumentation, OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { n, names, treeOf } from "@otel-agents/testing/app-trees";
import { generateText } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { createAgent } from "langchain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAppSdk } from "../sdk-line.ts";

// The app's own NodeSDK, the README's registration line, and nothing else: no context manager
// wrapping, no processor wrapping, no providers passed to the adapters.
const langchain = new LangChainInstrumentation();
const aiSdk = new AiSdkInstrumentation();
const app = startAppSdk([langchain, aiSdk]);

beforeEach(() => {
  langchain.setConfig({});
  langchain.enable();
  app.reset();
});
afterAll(() => app.shutdown());

const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: "get_weather",
  description: "Get the weather of a city",
  schema: z.object({ city: z.string() }),
});

const final = () =>
  new AIMessage({
    content: "It is sunny in Paris.",
    id: "resp-2",
    usage_metadata: { input_tokens: 40, output_tokens: 8, total_tokens: 48 },
    response_metadata: { model_provider: "openai", model_name: "gpt-4o-mini", finish_reason: "stop" },
  });

function weatherAgent() {
  const model = fakeModel()
    .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
    .respond(final());
  return createAgent({ model, tools: [getWeather], name: "weather_agent" });
}

const ask = { messages: [{ role: "user", content: "Weather in Paris?" }] };
const FW = { "otel_agents.framework.name": "langchain", "otel_agents.framework.run_id": "<id>" };
const node = (name: string, step: number, triggers: string[], children: ReturnType<typeof n>[]) =>
  n(
    name,
    "INTERNAL",
    { "otel_agents.step.type": "node", ...FW, "langgraph.node": name, "langgraph.step": step, "langgraph.triggers": triggers },
    children,
  );
const chat = (extra: Record<string, unknown>) =>
  n("chat", "CLIENT", {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "fakebuiltmodel",
    "gen_ai.conversation.id": "thread-1",
    ...FW,
    ...extra,
  } as never);

describe("LangChainInstrumentation in the app's NodeSDK", () => {
  it("gives the whole tree today's handler gives, with nothing else registered", async () => {
    const result = await weatherAgent().invoke(ask, { configurable: { thread_id: "thread-1" } });
    expect(result.messages.at(-1)?.content).toBe("It is sunny in Paris.");
    const viaInstrumentation = treeOf(await app.spans());

    expect(viaInstrumentation).toEqual([
      n(
        "invoke_agent weather_agent",
        "INTERNAL",
        {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "weather_agent",
          "gen_ai.conversation.id": "thread-1",
          ...FW,
          "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.usage.input_tokens": 40,
          "gen_ai.usage.output_tokens": 8,
        },
        [
          node("model_request", 1, ["branch:to:model_request"], [chat({ "gen_ai.response.id": "0" })]),
          node(
            "tools",
            2,
            ["__pregel_push"],
            [
              n("execute_tool get_weather", "INTERNAL", {
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.agent.name": "weather_agent",
                "gen_ai.tool.name": "get_weather",
                "gen_ai.tool.call.id": "call_1",
                "gen_ai.tool.type": "function",
                "gen_ai.conversation.id": "thread-1",
                ...FW,
              }),
            ],
          ),
          node(
            "model_request",
            3,
            ["branch:to:model_request"],
            [
              chat({
                "gen_ai.response.id": "resp-2",
                "gen_ai.response.model": "gpt-4o-mini",
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.usage.input_tokens": 40,
                "gen_ai.usage.output_tokens": 8,
              }),
            ],
          ),
        ],
      ),
    ]);

    // Today's registration (a handler per call, global providers) on the same run: the same tree.
    langchain.disable();
    app.reset();
    await weatherAgent().invoke(ask, {
      configurable: { thread_id: "thread-1" },
      callbacks: [new OpenTelemetryCallbackHandler()],
    });
    expect(treeOf(await app.spans())).toEqual(viaInstrumentation);
  });

  it("disable() takes the handler away and enable() puts it back", async () => {
    langchain.disable();
    await weatherAgent().invoke(ask);
    expect(await app.spans()).toEqual([]);

    langchain.enable();
    await weatherAgent().invoke(ask);
    expect(names(treeOf(await app.spans()))).toEqual([
      {
        "invoke_agent weather_agent": [
          { model_request: ["chat"] },
          { tools: ["execute_tool get_weather"] },
          { model_request: ["chat"] },
        ],
      },
    ]);
  });

  it("setConfig() takes the handler's options (content capture here)", async () => {
    langchain.setConfig({ captureContent: true });
    await weatherAgent().invoke(ask);
    const spans = await app.spans();
    const tool = spans.find((s) => s.name === "execute_tool get_weather");
    expect(tool?.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Paris"}');
    expect(tool?.attributes["gen_ai.tool.call.result"]).toBe('{"output":"sunny in Paris"}');
    expect(spans.filter((s) => s.attributes["gen_ai.input.messages"] !== undefined).map((s) => s.name)).toEqual(["chat", "chat"]);
  });

  it("nests what a tool body does (the app's own span, an AI SDK call) under its execute_tool span", async () => {
    const summarise = tool(
      async ({ text }: { text: string }) =>
        trace.getTracer("app").startActiveSpan("app.summarise", async (span) => {
          const model = new MockLanguageModelV4({
            provider: "openai.chat",
            modelId: "gpt-4o-mini",
            doGenerate: {
              content: [{ type: "text", text: `summary of ${text}` }],
              finishReason: { unified: "stop", raw: "stop" },
              usage: {
                inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
                outputTokens: { total: 4, text: 4, reasoning: undefined },
              },
              warnings: [],
              response: { id: "sum-1", modelId: "gpt-4o-mini", timestamp: new Date(0) },
            },
          });
          const { text: summary } = await generateText({ model, prompt: text, telemetry: { functionId: "summariser" } });
          span.end();
          return summary;
        }),
      { name: "summarise", description: "Summarise a text", schema: z.object({ text: z.string() }) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "summarise", args: { text: "a long report" }, id: "call_s" }])
      .respond(new AIMessage("Done."));
    await createAgent({ model, tools: [summarise], name: "writer" }).invoke(ask);

    expect(names(treeOf(await app.spans()))).toEqual([
      {
        "invoke_agent writer": [
          { model_request: ["chat"] },
          { tools: [{ "execute_tool summarise": [{ "app.summarise": [{ "invoke_agent summariser": ["chat gpt-4o-mini"] }] }] }] },
          { model_request: ["chat"] },
        ],
      },
    ]);
  });

  it("endOpenRuns() before shutdown: a chain stream the app stops reading is exported, its open spans ended as orphaned", async () => {
    const chain = ChatPromptTemplate.fromTemplate("Say {word}").pipe(new FakeListChatModel({ responses: ["hello there"] }));
    // The app stops after the first chunk: LangChain reports no end for the chain or the model call.
    for await (const _chunk of await chain.stream({ word: "hello" })) break;
    await expect.poll(() => langchain.openRuns).toBe(2);
    expect(langchain.endOpenRuns()).toBe(2);
    expect(langchain.openRuns).toBe(0);
    const step = (extra: Record<string, unknown>) => ({ "otel_agents.step.type": "chain", ...FW, ...extra });
    expect(treeOf(await app.spans())).toEqual([
      {
        name: "RunnableSequence",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: step({ "error.type": "otel_agents.orphaned" }),
        children: [
          {
            name: "ChatPromptTemplate",
            kind: "INTERNAL",
            status: "UNSET",
            attributes: step({ "langchain.run_type": "prompt" }),
            children: [],
          },
          {
            name: "chat",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "fakelistchatmodel",
              ...FW,
              "error.type": "otel_agents.orphaned",
              "gen_ai.response.time_to_first_chunk": expect.any(Number),
              "gen_ai.request.stream": true,
              // The call never finished: its one generation's reason never arrived.
              "gen_ai.response.finish_reasons": ["error"],
            },
            children: [],
          },
        ],
      },
    ]);
  });
});
