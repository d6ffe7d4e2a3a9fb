import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { stepCountIs, streamText, tool } from "ai";
import { MockLanguageModelV4, simulateReadableStream } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { retryableError, textStream, toolCallStream } from "./fixtures.js";
import { aiAtLeast, conforms, tree } from "./helpers.js";

const h = createHarness();
const integration = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

const durationS = (span: { duration: [number, number] }) => span.duration[0] + span.duration[1] / 1e9;

describe("streamText", () => {
  it("reports a fully consumed stream with request.stream and time to first chunk; no functionId names the span invoke_agent", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.responses",
      modelId: "gpt-4o-mini",
      // The first chunk comes after 30 ms: that is the model's latency the span must show.
      doStream: async () => textStream(["Hel", "lo", "!"], "resp_s1", 30),
    });
    const result = streamText({ model, prompt: "Say hello", telemetry: { integrations: [integration()] } });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("Hello!");
    await result.consumeStream();

    const spans = h.spans();
    const [root] = tree(spans);
    const chatAttributes = root?.children[0]?.attributes ?? {};
    const ttfc = chatAttributes["gen_ai.response.time_to_first_chunk"];
    expect(typeof ttfc).toBe("number");
    const chatSpan = spans.find((s) => s.name === "chat gpt-4o-mini");
    expect(ttfc as number).toBeGreaterThanOrEqual(0.02);
    expect(ttfc as number).toBeLessThanOrEqual(durationS(chatSpan!));

    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 3,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat gpt-4o-mini",
            kind: "CLIENT",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "openai.api.type": "responses",
              "gen_ai.request.model": "gpt-4o-mini",
              "gen_ai.request.stream": true,
              "gen_ai.response.model": "mock-model-2025-01-01",
              "gen_ai.response.id": "resp_s1",
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.response.time_to_first_chunk": ttfc,
              "gen_ai.usage.input_tokens": 12,
              "gen_ai.usage.output_tokens": 3,
            },
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

  it("nests a streamed tool loop under one invoke_agent, with the tool body's own span under execute_tool", async () => {
    const appTracer = h.tracerProvider.getTracer("app");
    const streams = [toolCallStream("call_s", "clock", {}, "resp_t1"), textStream(["It is noon."], "resp_t2")];
    const model = new MockLanguageModelV4({ modelId: "gpt-4o", doStream: async () => streams.shift()! });
    const result = streamText({
      model,
      prompt: "What time is it?",
      stopWhen: stepCountIs(3),
      tools: {
        clock: tool({
          inputSchema: z.object({}),
          execute: async () => {
            appTracer.startSpan("read clock").end();
            return "12:00";
          },
        }),
      },
      telemetry: { functionId: "timekeeper", integrations: [integration()] },
    });
    expect(await result.text).toBe("It is noon.");

    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_agent timekeeper [INTERNAL]": [
          "chat gpt-4o [CLIENT]",
          { "execute_tool clock [INTERNAL]": ["read clock [INTERNAL]"] },
          "chat gpt-4o [CLIENT]",
        ],
      },
    ]);
    const [root] = tree(spans);
    expect(
      root?.children.map((c) => c.attributes["gen_ai.response.finish_reasons"] ?? c.attributes["gen_ai.tool.call.id"]),
    ).toEqual([["tool_call"], "call_s", ["stop"]]);
    expect(root?.attributes["gen_ai.usage.input_tokens"]).toBe(22);
    conforms(spans);
  });

  it("ends every span of an aborted stream as ERROR with error.type AbortError", async () => {
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doStream: async () => textStream(["one ", "two ", "three ", "four"], "resp_a", null, 10),
    });
    const controller = new AbortController();
    const result = streamText({
      model,
      prompt: "Count",
      abortSignal: controller.signal,
      telemetry: { functionId: "counter", integrations: [integration()] },
    });
    const seen: string[] = [];
    for await (const part of result.fullStream) {
      seen.push(part.type);
      if (part.type === "text-delta") controller.abort();
    }
    expect(seen).toContain("abort");

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent counter",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "counter",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "AbortError",
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "mock-provider",
              "gen_ai.request.model": "gpt-4o",
              "gen_ai.request.stream": true,
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": "AbortError",
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

