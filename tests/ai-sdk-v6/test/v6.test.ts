import type { LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { trace } from "@opentelemetry/api";
import { otelAgentsTracer } from "@otel-agents/ai-sdk/v6";
import { assertConformance, assertMetricConformance, missingExpected } from "@otel-agents/testing/conformance";
import { createHarness, type ReadableSpan } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { embedMany, generateText, stepCountIs, streamText, tool } from "ai";
// The `ai` under test: the newest 6.x pinned here, or 6.0.0 in tests/ai-sdk-v6-oldest.
import aiPackage from "ai/package.json" with { type: "json" };
import { MockEmbeddingModelV3, MockLanguageModelV3, simulateReadableStream } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { chatAttrs, weatherAgentTree, weatherTool } from "./weather-loop.js";

// `ai` 6.0.333 (and 6.0.0 in tests/ai-sdk-v6-oldest) with its own V3 mock models: `otelAgentsTracer()` as `experimental_telemetry.tracer`
// must give the same tree as the `ai` 7 integration.

const h = createHarness();
beforeEach(() => h.reset());
afterAll(() => h.shutdown());

const tracer = (captureContent = false) =>
  otelAgentsTracer({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, captureContent });

type Usage = LanguageModelV3GenerateResult["usage"];
const usage = (input: number, output: number, cacheRead?: number, reasoning?: number): Usage => ({
  inputTokens: { total: input, noCache: input - (cacheRead ?? 0), cacheRead, cacheWrite: undefined },
  outputTokens: { total: output, text: output - (reasoning ?? 0), reasoning },
});
const response = (id: string) => ({ id, modelId: "gpt-4o-2024-08-06", timestamp: new Date(0) });

function textResult(text: string, id: string, tokens = usage(20, 3)): LanguageModelV3GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: tokens,
    warnings: [],
    response: response(id),
  };
}

function toolCallResult(id: string, tokens: Usage): LanguageModelV3GenerateResult {
  return {
    content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: JSON.stringify({ city: "Paris" }) }],
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage: tokens,
    warnings: [],
    response: response(id),
  };
}

/**
 * The model's answers, one per call. Not the mock's array form: in ai 6.0.0 it answers call n with
 * element n + 1 (it counts the call before indexing), so the first call would get the second answer.
 */
function inTurn(...results: LanguageModelV3GenerateResult[]): () => PromiseLike<LanguageModelV3GenerateResult> {
  let call = 0;
  return async () => {
    const result = results[call++];
    if (!result) throw new Error(`no answer scripted for call ${call}`);
    return result;
  };
}

function tree(spans: readonly ReadableSpan[]): TreeNode[] {
  return spanTree(spans);
}

function conforms(spans: readonly ReadableSpan[]): void {
  assertConformance(spans);
  for (const span of spans) expect(missingExpected(span), span.name).toEqual([]);
}

/** Cached and reasoning tokens on a generateText model call's span: `ai` 6.0.119 and later. */
const tokenDetails = Number(aiPackage.version.split(".")[2]) >= 119;

const withoutUndefined = (o: Record<string, unknown>): TreeNode["attributes"] =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as TreeNode["attributes"];

