import { Agent, OpenAIChatCompletionsModel, OpenAIProvider, OpenAIResponsesModel, Runner, run } from "@openai/agents";
import type { Attributes } from "@opentelemetry/api";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentModel } from "../src/index.js";
import { drained, refund, weather } from "./fixtures.js";
import { checkedTrees, h, install, onAgents017 } from "./setup.js";
import { chat, executeTool, failed, failedRun, finished, handoff, invokeAgent, lostAnswer, tools, workflow } from "./trees.js";

// What a new user of the real OpenAI model classes saw: withheld tool results recorded as empty,
// a cancelled request reported as "Error", and a cancelled stream reported as finished ("stop").

let server: OpenAIServer | undefined;
beforeEach(() => h.reset());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const apis = [
  ["responses", true],
  ["chat_completions", false],
] as const;

/** An OpenAI client on the loopback server; `onRequest` runs as each request is sent. */
const clientFor = (url: string, onRequest: () => void = () => {}) =>
  new OpenAI({
    baseURL: url,
    apiKey: "test",
    maxRetries: 0,
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      onRequest();
      return fetch(input, init);
    },
  });

/** The Model object itself, not wrapped by instrumentModel: what the processor sees alone. */
const modelFor = (client: OpenAI, useResponses: boolean) =>
  useResponses ? new OpenAIResponsesModel(client, "gpt-4o-mini") : new OpenAIChatCompletionsModel(client, "gpt-4o-mini");

/**
 * The server on the chat span of a model object the app holds: read from the Responses model's
 * client (the Chat Completions model keeps its client private).
 */
const serverFor = (useResponses: boolean): Attributes =>
  useResponses ? { "server.address": "127.0.0.1", "server.port": server?.port } : {};

/**
 * The chat span of a Responses Model object not wrapped, on the loopback server (temperature and
 * top_p are the server's echo): the requested model and server read from the object the agent holds.
 */
const unwrappedResponsesChat = (id: string, responseModel: string, usageAndReasons: Attributes) =>
  chat(
    {
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 1,
      "gen_ai.request.top_p": 1,
      "gen_ai.response.id": id,
      "gen_ai.response.model": responseModel,
      "gen_ai.usage.cache_read.input_tokens": 0,
      "gen_ai.usage.reasoning.output_tokens": 0,
      "openai.api.type": "responses",
      "openai.response.service_tier": "default",
      "server.address": "127.0.0.1",
      "server.port": server?.port,
      ...usageAndReasons,
    },
    "chat gpt-4o-mini",
  );

