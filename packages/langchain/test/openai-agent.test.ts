import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { context, propagation } from "@opentelemetry/api";
import { assertMetricConformance, missingExpected } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

// A createAgent tool loop over the real ChatOpenAI (Chat Completions API) against a loopback
// OpenAI-compatible server. (ChatOpenAI alone: openai.test.ts, which also runs on the oldest versions.)

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());
beforeEach(() => {
  h.reset();
  server.requests.length = 0;
});

const chatModel = () =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.url } });

const endpoint = () => ({ "server.address": "127.0.0.1", "server.port": server.port });

describe("createAgent with ChatOpenAI", () => {
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
        // ChatOpenAI's Chat Completions converter marks its messages model_provider "openai".
        "openai.api.type": "chat_completions",
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
    // Every chat span carries every attribute the OTel conformance suite expects of it.
    for (const span of h.spans().filter((s) => s.name.startsWith("chat "))) expect(missingExpected(span)).toEqual([]);
  });
});

describe("createAgent with ChatOpenAI, streamed", () => {
  // Streamed through the graph, ChatOpenAI ends each model run with a message whose
  // response_metadata holds only the provider and usage: the response model, fingerprint and tier
  // are in the generation's generationInfo.
  it.each([
    ["stream() in messages mode", "messages"],
    ["streamEvents()", "events"],
  ] as const)(
    "keeps the response model, fingerprint and service tier on chat spans and metrics of an agent run by %s",
    async (_, mode) => {
      const model = "gpt-4o-mini-2024-07-18";
      server.enqueue(
        {
          toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_1" }],
          id: "chatcmpl-1",
          model,
          systemFingerprint: "fp_1",
        },
        { text: "It is sunny in Paris.", id: "chatcmpl-2", model, systemFingerprint: "fp_2", usage: { input: 40, output: 8 } },
      );
      const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
        name: "get_weather",
        description: "Get the weather of a city",
        schema: z.object({ city: z.string() }),
      });
      const agent = createAgent({ model: chatModel(), tools: [getWeather], name: "weather_agent" });
      const input = { messages: [{ role: "user", content: "Weather in Paris?" }] };
      const config = { callbacks: [makeHandler()], configurable: { thread_id: "thread-1" } };
      let text = "";
      if (mode === "messages") {
        for await (const [chunk, meta] of await agent.stream(input, { ...config, streamMode: "messages" })) {
          if (meta.langgraph_node === "model_request") text += chunk.content;
        }
      } else {
        for await (const event of agent.streamEvents(input, { ...config, version: "v2" })) {
          if (event.event === "on_chat_model_stream") text += event.data.chunk.content;
        }
      }
      expect(text).toBe("It is sunny in Paris.");

      const chat = (response: Record<string, unknown>) =>
        n("chat gpt-4o-mini", "CLIENT", {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4o-mini",
          ...endpoint(),
          ...FW,
          "gen_ai.conversation.id": "thread-1",
          "gen_ai.response.time_to_first_chunk": expect.any(Number),
          "gen_ai.request.stream": true,
          "gen_ai.response.model": model,
          "gen_ai.usage.cache_read.input_tokens": 0,
          "gen_ai.usage.reasoning.output_tokens": 0,
          "openai.response.service_tier": "default",
          "openai.api.type": "chat_completions",
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
            ...FW,
            "gen_ai.agent.name": "weather_agent",
            "gen_ai.conversation.id": "thread-1",
            "gen_ai.usage.input_tokens": 50,
            "gen_ai.usage.output_tokens": 13,
            "gen_ai.response.finish_reasons": ["tool_call", "stop"],
          },
          [
            node(
              "model_request",
              1,
              ["branch:to:model_request"],
              [
                chat({
                  "gen_ai.response.id": "chatcmpl-1",
                  "gen_ai.usage.input_tokens": 10,
                  "gen_ai.usage.output_tokens": 5,
                  "openai.response.system_fingerprint": "fp_1",
                  "gen_ai.response.finish_reasons": ["tool_call"],
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
                  "gen_ai.tool.name": "get_weather",
                  "gen_ai.tool.call.id": "call_1",
                  "gen_ai.tool.type": "function",
                  "gen_ai.tool.description": "Get the weather of a city",
                  ...FW,
                  "gen_ai.conversation.id": "thread-1",
                  "gen_ai.agent.name": "weather_agent",
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
                  "gen_ai.usage.input_tokens": 40,
                  "gen_ai.usage.output_tokens": 8,
                  "openai.response.system_fingerprint": "fp_2",
                  "gen_ai.response.finish_reasons": ["stop"],
                }),
              ],
            ),
          ],
        ),
      ]);
      for (const span of h.spans().filter((s) => s.name.startsWith("chat "))) expect(missingExpected(span)).toEqual([]);
      // The inference metrics carry the response model too.
      const metrics = await h.metrics();
      assertMetricConformance(metrics);
      const inference = metrics.filter((m) => m.descriptor.name.startsWith("gen_ai.client.inference."));
      expect(inference.map((m) => m.descriptor.name)).toContain("gen_ai.client.inference.duration");
      for (const metric of inference) {
        expect(metric.dataPoints.filter((p) => p.attributes["gen_ai.response.model"] === undefined)).toEqual([]);
        expect(metric.dataPoints.map((p) => p.attributes["gen_ai.response.model"])).toContain(model);
      }
    },
  );
});

