import { createOpenAI } from "@ai-sdk/openai";
import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { type OpenAIServer, type ScriptedReply, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { embedMany, generateText, type LanguageModel, stepCountIs, streamText, type Telemetry, tool } from "ai";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { aiAtLeast, conforms, type Node, tree } from "./helpers.js";

// The real `@ai-sdk/openai` provider against the loopback OpenAI-compatible server: usage, ids,
// finish reasons, streaming and HTTP errors come from the provider's own HTTP and parsing code.

const h = createHarness();
const integration = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

let server: OpenAIServer;
beforeEach(async () => {
  h.reset();
  server = await startOpenAIServer();
});
afterEach(() => server.close());
afterAll(() => h.shutdown());

const weather = tool({
  description: "Gets the weather",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: "sunny" }),
});

interface Api {
  name: string;
  model: (openai: ReturnType<typeof createOpenAI>) => LanguageModel;
  ids: [string, string];
  /** The chat span's attributes that depend on the API (`@ai-sdk/openai` 4.0.118). */
  extra: (server: OpenAIServer) => Record<string, unknown>;
}

const APIS: Api[] = [
  {
    name: "Chat Completions (openai.chat)",
    model: (openai) => openai.chat("gpt-4o"),
    ids: ["chatcmpl-1", "chatcmpl-2"],
    // The chat model reports its request origin, so the span names the server (`ai` passes it on
    // from 7.0.163); it reports no service tier or system fingerprint in its metadata.
    extra: (s) => ({
      "openai.api.type": "chat_completions",
      ...(aiAtLeast("7.0.163") ? { "server.address": "127.0.0.1", "server.port": s.port } : {}),
    }),
  },
  {
    name: "Responses (openai(id))",
    model: (openai) => openai("gpt-4o"),
    ids: ["resp_1", "resp_2"],
    // The Responses model reports the service tier (`ai` passes provider metadata on from 7.0.56)
    // but not its request origin: no server.address.
    extra: () => ({
      "openai.api.type": "responses",
      ...(aiAtLeast("7.0.56") ? { "openai.response.service_tier": "default" } : {}),
    }),
  },
];

/** Step 1 asks for the weather (with cached and reasoning tokens), step 2 answers. */
function toolLoopReplies(ids: [string, string], first: Partial<ScriptedReply> = {}): ScriptedReply[] {
  return [
    {
      id: ids[0],
      model: "gpt-4o-2024-08-06",
      toolCalls: [{ id: "call_1", name: "weather", arguments: { city: "Paris" } }],
      usage: { input: 100, output: 20, cachedInput: 40, reasoning: 5 },
      ...first,
    },
    { id: ids[1], model: "gpt-4o-2024-08-06", text: "Sunny in Paris.", usage: { input: 150, output: 8 } },
  ];
}

function expectedToolLoop(api: Api, stream: boolean, ttfc: [unknown, unknown] = [undefined, undefined]): Node[] {
  const streamAttrs = (i: 0 | 1) =>
    stream ? { "gen_ai.request.stream": true, "gen_ai.response.time_to_first_chunk": ttfc[i] } : {};
  const chat = (i: 0 | 1, reasons: string[], usage: Record<string, number>): Node => ({
    name: "chat gpt-4o",
    kind: "CLIENT",
    status: "UNSET",
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      ...api.extra(server),
      ...streamAttrs(i),
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.response.id": api.ids[i],
      "gen_ai.response.finish_reasons": reasons,
      ...usage,
    },
    children: [],
  });
  return [
    {
      name: "invoke_agent weather-agent",
      kind: "INTERNAL",
      status: "UNSET",
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "weather-agent",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 250,
        "gen_ai.usage.output_tokens": 28,
        "gen_ai.response.finish_reasons": ["tool_call", "stop"],
      },
      children: [
        chat(0, ["tool_call"], {
          "gen_ai.usage.input_tokens": 100,
          "gen_ai.usage.output_tokens": 20,
          "gen_ai.usage.cache_read.input_tokens": 40,
          "gen_ai.usage.reasoning.output_tokens": 5,
        }),
        {
          name: "execute_tool weather",
          kind: "INTERNAL",
          status: "UNSET",
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.agent.name": "weather-agent",
            "gen_ai.tool.name": "weather",
            "gen_ai.tool.call.id": "call_1",
            "gen_ai.tool.type": "function",
            "gen_ai.tool.description": "Gets the weather",
          },
          children: [],
        },
        // The API reports zero cached and reasoning tokens rather than none: so does the span.
        chat(1, ["stop"], {
          "gen_ai.usage.input_tokens": 150,
          "gen_ai.usage.output_tokens": 8,
          "gen_ai.usage.cache_read.input_tokens": 0,
          "gen_ai.usage.reasoning.output_tokens": 0,
        }),
      ],
    },
  ];
}

