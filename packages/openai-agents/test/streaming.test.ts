import { Agent, OpenAIProvider, Runner, run, setDefaultModelProvider, setTraceProcessors } from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { context, propagation } from "@opentelemetry/api";
import { createHarness } from "@otel-agents/testing/harness";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentModel, instrumentModelProvider, OpenTelemetryTracingProcessor } from "../src/index.js";
import { drained, usage, weather } from "./fixtures.js";
import { checkedTrees, h, install, withoutIds } from "./setup.js";
import { chat, executeTool, failed, failedRun, finished, invokeAgent, lostAnswer, tools } from "./trees.js";

let server: OpenAIServer | undefined;
beforeEach(() => h.reset());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The server a Responses model's client asks (the loopback server): on its chat spans. */
const serverAttributes = () => ({ "server.address": "127.0.0.1", "server.port": server?.port });

const TTFC = "gen_ai.response.time_to_first_chunk";
const FIRST_CHUNK_DELAY_MS = 60;

/** An OpenAI client that, like an HTTP instrumentation, injects the active context into each request. */
function tracingClient(baseURL: string): OpenAI {
  return new OpenAI({
    baseURL,
    apiKey: "test",
    maxRetries: 0,
    fetch: (url, init) => {
      const headers = new Headers(init?.headers);
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      for (const [k, v] of Object.entries(carrier)) headers.set(k, v);
      return fetch(url, { ...init, headers });
    },
  });
}

/** Checks each chat span's time to first chunk against `expected` (seconds) and replaces it by its range. */
function withTtfc(trees: TreeNode[], check: (name: string, ttfc: unknown) => void): TreeNode[] {
  const walk = (n: TreeNode): TreeNode => {
    const attributes = { ...n.attributes };
    if (attributes["gen_ai.operation.name"] === "chat") {
      check(n.name, attributes[TTFC]);
      if (TTFC in attributes) attributes[TTFC] = "<checked>";
    }
    return { ...n, attributes, children: n.children.map(walk) };
  };
  return trees.map(walk);
}

const delayed = (seconds: unknown) => {
  expect(typeof seconds).toBe("number");
  // The server holds the first chunk back FIRST_CHUNK_DELAY_MS (timers may fire a little early).
  expect(seconds as number).toBeGreaterThanOrEqual((FIRST_CHUNK_DELAY_MS - 5) / 1e3);
  expect(seconds as number).toBeLessThan(5);
};