describe("createAgent with ChatOpenAI, aborted", () => {
  it("ends a streamed model call cut off by an abort before its node and agent: the agent gets its error finish reason and the caller's AbortError", async () => {
    // The answer's first chunk arrives, the rest would come a minute later: the app aborts on the first.
    server.enqueue({ id: "chatcmpl-cut", chunks: ["It is", " sunny."], chunkDelayMs: 60_000 });
    const agent = createAgent({ model: chatModel(), tools: [], name: "weather_agent" });
    const handler = makeHandler();
    const controller = new AbortController();
    const read = async () => {
      const stream = await agent.stream(
        { messages: [{ role: "user", content: "Weather in Paris?" }] },
        { callbacks: [handler], streamMode: "messages", signal: controller.signal },
      );
      for await (const _chunk of stream) controller.abort();
    };
    const error = await read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error | undefined)?.name).toBe("AbortError");
    // LangChain reports the node's and the graph's abort at once, the model call's own only when its
    // HTTP request gives up: wait until every run has been reported.
    await expect.poll(() => handler.openRuns).toBe(0);

    const aborted = { "error.type": "AbortError" };
    expect(tree()).toEqual([
      n(
        "invoke_agent weather_agent",
        "INTERNAL",
        {
          "gen_ai.operation.name": "invoke_agent",
          ...FW,
          "gen_ai.agent.name": "weather_agent",
          ...aborted,
          // The cut-off model call's finish reason.
          "gen_ai.response.finish_reasons": ["error"],
        },
        [
          n(
            "model_request",
            "INTERNAL",
            {
              "otel_agents.step.type": "node",
              ...FW,
              "langgraph.node": "model_request",
              "langgraph.step": 1,
              "langgraph.triggers": ["branch:to:model_request"],
              ...aborted,
            },
            [
              n(
                "chat gpt-4o-mini",
                "CLIENT",
                {
                  "gen_ai.operation.name": "chat",
                  "gen_ai.provider.name": "openai",
                  "gen_ai.request.model": "gpt-4o-mini",
                  ...endpoint(),
                  ...FW,
                  ...aborted,
                  "gen_ai.response.time_to_first_chunk": expect.any(Number),
                  "gen_ai.request.stream": true,
                  "gen_ai.response.finish_reasons": ["error"],
                  "openai.api.type": "chat_completions",
                } as never,
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
    // Children end before their parents, and every exception event is the AbortError the caller got
    // (not the plain Error("Abort") LangGraph hands the graph's run).
    const ended = h.spans().map((s) => [s.name, s.events.map((e) => [e.name, e.attributes?.["exception.type"]])]);
    expect(ended).toEqual([
      ["chat gpt-4o-mini", [["exception", "AbortError"]]],
      ["model_request", [["exception", "AbortError"]]],
      ["invoke_agent weather_agent", [["exception", "AbortError"]]],
    ]);
  });
});
