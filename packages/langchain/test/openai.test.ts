import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import openaiPackage from "@langchain/openai/package.json" with { type: "json" };
import { satisfies } from "@otel-agents/core/adapter";
import { assertMetricConformance, missingExpected } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { RateLimitError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

// The real ChatOpenAI integration (Chat Completions API) against a loopback OpenAI-compatible server.
// createAgent over it: openai-agent.test.ts.

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
        "openai.api.type": "chat_completions",
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
        "openai.api.type": "chat_completions",
        ...FW,
      } as never),
    ]);
    expectNothingMissing();
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toContain("gen_ai.client.inference.time_to_first_chunk");
  });

  it("names the OpenAI API the call used: the Responses API, with the service tier it asked for", async () => {
    server.enqueue({ text: "Paris.", id: "resp_abc", model: "gpt-4o-mini-2024-07-18", usage: { input: 20, output: 4 } });
    const model = chatModel({ useResponsesApi: true, service_tier: "flex" });
    const result = await model.invoke("Capital of France?", { callbacks: [makeHandler()] });
    expect(result.text).toBe("Paris.");
    const request = server.requests[0];
    expect(request?.path).toBe("/v1/responses");
    // @langchain/openai 1.6 sends its service_tier to the Responses API; 1.0 (the oldest line) sent
    // it to Chat Completions only. The span names the tier the request asked for, none when it asked none.
    const sent = request?.body?.service_tier;
    expect(sent === "flex" || satisfies(openaiPackage.version, "<1.1.0")).toBe(true);
    expect(tree()).toEqual([
      n("chat gpt-4o-mini", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        ...(sent === "flex" ? { "openai.request.service_tier": "flex" } : {}),
        ...endpoint(),
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.id": "resp_abc",
        // No finish reason in the Responses API: "completed" without a tool call is a stop.
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 20,
        "gen_ai.usage.output_tokens": 4,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
        "openai.response.service_tier": sent === "flex" ? "flex" : "default",
        "openai.api.type": "responses",
        ...FW,
      } as never),
    ]);
    expectNothingMissing();
  });

  it("reads how a Responses API call ended from its status: a tool call, an answer cut off at max_output_tokens", async () => {
    server.enqueue(
      { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_1" }], id: "resp_tool" },
      { text: "It is sunny and", finishReason: "length", id: "resp_cut" },
    );
    const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: "get_weather",
      description: "Get the weather of a city",
      schema: z.object({ city: z.string() }),
    });
    const model = chatModel({ useResponsesApi: true });
    const handler = makeHandler();
    const first = await model.bindTools([getWeather]).invoke("Weather in Paris?", { callbacks: [handler] });
    expect(first.tool_calls?.[0]?.name).toBe("get_weather");
    await model.invoke("And tomorrow?", { callbacks: [handler] });
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/responses", "/v1/responses"]);
    const chat = (id: string, finishReason: string) =>
      n("chat gpt-4o-mini", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        ...endpoint(),
        "gen_ai.response.model": "gpt-4o-mini",
        "gen_ai.response.id": id,
        "gen_ai.response.finish_reasons": [finishReason],
        "gen_ai.usage.input_tokens": 10,
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
        "openai.response.service_tier": "default",
        "openai.api.type": "responses",
        ...FW,
      } as never);
    expect(tree()).toEqual([chat("resp_tool", "tool_call"), chat("resp_cut", "length")]);
    expectNothingMissing();
  });

  it("gives a tool the app runs itself, outside the model's run, the description the model was given", async () => {
    server.enqueue({ toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_9" }], id: "chatcmpl-9" });
    const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: "get_weather",
      description: "Get the weather of a city",
      schema: z.object({ city: z.string() }),
    });
    const handler = makeHandler();
    const answer = await chatModel()
      .bindTools([getWeather])
      .invoke("Weather in Paris?", { callbacks: [handler] });
    const call = answer.tool_calls?.[0];
    expect(call?.id).toBe("call_9");
    await getWeather.invoke(call as never, { callbacks: [handler] });
    const roots = tree();
    expect(roots.map((r) => r.name)).toEqual(["chat gpt-4o-mini", "execute_tool get_weather"]);
    // The oldest supported @langchain/core does not hand the call id of a directly invoked tool to handlers.
    const callId = roots[1]?.attributes["gen_ai.tool.call.id"] === undefined ? {} : { "gen_ai.tool.call.id": "call_9" };
    expect(roots[1]).toEqual(
      n("execute_tool get_weather", "INTERNAL", {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        ...callId,
        "gen_ai.tool.type": "function",
        "gen_ai.tool.description": "Get the weather of a city",
        ...FW,
      }),
    );
  });

  it("names the Responses API of a call that failed, and of a streamed one", async () => {
    server.enqueue({ error: { status: 429, message: "Rate limit reached" } }, { text: "Paris is the capital", id: "resp_str" });
    const model = chatModel({ useResponsesApi: true });
    const handler = makeHandler();
    const error = await model.invoke("Capital of France?", { callbacks: [handler] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    let text = "";
    for await (const chunk of await model.stream("Capital of France?", { callbacks: [handler] })) text += chunk.text;
    expect(text).toBe("Paris is the capital");
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/responses", "/v1/responses"]);
    // Neither message names the API (the failed call has none; @langchain/openai 1.0's streamed
    // one carries no mark of it): the request ChatOpenAI built does, on both lines.
    const start = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      ...endpoint(),
      "openai.api.type": "responses",
      ...FW,
    };
    expect(tree()).toEqual([
      n(
        "chat gpt-4o-mini",
        "CLIENT",
        { ...start, "error.type": "RateLimitError", "gen_ai.response.finish_reasons": ["error"] },
        [],
        "ERROR",
      ),
      n("chat gpt-4o-mini", "CLIENT", {
        ...start,
        "gen_ai.request.stream": true,
        "gen_ai.response.time_to_first_chunk": expect.any(Number),
        "gen_ai.response.model": "gpt-4o-mini",
        "gen_ai.response.id": "resp_str",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 10,
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
        "openai.response.service_tier": "default",
      } as never),
    ]);
    // The failed call has no response to report; the streamed one misses nothing.
    const streamed = h.spans().find((span) => span.attributes["gen_ai.response.id"] === "resp_str");
    expect(streamed && missingExpected(streamed)).toEqual([]);
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
          // No answer arrived: its one generation reports `error` (#363).
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "RateLimitError",
          // Known from the request ChatOpenAI built, before the call failed.
          "openai.api.type": "chat_completions",
        },
        [],
        "ERROR",
      ),
    ]);
    assertMetricConformance(await h.metrics());
  });
});
