import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { Agent, OpenAIProvider, Runner } from "@openai/agents";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { type CoexistenceOptions, CoexistenceSpanProcessor } from "@otel-agents/core";
import { assertConformance } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import OpenAI from "openai";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { weather } from "./fixtures.js";
import { install } from "./setup.js";

// OpenInference's OpenAI instrumentation (patches `openai` ^5-^7), applied to the very `openai` the
// Agents SDK calls here; its tracer provider is switched per test, like the app's would be.
const openinference = new OpenAIInstrumentation();
// A plain object: it marks what it patched on the module object, and an ES module namespace is frozen.
openinference.manuallyInstrument({ OpenAI } as unknown as Parameters<typeof openinference.manuallyInstrument>[0]);
afterAll(() => openinference.disable());

let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** One provider for both instrumentations, exporting through the coexistence processor (or without it). */
function providerWith(options: CoexistenceOptions | undefined) {
  const exporter = new InMemorySpanExporter();
  const exporting = new SimpleSpanProcessor(exporter);
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [options ? new CoexistenceSpanProcessor(exporting, options) : exporting],
  });
  openinference.setTracerProvider(tracerProvider);
  install({ tracerProvider });
  return exporter;
}

async function weatherRun(useResponses: boolean) {
  server = await startOpenAIServer({
    replies: [
      { toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }], usage: { input: 42, output: 7 } },
      { text: "Snow in Bern", usage: { input: 61, output: 3 } },
    ],
  });
  const runner = new Runner({
    modelProvider: new OpenAIProvider({
      openAIClient: new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 }),
      useResponses,
    }),
  });
  const agent = new Agent({ name: "Weather", instructions: "Answer.", model: "gpt-4o-mini", tools: [weather] });
  const result = await runner.run(agent, "Weather in Bern?");
  expect(result.finalOutput).toBe("Snow in Bern");
}

describe("beside OpenInference's OpenAI instrumentation (real openai client, loopback server)", () => {
  it.each([
    ["Chat Completions", false, "OpenAI Chat Completions"],
    ["Responses", true, "OpenAI Responses"],
  ])("%s, default policy: exactly one inference span per model call, ours", async (_api, useResponses) => {
    const exporter = providerWith({});
    await weatherRun(useResponses);
    const spans = exporter.getFinishedSpans();
    assertConformance(spans);
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_agent Weather [INTERNAL]": [
          "chat gpt-4o-mini [CLIENT]",
          "execute_tool get_weather [INTERNAL]",
          "chat gpt-4o-mini [CLIENT]",
        ],
      },
    ]);
    // Our spans keep every attribute they have without the other instrumentation.
    const chat = spans.find((s) => s.name === "chat gpt-4o-mini");
    expect(chat?.attributes["gen_ai.usage.input_tokens"]).toBe(42);
    expect(chat?.attributes["gen_ai.provider.name"]).toBe("openai");
  });

  it.each([
    ["Chat Completions", false, "OpenAI Chat Completions [INTERNAL]"],
    ["Responses", true, "OpenAI Responses [INTERNAL]"],
  ])("%s, keep-both: OpenInference's span under each of ours", async (_api, useResponses, theirs) => {
    const exporter = providerWith({ inferenceSpans: "keep-both" });
    await weatherRun(useResponses);
    expect(shape(spanTree(exporter.getFinishedSpans()))).toEqual([
      {
        "invoke_agent Weather [INTERNAL]": [
          { "chat gpt-4o-mini [CLIENT]": [theirs] },
          "execute_tool get_weather [INTERNAL]",
          { "chat gpt-4o-mini [CLIENT]": [theirs] },
        ],
      },
    ]);
  });
});