describe("ai 6 through otelAgentsTracer()", () => {
  it("reports a single generateText call as invoke_agent with one chat child", async () => {
    const model = new MockLanguageModelV3({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: textResult("Hello!", "chatcmpl-1", usage(11, 2)),
    });
    const result = await generateText({
      model,
      prompt: "Say hello",
      temperature: 0.3,
      maxOutputTokens: 64,
      experimental_telemetry: { isEnabled: true, functionId: "greeter", tracer: tracer() },
    });
    expect(result.text).toBe("Hello!");

    const spans = h.spans();
    const request = { "gen_ai.request.model": "gpt-4o", "gen_ai.request.temperature": 0.3, "gen_ai.request.max_tokens": 64 };
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent greeter",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "greeter",
          ...request,
          "gen_ai.usage.input_tokens": 11,
          "gen_ai.usage.output_tokens": 2,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "UNSET",
            attributes: withoutUndefined({ ...chatAttrs("chatcmpl-1", ["stop"], 11, 2), ...request }),
            children: [],
          },
        ],
      },
    ]);
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });

  it("reports a tool loop as chat, execute_tool, chat; the tool body's spans and traceparent nest under execute_tool", async () => {
    const { weather, traceparent } = weatherTool(h.tracerProvider.getTracer("app"));
    const model = new MockLanguageModelV3({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: inTurn(
        toolCallResult("chatcmpl-1", usage(100, 20, 40, 5)),
        textResult("Sunny in Paris.", "chatcmpl-2", usage(150, 8)),
      ),
    });
    const result = await generateText({
      model,
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: "weather-agent", tracer: tracer() },
    });
    expect(result.text).toBe("Sunny in Paris.");

    const spans = h.spans();
    expect(tree(spans)).toEqual(
      weatherAgentTree(
        {
          name: "chat gpt-4o",
          kind: "CLIENT",
          status: "UNSET",
          attributes: withoutUndefined(
            chatAttrs("chatcmpl-1", ["tool_call"], 100, 20, {
              // Before 6.0.119 a generateText model call reports input and output tokens only.
              "gen_ai.usage.cache_read.input_tokens": tokenDetails ? 40 : undefined,
              "gen_ai.usage.reasoning.output_tokens": tokenDetails ? 5 : undefined,
            }),
          ),
          children: [],
        },
        {
          name: "chat gpt-4o",
          kind: "CLIENT",
          status: "UNSET",
          attributes: withoutUndefined(chatAttrs("chatcmpl-2", ["stop"], 150, 8)),
          children: [],
        },
      ),
    );
    const tool_ = spans.find((s) => s.name === "execute_tool weather");
    expect(traceparent()?.split("-")[2]).toBe(tool_?.spanContext().spanId);
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });

  it("reports streamText with request.stream and time to first chunk", async () => {
    const chunks: LanguageModelV3StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", ...response("resp_s1") },
      { type: "text-start", id: "t1" },
      { type: "text-delta", id: "t1", delta: "Hel" },
      { type: "text-delta", id: "t1", delta: "lo!" },
      { type: "text-end", id: "t1" },
      { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(12, 2) },
    ];
    const model = new MockLanguageModelV3({
      provider: "openai.responses",
      modelId: "gpt-4o",
      // The first chunk comes after 30 ms: the model's latency the span must show.
      doStream: async () => ({ stream: simulateReadableStream({ chunks, initialDelayInMs: 30, chunkDelayInMs: null }) }),
    });
    const result = streamText({ model, prompt: "Say hello", experimental_telemetry: { isEnabled: true, tracer: tracer() } });
    // Reading the stream to its end waits for `ai` to end its call (after `text` resolves).
    await result.consumeStream();
    expect(await result.text).toBe("Hello!");

    const spans = h.spans();
    const chat = spans.find((s) => s.name === "chat gpt-4o");
    const ttfc = chat?.attributes["gen_ai.response.time_to_first_chunk"] as number;
    expect(ttfc).toBeGreaterThanOrEqual(0.02);
    expect(ttfc).toBeLessThanOrEqual(chat!.duration[0] + chat!.duration[1] / 1e9);
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 2,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "UNSET",
            attributes: withoutUndefined(
              chatAttrs("resp_s1", ["stop"], 12, 2, {
                "openai.api.type": "responses",
                "gen_ai.request.stream": true,
                "gen_ai.response.time_to_first_chunk": ttfc,
              }),
            ),
            children: [],
          },
        ],
      },
    ]);
    conforms(spans);
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toContain("gen_ai.client.inference.time_to_first_chunk");
  });

  it("fails the chat and agent spans of a failing model call; the caller gets the same error", async () => {
    class RateLimitError extends Error {
      override name = "RateLimitError";
    }
    const boom = new RateLimitError("429: slow down");
    const model = new MockLanguageModelV3({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: async () => {
        throw boom;
      },
    });
    await expect(
      generateText({
        model,
        prompt: "hi",
        maxRetries: 0,
        experimental_telemetry: { isEnabled: true, functionId: "limited", tracer: tracer() },
      }),
    ).rejects.toBe(boom);

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
          "error.type": "RateLimitError",
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
              "openai.api.type": "chat_completions",
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": "RateLimitError",
            },
            children: [],
          },
        ],
      },
    ]);
    assertConformance(spans);
    assertMetricConformance(await h.metrics());
  });

  it("fails an execute_tool span whose tool throws; the loop goes on as without telemetry", async () => {
    class LookupError extends Error {
      override name = "LookupError";
    }
    const model = new MockLanguageModelV3({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: inTurn(toolCallResult("chatcmpl-1", usage(10, 5)), textResult("Sorry.", "chatcmpl-2")),
    });
    const weather = tool({
      inputSchema: z.object({ city: z.string() }),
      execute: async (): Promise<string> => {
        throw new LookupError("no such city");
      },
    });
    const result = await generateText({
      model,
      prompt: "Weather?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: "a", tracer: tracer() },
    });
    expect(result.text).toBe("Sorry.");
    const [root] = tree(h.spans());
    expect(root?.children.map((c) => [c.name, c.status, c.attributes["error.type"]])).toEqual([
      ["chat gpt-4o", "UNSET", undefined],
      ["execute_tool weather", "ERROR", "LookupError"],
      ["chat gpt-4o", "UNSET", undefined],
    ]);
    assertConformance(h.spans());
  });

  it("records content as semconv JSON only with capture on", async () => {
    const model = new MockLanguageModelV3({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: inTurn(toolCallResult("chatcmpl-1", usage(10, 5)), textResult("Sunny.", "chatcmpl-2")),
    });
    const weather = tool({
      description: "Gets the weather",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, sky: "sunny" }),
    });
    await generateText({
      model,
      system: "Be brief.",
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: "a", tracer: tracer(true) },
    });
    const spans = h.spans();
    assertConformance(spans);
    const [first] = spans.filter((s) => s.name === "chat gpt-4o");
    expect(JSON.parse(String(first?.attributes["gen_ai.system_instructions"]))).toEqual([{ type: "text", content: "Be brief." }]);
    expect(JSON.parse(String(first?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
    ]);
    expect(JSON.parse(String(first?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "weather", arguments: { city: "Paris" } }] },
    ]);
    expect(JSON.parse(String(first?.attributes["gen_ai.tool.definitions"]))).toEqual([
      expect.objectContaining({ type: "function", name: "weather", description: "Gets the weather" }),
    ]);
    const toolSpan = spans.find((s) => s.name === "execute_tool weather");
    expect(JSON.parse(String(toolSpan?.attributes["gen_ai.tool.call.arguments"]))).toEqual({ city: "Paris" });
    expect(JSON.parse(String(toolSpan?.attributes["gen_ai.tool.call.result"]))).toEqual({ city: "Paris", sky: "sunny" });

    h.reset();
    await generateText({
      model: new MockLanguageModelV3({ modelId: "gpt-4o", doGenerate: textResult("x", "c") }),
      prompt: "secret",
      experimental_telemetry: { isEnabled: true, tracer: tracer(false) },
    });
    expect(JSON.stringify(h.spans().map((s) => s.attributes))).not.toContain("secret");
  });

  it("reports embedMany as one embeddings span (the per-request doEmbed spans are not separate operations)", async () => {
    const model = new MockEmbeddingModelV3({
      provider: "openai.embedding",
      modelId: "text-embedding-3-small",
      maxEmbeddingsPerCall: 2,
      doEmbed: async ({ values }) => ({
        embeddings: values.map(() => [0.1, 0.2, 0.3]),
        usage: { tokens: values.length * 4 },
        warnings: [],
      }),
    });
    await embedMany({ model, values: ["a", "b", "c"], experimental_telemetry: { isEnabled: true, tracer: tracer() } });
    expect(tree(h.spans())).toEqual([
      {
        name: "embeddings text-embedding-3-small",
        kind: "CLIENT",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "embeddings",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "text-embedding-3-small",
          "gen_ai.usage.input_tokens": 12,
        },
        children: [],
      },
    ]);
    assertConformance(h.spans());
  });

  it("runs ten concurrent calls as ten separate trees", async () => {
    const calls = Array.from({ length: 10 }, (_, i) =>
      generateText({
        model: new MockLanguageModelV3({
          provider: "openai.chat",
          modelId: "gpt-4o",
          doGenerate: textResult(`r${i}`, `id-${i}`, usage(i + 1, 1)),
        }),
        prompt: `p${i}`,
        experimental_telemetry: { isEnabled: true, functionId: `agent-${i}`, tracer: tracer() },
      }),
    );
    await Promise.all(calls);
    const roots = tree(h.spans());
    expect(roots).toHaveLength(10);
    for (const root of roots) {
      const i = Number(root.name.replace("invoke_agent agent-", ""));
      expect(
        root.children.map((c) => [c.name, c.attributes["gen_ai.response.id"], c.attributes["gen_ai.usage.input_tokens"]]),
      ).toEqual([["chat gpt-4o", `id-${i}`, i + 1]]);
    }
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