describe("streamed runs with instrumentModel / instrumentModelProvider", () => {
  it("Responses model: time to first chunk and request.stream on each chat span; the HTTP call sees its chat span", async () => {
    install();
    server = await startOpenAIServer({
      replies: [
        {
          toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" }, id: "call_o" }],
          usage: { input: 30, output: 6, cachedInput: 10 },
          model: "gpt-4.1-2025-04-14",
          id: "resp_s1",
          delayMs: FIRST_CHUNK_DELAY_MS,
        },
        {
          text: "Cold in Oslo",
          usage: { input: 50, output: 4, reasoning: 2 },
          model: "gpt-4.1-2025-04-14",
          id: "resp_s2",
          delayMs: FIRST_CHUNK_DELAY_MS,
        },
      ],
    });
    const runner = new Runner({
      modelProvider: instrumentModelProvider(new OpenAIProvider({ openAIClient: tracingClient(server.url), useResponses: true })),
    });
    const agent = new Agent({ name: "Weather", model: "gpt-4.1", tools: [weather] });
    const result = await drained(await runner.run(agent, "Oslo?", { stream: true }));
    expect(result.finalOutput).toBe("Cold in Oslo");
    expect(server.requests.map((r) => [r.path, r.body?.stream])).toEqual([
      ["/v1/responses", true],
      ["/v1/responses", true],
    ]);
    // The model's own HTTP request ran with its chat span active.
    const chats = h.spans().filter((s) => s.name.startsWith("chat"));
    expect(server.requests.map((r) => r.headers.traceparent)).toEqual(
      chats.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`),
    );
    // The requested model and the server the watched model asks; the response names its own model.
    const gpt41 = {
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4.1",
      ...serverAttributes(),
      "gen_ai.request.stream": true,
      "gen_ai.request.temperature": 1,
      "gen_ai.request.top_p": 1,
      "gen_ai.response.model": "gpt-4.1-2025-04-14",
      "gen_ai.response.time_to_first_chunk": "<checked>",
      "openai.api.type": "responses",
      "openai.response.service_tier": "default",
    };
    expect(withTtfc(await checkedTrees(), (_name, ttfc) => delayed(ttfc))).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 80, 10), ...tools("get_weather") }, [
        chat(
          {
            ...gpt41,
            ...finished(["tool_call"], 30, 6),
            "gen_ai.response.id": "resp_s1",
            "gen_ai.usage.cache_read.input_tokens": 10,
            "gen_ai.usage.reasoning.output_tokens": 0,
          },
          "chat gpt-4.1",
        ),
        // The tool's description: from the request the wrapped model was given.
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_o",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat(
          {
            ...gpt41,
            ...finished(["stop"], 50, 4),
            "gen_ai.response.id": "resp_s2",
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.reasoning.output_tokens": 2,
          },
          "chat gpt-4.1",
        ),
      ]),
    ]);
    const ttfcMetric = (await h.metrics()).find((m) => m.descriptor.name === "gen_ai.client.inference.time_to_first_chunk");
    expect(ttfcMetric?.dataPoints.map((p) => (p.value as { count: number }).count)).toEqual([2]);
  });

  it("Chat Completions model: time to first chunk and request.stream, usage from the stream's last chunk", async () => {
    install();
    server = await startOpenAIServer({
      replies: [
        {
          toolCalls: [{ name: "get_weather", arguments: { city: "Lima" }, id: "call_l" }],
          usage: { input: 40, output: 8, cachedInput: 16 },
          model: "gpt-4o-mini-2024-07-18",
          id: "chatcmpl-s1",
          delayMs: FIRST_CHUNK_DELAY_MS,
        },
        {
          text: "Mild in Lima",
          usage: { input: 60, output: 4 },
          model: "gpt-4o-mini-2024-07-18",
          id: "chatcmpl-s2",
          delayMs: FIRST_CHUNK_DELAY_MS,
        },
      ],
    });
    const runner = new Runner({
      modelProvider: instrumentModelProvider(
        new OpenAIProvider({ openAIClient: tracingClient(server.url), useResponses: false }),
      ),
    });
    const agent = new Agent({ name: "Weather", model: "gpt-4o-mini", tools: [weather] });
    const result = await drained(await runner.run(agent, "Lima?", { stream: true }));
    expect(result.finalOutput).toBe("Mild in Lima");
    expect(server.requests.map((r) => [r.path, r.body?.stream])).toEqual([
      ["/v1/chat/completions", true],
      ["/v1/chat/completions", true],
    ]);
    const gpt4oMini = {
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.stream": true,
      "gen_ai.response.time_to_first_chunk": "<checked>",
      "gen_ai.usage.reasoning.output_tokens": 0,
      "openai.api.type": "chat_completions",
    };
    expect(withTtfc(await checkedTrees(), (_name, ttfc) => delayed(ttfc))).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 100, 12), ...tools("get_weather") }, [
        chat(
          {
            ...gpt4oMini,
            ...finished(["tool_call"], 40, 8),
            "gen_ai.response.id": "chatcmpl-s1",
            "gen_ai.usage.cache_read.input_tokens": 16,
          },
          "chat gpt-4o-mini",
        ),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_l",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat(
          {
            ...gpt4oMini,
            ...finished(["stop"], 60, 4),
            "gen_ai.response.id": "chatcmpl-s2",
            "gen_ai.usage.cache_read.input_tokens": 0,
          },
          "chat gpt-4o-mini",
        ),
      ]),
    ]);
  });

  it("a custom Model wrapped with instrumentModel: the synthesised chat span gets request.stream and its first chunk", async () => {
    install();
    const model = instrumentModel(
      new ScriptedModel([
        { usage: usage(10, 5), output: [functionCall("get_weather", { city: "Rome" }, { callId: "call_s" })] },
        { usage: usage(20, 6), output: [assistantMessage("Warm in Rome")] },
      ]),
    );
    const result = await drained(await run(new Agent({ name: "Weather", model, tools: [weather] }), "Rome?", { stream: true }));
    expect(result.finalOutput).toBe("Warm in Rome");
    const streamed = { "gen_ai.request.stream": true, "gen_ai.response.time_to_first_chunk": "<checked>" };
    expect(
      withTtfc(await checkedTrees(), (_name, ttfc) => {
        expect(typeof ttfc).toBe("number");
        expect(ttfc as number).toBeGreaterThanOrEqual(0);
      }),
    ).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 30, 11), ...tools("get_weather") }, [
        // The response ids, call id and description only the wrapped model sees.
        chat({ ...streamed, ...finished(["tool_call"], 10, 5), "gen_ai.response.id": "scripted-response-1" }),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_s",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat({ ...streamed, ...finished(["stop"], 20, 6), "gen_ai.response.id": "scripted-response-2" }),
      ]),
    ]);
  });

  it("a custom Model wrapped with instrumentModel, not streamed: response id, reasoning tokens, call id and tool description from its ModelResponse and request", async () => {
    install();
    const reasoningUsage = new Usage({
      requests: 1,
      inputTokens: 9,
      outputTokens: 7,
      totalTokens: 16,
      outputTokensDetails: { reasoning_tokens: 5 },
    });
    const model = instrumentModel(
      new ScriptedModel([
        {
          usage: reasoningUsage,
          output: [functionCall("get_weather", { city: "Oslo" }, { callId: "call_n" })],
          responseId: "resp_custom_1",
        },
        { usage: usage(4, 2), output: [assistantMessage("Cold in Oslo")], responseId: "resp_custom_2" },
      ]),
    );
    expect((await run(new Agent({ name: "Weather", model, tools: [weather] }), "Oslo?")).finalOutput).toBe("Cold in Oslo");
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 13, 9), ...tools("get_weather") }, [
        chat({
          ...finished(["tool_call"], 9, 7),
          "gen_ai.response.id": "resp_custom_1",
          "gen_ai.usage.reasoning.output_tokens": 5,
        }),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_n",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat({ ...finished(["stop"], 4, 2), "gen_ai.response.id": "resp_custom_2" }),
      ]),
    ]);
  });

  it("a wrapped model in a run that does not stream: nothing about streaming is recorded", async () => {
    install();
    const model = instrumentModel(new ScriptedModel([{ usage: usage(3, 1), output: [assistantMessage("hi")] }]));
    expect((await run(new Agent({ name: "Plain", model }), "hi")).finalOutput).toBe("hi");
    const chat = h.spans().find((s) => s.name === "chat");
    expect(chat?.attributes).not.toHaveProperty("gen_ai.request.stream");
    expect(chat?.attributes).not.toHaveProperty(TTFC);
    await checkedTrees();
  });
});

describe("models the app did not wrap", () => {
  const streamedChat = () => ({
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4.1",
    ...serverAttributes(),
    "gen_ai.request.stream": true,
    "gen_ai.request.temperature": 1,
    "gen_ai.request.top_p": 1,
    "gen_ai.response.id": "resp_u",
    "gen_ai.response.model": "gpt-4.1-2025-04-14",
    "gen_ai.response.time_to_first_chunk": "<checked>",
    "gen_ai.usage.cache_read.input_tokens": 0,
    "gen_ai.usage.reasoning.output_tokens": 0,
    "openai.api.type": "responses",
    "openai.response.service_tier": "default",
    ...finished(["stop"], 12, 2),
  });
  const reply = {
    text: "Hi",
    usage: { input: 12, output: 2 },
    model: "gpt-4.1-2025-04-14",
    id: "resp_u",
    delayMs: FIRST_CHUNK_DELAY_MS,
  };

  it("a runner's own provider: time to first chunk all the same (its provider is observed when a run starts)", async () => {
    install();
    server = await startOpenAIServer({ replies: [reply] });
    const provider = new OpenAIProvider({ openAIClient: tracingClient(server.url), useResponses: true });
    const runner = new Runner({ modelProvider: provider });
    const result = await drained(await runner.run(new Agent({ name: "Greeter", model: "gpt-4.1" }), "hi", { stream: true }));
    expect(result.finalOutput).toBe("Hi");
    // The same provider for everything else.
    expect(runner.config.modelProvider).toBeInstanceOf(OpenAIProvider);
    expect(withTtfc(await checkedTrees(), (_name, ttfc) => delayed(ttfc))).toStrictEqual([
      invokeAgent("Greeter", finished(["stop"], 12, 2), [chat(streamedChat(), "chat gpt-4.1")]),
    ]);
  });

  it("the default runner with the default provider (run()): time to first chunk all the same", async () => {
    install();
    server = await startOpenAIServer({ replies: [reply] });
    setDefaultModelProvider(new OpenAIProvider({ openAIClient: tracingClient(server.url), useResponses: true }));
    try {
      const result = await drained(await run(new Agent({ name: "Greeter", model: "gpt-4.1" }), "hi", { stream: true }));
      expect(result.finalOutput).toBe("Hi");
    } finally {
      // What importing @openai/agents sets (the SDK exports no getter to save it).
      setDefaultModelProvider(new OpenAIProvider());
    }
    expect(withTtfc(await checkedTrees(), (_name, ttfc) => delayed(ttfc))).toStrictEqual([
      invokeAgent("Greeter", finished(["stop"], 12, 2), [chat(streamedChat(), "chat gpt-4.1")]),
    ]);
  });

  it("two processors (two TracerProviders) on the same run: each records the first chunk, and one shut down leaves the other recording", async () => {
    const first = install();
    const other = createHarness();
    const second = new OpenTelemetryTracingProcessor({ tracerProvider: other.tracerProvider });
    setTraceProcessors([first, second]);
    server = await startOpenAIServer({ replies: [reply, reply] });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ openAIClient: tracingClient(server.url), useResponses: true }),
    });
    const agent = new Agent({ name: "Greeter", model: "gpt-4.1" });
    const expected = [invokeAgent("Greeter", finished(["stop"], 12, 2), [chat(streamedChat(), "chat gpt-4.1")])];
    expect((await drained(await runner.run(agent, "hi", { stream: true }))).finalOutput).toBe("Hi");
    expect(withTtfc(await checkedTrees(), (_name, ttfc) => delayed(ttfc))).toStrictEqual(expected);
    expect(withTtfc(spanTree(other.spans(), withoutIds), (_name, ttfc) => delayed(ttfc))).toStrictEqual(expected);
    // The second processor goes away: the first still finds its spans for the next run's first chunk.
    await second.shutdown();
    setTraceProcessors([first]);
    h.reset();
    expect((await drained(await runner.run(agent, "hi", { stream: true }))).finalOutput).toBe("Hi");
    expect(withTtfc(await checkedTrees(), (_name, ttfc) => delayed(ttfc))).toStrictEqual(expected);
    expect(other.spans()).toHaveLength(2);
    await other.shutdown();
  });
});

describe("a streamed call that fails", () => {
  it("a 429 before the first chunk: the chat span still says stream, and chat, agent and workflow fail with 429", async () => {
    install();
    server = await startOpenAIServer({ replies: [{ error: { status: 429, retryAfter: 0 } }] });
    const runner = new Runner({
      modelProvider: instrumentModelProvider(new OpenAIProvider({ openAIClient: tracingClient(server.url), useResponses: true })),
    });
    const result = await runner.run(new Agent({ name: "Busy", model: "gpt-4.1" }), "hi", { stream: true });
    const error = await drained(result).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await checkedTrees()).toStrictEqual([
      failedRun("429", "Busy", lostAnswer, [
        // The requested model (the response that would name a model never came) and the server.
        failed(
          "429",
          chat(
            {
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4.1",
              "gen_ai.request.stream": true,
              ...serverAttributes(),
              "openai.api.type": "responses",
            },
            "chat gpt-4.1",
          ),
        ),
      ]),
    ]);
  });
});