const ttfcOf = (root: Node | undefined, i: number) =>
  root?.children.filter((c) => c.name.startsWith("chat"))[i]?.attributes["gen_ai.response.time_to_first_chunk"];

/** Runs `fn` and returns what it threw (the caller's view of a failure). */
async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

const errorView = (err: unknown) => {
  const e = err as { name?: string; message?: string; statusCode?: number; isRetryable?: boolean };
  return { name: e.name, message: e.message, statusCode: e.statusCode, isRetryable: e.isRetryable };
};

describe.each(APIS)("@ai-sdk/openai $name", (api) => {
  const model = () => api.model(createOpenAI({ baseURL: server.url, apiKey: "test" }));

  it("generateText with a tool loop: the provider's ids, models, finish reasons and usage (cached, reasoning) on each chat span", async () => {
    server.enqueue(...toolLoopReplies(api.ids));
    const result = await generateText({
      model: model(),
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      telemetry: { functionId: "weather-agent", integrations: [integration()] },
    });
    expect(result.text).toBe("Sunny in Paris.");
    expect(server.requests.map((r) => r.body?.stream)).toEqual([undefined, undefined]);

    const spans = h.spans();
    expect(tree(spans)).toEqual(expectedToolLoop(api, false));
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });

  it("streamText with a tool loop: request.stream and the server's first-chunk delay as time to first chunk", async () => {
    // The first event of the first stream comes 60 ms after the headers.
    server.enqueue(...toolLoopReplies(api.ids, { delayMs: 60 }));
    const result = streamText({
      model: model(),
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      telemetry: { functionId: "weather-agent", integrations: [integration()] },
    });
    expect(await result.text).toBe("Sunny in Paris.");
    expect(server.requests.map((r) => r.body?.stream)).toEqual([true, true]);

    const spans = h.spans();
    const [root] = tree(spans);
    const ttfc = [ttfcOf(root, 0), ttfcOf(root, 1)] as [unknown, unknown];
    const firstChat = spans.filter((s) => s.name === "chat gpt-4o")[0]!;
    expect(ttfc[0]).toBeGreaterThanOrEqual(0.05);
    expect(ttfc[0]).toBeLessThanOrEqual(firstChat.duration[0] + firstChat.duration[1] / 1e9);
    expect(ttfc[1]).toBeGreaterThanOrEqual(0);
    expect(tree(spans)).toEqual(expectedToolLoop(api, true, ttfc));
    conforms(spans);
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toContain("gen_ai.client.inference.time_to_first_chunk");
  });

  it("a 429 fails the chat and agent spans with error.type 429; the caller gets the same error as without telemetry", async () => {
    const call = (telemetry: Telemetry[]) =>
      thrownBy(() =>
        generateText({
          model: model(),
          prompt: "hi",
          maxRetries: 0,
          telemetry: { functionId: "limited", integrations: telemetry },
        }),
      );
    server.enqueue({ error: { status: 429, message: "Rate limit reached" } });
    const control = await call([]);
    h.reset();
    server.enqueue({ error: { status: 429, message: "Rate limit reached" } });
    const observed = await call([integration()]);

    expect(errorView(observed)).toEqual(errorView(control));
    expect(errorView(observed)).toMatchObject({ name: "AI_APICallError", statusCode: 429, isRetryable: true });
    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent limited",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "limited",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "429",
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4o",
              "openai.api.type": api.extra(server)["openai.api.type"],
              // The API error names the URL it called, whichever API: the failed span names the server.
              "server.address": "127.0.0.1",
              "server.port": server.port,
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": "429",
            },
            children: [],
          },
        ],
      },
    ]);
    // The exception event keeps the error's class; error.type is the low-cardinality HTTP status.
    const chat = spans.find((s) => s.name === "chat gpt-4o");
    expect(chat?.events.map((e) => e.attributes)).toEqual([{ "exception.type": "AI_APICallError" }]);
    // A failed call has no response: registry conformance, without the expected response attributes.
    assertConformance(spans);
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const duration = metrics.find((m) => m.descriptor.name === "gen_ai.client.inference.duration");
    expect(duration?.dataPoints.map((p) => p.attributes["error.type"])).toContain("429");
  });

  it("a 500 on a stream fails its spans with error.type 500; streamText's onError gets the same error as without telemetry", async () => {
    const call = async (telemetry: Telemetry[]) => {
      const errors: unknown[] = [];
      const result = streamText({
        model: model(),
        prompt: "hi",
        maxRetries: 0,
        onError: ({ error }) => {
          errors.push(error);
        },
        telemetry: { functionId: "streamer", integrations: telemetry },
      });
      await result.consumeStream();
      expect(errors).toHaveLength(1);
      return errors[0];
    };
    server.enqueue({ error: { status: 500, message: "upstream failed" } });
    const control = await call([]);
    h.reset();
    server.enqueue({ error: { status: 500, message: "upstream failed" } });
    const observed = await call([integration()]);

    expect(errorView(observed)).toEqual(errorView(control));
    expect(errorView(observed)).toMatchObject({ name: "AI_APICallError", statusCode: 500 });
    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent streamer",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "streamer",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "500",
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4o",
              "gen_ai.request.stream": true,
              "openai.api.type": api.extra(server)["openai.api.type"],
              "server.address": "127.0.0.1",
              "server.port": server.port,
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": "500",
            },
            children: [],
          },
        ],
      },
    ]);
    assertConformance(spans);
    assertMetricConformance(await h.metrics());
  });

  it("a 500 that ai retries, then a success: one chat span, ended by the retry with the response; the metrics see one successful call", async () => {
    // retry-after-ms: 0 makes ai retry at once instead of after its 2 s backoff (default maxRetries 2).
    server.enqueue(
      { error: { status: 500, message: "upstream failed" }, headers: { "retry-after-ms": "0" } },
      { id: api.ids[0], model: "gpt-4o-2024-08-06", text: "Hello there.", usage: { input: 12, output: 3 } },
    );
    const result = await generateText({
      model: model(),
      prompt: "hi",
      telemetry: { functionId: "flaky", integrations: [integration()] },
    });
    expect(result.text).toBe("Hello there.");
    expect(server.requests).toHaveLength(2);

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent flaky",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "flaky",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 3,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4o",
              ...api.extra(server),
              // Whichever API: the failed attempt's error named the server.
              "server.address": "127.0.0.1",
              "server.port": server.port,
              "gen_ai.response.model": "gpt-4o-2024-08-06",
              "gen_ai.response.id": api.ids[0],
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.usage.input_tokens": 12,
              "gen_ai.usage.output_tokens": 3,
              "gen_ai.usage.cache_read.input_tokens": 0,
              "gen_ai.usage.reasoning.output_tokens": 0,
            },
            children: [],
          },
        ],
      },
    ]);
    conforms(spans);
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    // Metrics are cumulative across tests: this test's points are those of its server's port.
    const duration = metrics.find((m) => m.descriptor.name === "gen_ai.client.inference.duration");
    const points = duration?.dataPoints.filter((p) => p.attributes["server.port"] === server.port);
    expect(points?.map((p) => p.attributes["error.type"])).toEqual([undefined]);
  });
});

