import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { stepCountIs, streamText, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { textStream, toolCallStream } from "./fixtures.js";
import { conforms, tree } from "./helpers.js";

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