describe("OpenAI models: sensitive data off, cancellations, requested model and server", () => {
  it("a Responses Model object wrapped with instrumentModel: request.model is the model it asks for, response.model the one that answered; server from its client", async () => {
    install();
    server = await startOpenAIServer({
      replies: [{ text: "Hi", usage: { input: 5, output: 1 }, model: "gpt-4o-mini-2024-07-18", id: "resp_w" }],
    });
    const agent = new Agent({ name: "Greeter", model: instrumentModel(modelFor(clientFor(server.url), true)) });
    expect((await run(agent, "hi")).finalOutput).toBe("Hi");
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Greeter", finished(["stop"], 5, 1), [
        chat(
          {
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 1,
            "gen_ai.request.top_p": 1,
            "gen_ai.response.id": "resp_w",
            "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.reasoning.output_tokens": 0,
            "openai.api.type": "responses",
            "openai.response.service_tier": "default",
            "server.address": "127.0.0.1",
            "server.port": server.port,
            ...finished(["stop"], 5, 1),
          },
          "chat gpt-4o-mini",
        ),
      ]),
    ]);
  });

  it("a Responses Model object the agent holds, not wrapped: every turn's chat span names the requested model and the server, read from the agent the runner starts", async () => {
    install();
    server = await startOpenAIServer({
      replies: [
        {
          toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_p" }],
          usage: { input: 20, output: 4 },
          model: "gpt-4o-mini-2024-07-18",
          id: "resp_1",
        },
        { text: "Sunny in Paris", usage: { input: 30, output: 3 }, model: "gpt-4o-mini-2024-07-18", id: "resp_2" },
      ],
    });
    const agent = new Agent({ name: "Weather", model: modelFor(clientFor(server.url), true), tools: [weather] });
    expect((await run(agent, "Weather in Paris?")).finalOutput).toBe("Sunny in Paris");
    // The runner announces the agent once, in its first turn: the second turn's call is named too.
    const call = (id: string, reasons: string[], input: number, output: number) =>
      unwrappedResponsesChat(id, "gpt-4o-mini-2024-07-18", finished(reasons, input, output));
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 50, 7), ...tools("get_weather") }, [
        call("resp_1", ["tool_call"], 20, 4),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_p",
          "gen_ai.tool.description": "Weather for a city",
        }),
        call("resp_2", ["stop"], 30, 3),
      ]),
    ]);
  });

  it("a Responses Model object not wrapped, in a run paused for an approval and resumed from its RunState: the resumed run's chat span names the model and server too", async () => {
    install();
    server = await startOpenAIServer({
      replies: [
        {
          toolCalls: [{ name: "refund", arguments: { order: "A1" }, id: "call_r" }],
          usage: { input: 20, output: 4 },
          id: "resp_1",
        },
        { text: "Refunded A1", usage: { input: 30, output: 3 }, id: "resp_2" },
      ],
    });
    const agent = new Agent({ name: "Support", model: modelFor(clientFor(server.url), true), tools: [refund] });
    const runner = new Runner();
    const paused = await runner.run(agent, "Refund A1");
    for (const interruption of paused.interruptions) paused.state.approve(interruption);
    // The runner does not announce the agent again: the processor reads it from the resumed state.
    expect((await runner.run(agent, paused.state)).finalOutput).toBe("Refunded A1");
    const call = (id: string, reasons: string[], input: number, output: number) =>
      unwrappedResponsesChat(id, "gpt-4o-mini", finished(reasons, input, output));
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Support", { ...finished(["tool_call"], 20, 4), ...tools("refund") }, [call("resp_1", ["tool_call"], 20, 4)]),
      invokeAgent("Support", { ...finished(["stop"], 30, 3), ...tools("refund") }, [
        executeTool("Support", "refund", { "gen_ai.tool.call.id": "call_r", "gen_ai.tool.description": "Refund an order" }),
        call("resp_2", ["stop"], 30, 3),
      ]),
    ]);
  });

  it("the runner's Responses Model object (RunConfig model), streamed, handing off to an agent with its own: each chat span names its agent's model", async () => {
    install();
    server = await startOpenAIServer({
      replies: [
        { toolCalls: [{ name: "transfer_to_Specialist", id: "call_h" }], usage: { input: 15, output: 2 }, id: "resp_t" },
        { text: "Snow in Oslo", usage: { input: 40, output: 8 }, id: "resp_s" },
      ],
    });
    const client = clientFor(server.url);
    const specialist = new Agent({ name: "Specialist", model: new OpenAIResponsesModel(client, "gpt-4.1") });
    const triage = new Agent({ name: "Triage", handoffs: [specialist] });
    const runner = new Runner({ model: new OpenAIResponsesModel(client, "gpt-4o-mini") });
    const result = await drained(await runner.run(triage, "Weather in Oslo?", { stream: true }));
    expect(result.finalOutput).toBe("Snow in Oslo");
    const call = (model: string, id: string, reasons: string[], input: number, output: number) =>
      chat(
        {
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": model,
          "gen_ai.request.stream": true,
          "gen_ai.request.temperature": 1,
          "gen_ai.request.top_p": 1,
          "gen_ai.response.id": id,
          "gen_ai.response.model": model,
          "gen_ai.usage.cache_read.input_tokens": 0,
          "gen_ai.usage.reasoning.output_tokens": 0,
          "openai.api.type": "responses",
          "openai.response.service_tier": "default",
          "server.address": "127.0.0.1",
          "server.port": server?.port,
          ...finished(reasons, input, output),
        },
        `chat ${model}`,
      );
    expect(await checkedTrees()).toStrictEqual([
      workflow(
        [
          invokeAgent(
            "Triage",
            { ...finished(["tool_call"], 15, 2), "otel_agents.openai_agents.agent.handoffs": ["Specialist"] },
            [call("gpt-4o-mini", "resp_t", ["tool_call"], 15, 2), handoff("Triage", "Specialist")],
          ),
          invokeAgent("Specialist", finished(["stop"], 40, 8), [call("gpt-4.1", "resp_s", ["stop"], 40, 8)]),
        ],
        "Triage",
      ),
    ]);
  });

  it.each(apis)(
    "%s with sensitive data off and content capture on: the tool's withheld arguments and result are both left out",
    async (api, useResponses) => {
      install({ captureContent: true });
      server = await startOpenAIServer({
        replies: [
          {
            toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_p" }],
            usage: { input: 20, output: 4 },
            id: `${api}-1`,
          },
          { text: "Sunny in Paris", usage: { input: 30, output: 3 }, id: `${api}-2` },
        ],
      });
      const runner = new Runner({
        traceIncludeSensitiveData: false,
        modelProvider: new OpenAIProvider({ openAIClient: clientFor(server.url), useResponses }),
      });
      const agent = new Agent({ name: "Weather", model: "gpt-4o-mini", tools: [weather] });
      const result = await runner.run(agent, "Weather in Paris?");
      expect(result.finalOutput).toBe("Sunny in Paris");
      const trees = await checkedTrees();
      const tool = trees[0]?.children[1];
      expect(tool?.name).toBe("execute_tool get_weather");
      expect(tool?.attributes).not.toHaveProperty("gen_ai.tool.call.result");
      expect(tool?.attributes).not.toHaveProperty("gen_ai.tool.call.arguments");
      const userAsks = '{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}';
      const modelCalls =
        '{"role":"assistant","parts":[{"type":"tool_call","id":"call_p","name":"get_weather","arguments":{"city":"Paris"}}]}';
      // Before 0.20 the Responses model ignores sensitive data off for non-streamed calls (README "Traps"):
      // its span still has the whole response and input, recorded as the app's captureContent says.
      const leaked = (input: string, output: string) =>
        onAgents017 && useResponses
          ? {
              "gen_ai.input.messages": input,
              "gen_ai.output.messages": output,
              "gen_ai.request.temperature": 1,
              "gen_ai.request.top_p": 1,
              "gen_ai.response.model": "gpt-4o-mini",
              "gen_ai.usage.cache_read.input_tokens": 0,
              "openai.response.service_tier": "default",
            }
          : {};
      const call = (id: string, reasons: string[], input: number, output: number, extra: Attributes) =>
        chat(
          {
            ...extra,
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.response.id": id,
            "gen_ai.usage.reasoning.output_tokens": 0,
            // The Chat Completions model keeps its client private: no server for it.
            ...(useResponses ? { "server.address": "127.0.0.1", "server.port": server?.port } : {}),
            "openai.api.type": api,
            ...finished(reasons, input, output),
          },
          "chat gpt-4o-mini",
        );
      expect(trees).toStrictEqual([
        invokeAgent("Weather", { ...finished(["tool_call", "stop"], 50, 7), ...tools("get_weather") }, [
          call(`${api}-1`, ["tool_call"], 20, 4, leaked(`[${userAsks}]`, `[${modelCalls}]`)),
          executeTool("Weather", "get_weather", {
            "gen_ai.tool.call.id": "call_p",
            "gen_ai.tool.description": "Weather for a city",
          }),
          call(
            `${api}-2`,
            ["stop"],
            30,
            3,
            leaked(
              `[${userAsks},${modelCalls},{"role":"tool","parts":[{"type":"tool_call_response","id":"call_p","response":"sunny in Paris"}]}]`,
              '[{"role":"assistant","parts":[{"type":"text","content":"Sunny in Paris"}]}]',
            ),
          ),
        ]),
      ]);
    },
  );

  it.each(apis)(
    "%s, not streamed, cancelled while its request is in flight: the app gets openai's APIUserAbortError, chat and agent end as ERROR AbortError",
    async (api, useResponses) => {
      install();
      server = await startOpenAIServer({ replies: [{ text: "never" }] });
      const controller = new AbortController();
      // The app cancels the run once its model request is on its way.
      const client = clientFor(server.url, () => controller.abort());
      const agent = new Agent({ name: "Cancelled", model: modelFor(client, useResponses) });
      const error = await run(agent, "Tell me a story", { signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
      expect((error as Error).name).toBe("Error");
      expect(await checkedTrees()).toStrictEqual([
        failedRun("AbortError", "Cancelled", lostAnswer, [
          failed(
            "AbortError",
            // Both name the requested model: the Chat Completions span itself, the Responses model
            // object when the runner started the agent (before, this Responses chat was plain `chat`).
            chat(
              {
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o-mini",
                ...serverFor(useResponses),
                "openai.api.type": api,
              },
              "chat gpt-4o-mini",
            ),
          ),
        ]),
      ]);
    },
  );

  it.each(apis)(
    "%s, streamed, cancelled mid-answer with an AbortSignal (model not wrapped): the cut-off call reports finish reason error, no usage",
    async (api, useResponses) => {
      const processor = install();
      // The answer's first event comes at once, the rest only long after the run was cancelled.
      server = await startOpenAIServer({ replies: [{ chunks: ["Once", " upon", " a time"], chunkDelayMs: 60_000 }] });
      const controller = new AbortController();
      const agent = new Agent({ name: "Teller", model: modelFor(clientFor(server.url), useResponses) });
      const result = await run(agent, "Tell me a story", { stream: true, signal: controller.signal });
      for await (const event of result) {
        if (event.type === "raw_model_stream_event") controller.abort();
      }
      await result.completed;
      expect(result.cancelled).toBe(true);
      await expect.poll(() => processor.openRuns).toBe(0);
      // The requested model for both (before, the Responses chat was plain `chat`): see above.
      expect(await checkedTrees()).toStrictEqual([
        failedRun("AbortError", "Teller", lostAnswer, [
          failed(
            "AbortError",
            chat(
              {
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o-mini",
                "gen_ai.request.stream": true,
                ...serverFor(useResponses),
                "openai.api.type": api,
              },
              "chat gpt-4o-mini",
            ),
          ),
        ]),
      ]);
    },
  );
});
