import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { context, propagation } from "@opentelemetry/api";
import { assertMetricConformance, missingExpected } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { createAgent } from "langchain";
import { RateLimitError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

// The real ChatOpenAI integration (Chat Completions API) against a loopback OpenAI-compatible server.

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());
beforeEach(() => {
  h.reset();
  server.requests.length = 0;
});

const chatModel = (fields: ConstructorParameters<typeof ChatOpenAI>[0] = {}) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.url }, ...fields });

/** Every chat span carries every attribute the OTel conformance suite expects of it. */
function expectNothingMissing(): void {
  for (const span of h.spans().filter((s) => s.name.startsWith("chat "))) expect(missingExpected(span)).toEqual([]);
}

const endpoint = () => ({ "server.address": "127.0.0.1", "server.port": server.port });

describe("ChatOpenAI", () => {
  it("reports a chat completion with request params, response id/model, finish reason, server and full usage", async () => {
    server.enqueue({
      text: "Paris.",
      id: "chatcmpl-abc",
      model: "gpt-4o-mini-2024-07-18",
      usage: { input: 120, output: 30, cachedInput: 100, reasoning: 12 },
    });
    const model = chatModel({ temperature: 0.2, maxTokens: 256, topP: 0.9, stop: ["\n\n"] });
    const result = await model.invoke("Capital of France?", { callbacks: [makeHandler()], seed: 7 });
    expect(result.content).toBe("Paris.");
    expect(tree()).toEqual([
      n("chat gpt-4o-mini", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.stop_sequences": ["\n\n"],
        "gen_ai.request.seed": 7,
        ...endpoint(),
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.id": "chatcmpl-abc",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 30,
        "gen_ai.usage.cache_read.input_tokens": 100,
        "gen_ai.usage.reasoning.output_tokens": 12,
        // ChatOpenAI keeps the fingerprint of a completion but not its service tier (a stream has both).
        "openai.response.system_fingerprint": expect.any(String),
        ...FW,
      } as never),
    ]);
    expectNothingMissing();
    assertMetricConformance(await h.metrics());
  });

  it("reports a stream: time to first chunk, usage from the last chunk (streamUsage)", async () => {
    server.enqueue({ text: "Hello there friend", id: "chatcmpl-str", usage: { input: 9, output: 3, cachedInput: 4 } });
    let text = "";
    for await (const chunk of await chatModel().stream("hi", { callbacks: [makeHandler()] })) text += chunk.content;
    expect(text).toBe("Hello there friend");
    expect(server.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
    expect(tree()).toEqual([
      n("chat gpt-4o-mini", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.stream": true,
        ...endpoint(),
        "gen_ai.response.model": "gpt-4o-mini",
        "gen_ai.response.id": "chatcmpl-str",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.time_to_first_chunk": expect.any(Number),
        "gen_ai.usage.input_tokens": 9,
        "gen_ai.usage.output_tokens": 3,
        "gen_ai.usage.cache_read.input_tokens": 4,
        "gen_ai.usage.reasoning.output_tokens": 0,
        "openai.response.system_fingerprint": expect.any(String),
        "openai.response.service_tier": "default",
        ...FW,
      } as never),
    ]);
    expectNothingMissing();
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toContain("gen_ai.client.inference.time_to_first_chunk");
  });

  it("reports a createAgent tool loop; an HTTP call from the tool carries the execute_tool span as parent", async () => {
    server.enqueue(
      { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_1" }], id: "chatcmpl-1" },
      { text: "It is sunny in Paris.", id: "chatcmpl-2", usage: { input: 40, output: 8 } },
    );
    const getWeather = tool(
      async ({ city }: { city: string }) => {
        // What an HTTP instrumentation does for this request.
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        const res = await fetch(`${server.url}/weather?city=${city}`, { headers });
        await res.text();
        return `sunny in ${city}`;
      },
      { name: "get_weather", description: "Get the weather of a city", schema: z.object({ city: z.string() }) },
    );
    const agent = createAgent({ model: chatModel(), tools: [getWeather], name: "weather_agent" });
    const result = await agent.invoke(
      { messages: [{ role: "user", content: "Weather in Paris?" }] },
      { callbacks: [makeHandler()], configurable: { thread_id: "thread-1" } },
    );
    expect(result.messages.at(-1)?.content).toBe("It is sunny in Paris.");

    const toolSpan = h.spans().find((s) => s.name === "execute_tool get_weather");
    const weatherRequest = server.requests.find((r) => r.path === "/v1/weather");
    expect(weatherRequest?.headers.traceparent?.split("-")[2]).toBe(toolSpan?.spanContext().spanId);

    const chat = (response: Record<string, unknown>) =>
      n("chat gpt-4o-mini", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.conversation.id": "thread-1",
        ...endpoint(),
        "gen_ai.response.model": "gpt-4o-mini",
        // The API reports zero cached and reasoning tokens; zero is what it said, so it is recorded.
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
        "openai.response.system_fingerprint": expect.any(String),
        ...FW,
        ...response,
      } as never);
    const node = (name: string, step: number, triggers: string[], children: ReturnType<typeof n>[]) =>
      n(
        name,
        "INTERNAL",
        {
          "otel_agents.step.type": "node",
          ...FW,
          "langgraph.node": name,
          "langgraph.step": step,
          "langgraph.triggers": triggers,
        },
        children,
      );
    expect(tree()).toEqual([
      n(
        "invoke_agent weather_agent",
        "INTERNAL",
        {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "weather_agent",
          "gen_ai.conversation.id": "thread-1",
          ...FW,
          "gen_ai.response.finish_reasons": ["tool_call", "stop"],
          "gen_ai.usage.input_tokens": 50,
          "gen_ai.usage.output_tokens": 13,
        },
        [
          node(
            "model_request",
            1,
            ["branch:to:model_request"],
            [
              chat({
                "gen_ai.response.id": "chatcmpl-1",
                "gen_ai.response.finish_reasons": ["tool_call"],
                "gen_ai.usage.input_tokens": 10,
                "gen_ai.usage.output_tokens": 5,
              }),
            ],
          ),
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
                // LangChain tools are not serialisable: the description is the one ChatOpenAI sent the model.
                "gen_ai.tool.description": "Get the weather of a city",
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
                "gen_ai.response.id": "chatcmpl-2",
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.usage.input_tokens": 40,
                "gen_ai.usage.output_tokens": 8,
              }),
            ],
          ),
        ],
      ),
    ]);
    expectNothingMissing();
  });

  it("fails the span of a 429 with error.type and hands the caller the client's RateLimitError", async () => {
    server.enqueue({ error: { status: 429, message: "Rate limit reached" } });
    const error = await chatModel()
      .invoke("hi", { callbacks: [makeHandler()] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    expect(tree()).toEqual([
      n(
        "chat gpt-4o-mini",
        "CLIENT",
        {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4o-mini",
          ...endpoint(),
          ...FW,
          "error.type": "RateLimitError",
        },
        [],
        "ERROR",
      ),
    ]);
    assertMetricConformance(await h.metrics());
  });
});