describe("@ai-sdk/openai stream errors", () => {
  it("a Chat Completions stream that sends an error event after its first delta fails the chat and agent spans with error.type _OTHER, keeping the response facts; onError gets the same error as without telemetry", async () => {
    // The SSE OpenAI sends when a server error cuts a stream short (the loopback server has no such reply).
    const sse = [
      {
        id: "chatcmpl-mid",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-4o-2024-08-06",
        choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }],
      },
      { error: { message: "The server had an error while processing your request.", type: "server_error", code: null } },
    ]
      .map((data) => `data: ${JSON.stringify(data)}\n\n`)
      .join("");
    const fetch = async () => new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } });
    const call = async (telemetry: Telemetry[]) => {
      const errors: unknown[] = [];
      const result = streamText({
        model: createOpenAI({ baseURL: server.url, apiKey: "test", fetch }).chat("gpt-4o"),
        prompt: "hi",
        maxRetries: 0,
        onError: ({ error }) => {
          errors.push(error);
        },
        telemetry: { functionId: "mid-stream", integrations: telemetry },
      });
      let text = "";
      for await (const delta of result.textStream) text += delta;
      return { text, finishReason: await result.finishReason, errors };
    };
    const control = await call([]);
    h.reset();
    const observed = await call([integration()]);

    expect({ ...observed, errors: observed.errors.map(errorView) }).toEqual({
      ...control,
      errors: control.errors.map(errorView),
    });
    expect(observed).toMatchObject({ text: "Hel", finishReason: "error", errors: [expect.anything()] });
    const spans = h.spans();
    const [root] = tree(spans);
    const ttfc = root?.children[0]?.attributes["gen_ai.response.time_to_first_chunk"];
    expect(typeof ttfc).toBe("number");
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent mid-stream",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "mid-stream",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "_OTHER",
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4o",
              "gen_ai.request.stream": true,
              ...APIS[0]!.extra(server),
              "gen_ai.response.model": "gpt-4o-2024-08-06",
              "gen_ai.response.id": "chatcmpl-mid",
              "gen_ai.response.finish_reasons": ["error"],
              "gen_ai.response.time_to_first_chunk": ttfc,
              // The error went to onError only: integrations get no event with it.
              "error.type": "_OTHER",
            },
            children: [],
          },
        ],
      },
    ]);
    assertConformance(spans);
    assertMetricConformance(await h.metrics());
  });
});