describe("streamText retries and stream errors", () => {
  /** This test's inference-duration points (metrics are cumulative across tests): their error.type. */
  const durationErrorTypes = async (requestModel: string) => {
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const duration = metrics.find((m) => m.descriptor.name === "gen_ai.client.inference.duration");
    return duration?.dataPoints
      .filter((p) => p.attributes["gen_ai.request.model"] === requestModel)
      .map((p) => p.attributes["error.type"]);
  };

  it("a stream call that fails and is retried by ai is one chat span, ended by the retry that answers (time to first chunk included)", async () => {
    let attempts = 0;
    const model = new MockLanguageModelV4({
      provider: "openai.responses",
      modelId: "gpt-4o-retried",
      doStream: async () => {
        attempts++;
        // ai's default maxRetries (2); the error's retry-after-ms: 0 spares the 2 s backoff.
        if (attempts === 1) throw retryableError(429);
        return textStream(["Hel", "lo"], "resp_r");
      },
    });
    const result = streamText({
      model,
      prompt: "Say hello",
      telemetry: { functionId: "streamer", integrations: [integration()] },
    });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("Hello");
    expect(attempts).toBe(2);

    const spans = h.spans();
    const [root] = tree(spans);
    const ttfc = root?.children[0]?.attributes["gen_ai.response.time_to_first_chunk"];
    expect(typeof ttfc).toBe("number");
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent streamer",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "streamer",
          "gen_ai.request.model": "gpt-4o-retried",
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 2,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat gpt-4o-retried",
            kind: "CLIENT",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "openai",
              "openai.api.type": "responses",
              "gen_ai.request.model": "gpt-4o-retried",
              "gen_ai.request.stream": true,
              // From the failed attempt's error: the mock's stream reports no request URL.
              "server.address": "api.example.com",
              "server.port": 443,
              "gen_ai.response.model": "mock-model-2025-01-01",
              "gen_ai.response.id": "resp_r",
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.response.time_to_first_chunk": ttfc,
              "gen_ai.usage.input_tokens": 12,
              "gen_ai.usage.output_tokens": 2,
            },
            children: [],
          },
        ],
      },
    ]);
    expect(spans.flatMap((s) => s.events)).toEqual([]);
    conforms(spans);
    expect(await durationErrorTypes("gpt-4o-retried")).toEqual([undefined]);
  });

  it("a stream whose model sends an error part and no finish fails the chat and agent spans (error.type _OTHER, finish reason error)", async () => {
    class ModelBoom extends Error {
      override name = "ModelBoom";
    }
    const boom = new ModelBoom("the model failed mid-stream");
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o-broken",
      doStream: async () => ({
        stream: simulateReadableStream({
          chunks: [
            { type: "stream-start", warnings: [] },
            { type: "response-metadata", id: "resp_e", modelId: "mock-model-2025-01-01", timestamp: new Date(0) },
            { type: "text-start", id: "t1" },
            { type: "text-delta", id: "t1", delta: "par" },
            { type: "error", error: boom },
          ],
        }),
      }),
    });
    const errors: unknown[] = [];
    const result = streamText({
      model,
      prompt: "Say something",
      onError: ({ error }) => {
        errors.push(error);
      },
      telemetry: { functionId: "broken", integrations: [integration()] },
    });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    // What the app gets is unchanged: the partial text, finish reason error, the error itself.
    expect(text).toBe("par");
    expect(await result.finishReason).toBe("error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(boom);

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent broken",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "broken",
          "gen_ai.request.model": "gpt-4o-broken",
          "gen_ai.response.finish_reasons": ["error"],
          // Integrations get no event with the error (it goes to the app's onError only).
          "error.type": "_OTHER",
        },
        children: [
          {
            name: "chat gpt-4o-broken",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "mock-provider",
              "gen_ai.request.model": "gpt-4o-broken",
              "gen_ai.request.stream": true,
              // No finish part, so no finish reason arrived: it failed with `error`.
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": "_OTHER",
            },
            children: [],
          },
        ],
      },
    ]);
    assertConformance(spans);
    expect(await durationErrorTypes("gpt-4o-broken")).toEqual(["_OTHER"]);
  });

  it("streamRetries: a retry after an error part whose provider call throws fails the one chat span and the agent with that error", async () => {
    class UpstreamDown extends Error {
      override name = "UpstreamDown";
    }
    let attempts = 0;
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o-stream-retried",
      doStream: async () => {
        attempts++;
        if (attempts > 1) throw new UpstreamDown("no second stream");
        return {
          stream: simulateReadableStream({
            chunks: [
              { type: "stream-start", warnings: [] },
              { type: "text-start", id: "t1" },
              { type: "text-delta", id: "t1", delta: "par" },
              { type: "error", error: new Error("stream cut") },
            ],
          }),
        };
      },
    });
    const result = streamText({
      model,
      prompt: "Say something",
      maxRetries: 0,
      streamRetries: 1,
      onError: () => {},
      telemetry: { functionId: "stream-retrier", integrations: [integration()] },
    });
    for await (const _ of result.textStream) {
      // read to the end
    }
    expect(await result.finishReason).toBe("error");
    // `streamRetries` came with ai 7.0.91; an older ai ignores it: the error part ends the call
    // unretried, and its error is unknown to integrations.
    const retried = aiAtLeast("7.0.91");
    expect(attempts).toBe(retried ? 2 : 1);
    const errorType = retried ? "UpstreamDown" : "_OTHER";

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent stream-retrier",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "stream-retrier",
          "gen_ai.request.model": "gpt-4o-stream-retried",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": errorType,
        },
        children: [
          {
            name: "chat gpt-4o-stream-retried",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "mock-provider",
              "gen_ai.request.model": "gpt-4o-stream-retried",
              "gen_ai.request.stream": true,
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": errorType,
            },
            children: [],
          },
        ],
      },
    ]);
    assertConformance(spans);
    expect(await durationErrorTypes("gpt-4o-stream-retried")).toEqual([errorType]);
  });
});