describe("@ai-sdk/openai embeddings", () => {
  it("embedMany through openai.embedding: one embeddings span with the response model, usage and dimensions", async () => {
    server.enqueue({ usage: { input: 7, output: 0 } });
    const openai = createOpenAI({ baseURL: server.url, apiKey: "test" });
    const { embeddings, usage } = await embedMany({
      model: openai.embedding("text-embedding-3-small"),
      values: ["sunny in Paris", "rain in Oslo"],
      maxRetries: 0,
      telemetry: { integrations: [integration()] },
    });
    expect(embeddings).toHaveLength(2);
    expect(usage).toEqual({ tokens: 7 });
    expect(server.requests[0]?.path).toBe("/v1/embeddings");

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "embeddings text-embedding-3-small",
        kind: "CLIENT",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "embeddings",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "text-embedding-3-small",
          "gen_ai.response.model": "text-embedding-3-small",
          "gen_ai.usage.input_tokens": 7,
          "gen_ai.embeddings.dimension.count": 8,
        },
        children: [],
      },
    ]);
    // With the provider's response model, the embeddings span carries every expected attribute.
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });

  it("has no response model when the call sets recordOutputs: false (the AI SDK withholds the response body from 7.0.163)", async () => {
    const openai = createOpenAI({ baseURL: server.url, apiKey: "test" });
    await embedMany({
      model: openai.embedding("text-embedding-3-small"),
      values: ["a"],
      telemetry: { recordOutputs: false, integrations: [integration()] },
    });
    const [span] = h.spans();
    // Older releases hand integrations the response anyway; its model is no content, so it is kept.
    expect(span?.attributes["gen_ai.response.model"]).toBe(aiAtLeast("7.0.163") ? undefined : "text-embedding-3-small");
    expect(span?.attributes["gen_ai.usage.input_tokens"]).toBe(1);
  });
});
