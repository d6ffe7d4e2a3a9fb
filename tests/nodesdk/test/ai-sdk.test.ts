import type { LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { trace } from "@opentelemetry/api";
import { AiSdkInstrumentation, otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { names, treeOf } from "@otel-agents/testing/app-trees";
import { generateText, registerTelemetry, stepCountIs, streamText, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAppSdk } from "../sdk-line.ts";

// The app's own NodeSDK with the README's registration line and nothing else.
const aiSdk = new AiSdkInstrumentation();
const app = startAppSdk([aiSdk]);

beforeEach(() => {
  aiSdk.setConfig({});
  aiSdk.enable();
  app.reset();
});
afterAll(() => app.shutdown());

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const result = (
  content: LanguageModelV4GenerateResult["content"],
  id: string,
  tools: boolean,
): LanguageModelV4GenerateResult => ({
  content,
  finishReason: tools ? { unified: "tool-calls", raw: "tool_calls" } : { unified: "stop", raw: "stop" },
  usage: usage(10, 5),
  warnings: [],
  response: { id, modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date(0) },
});

const weather = tool({
  description: "Weather for a city",
  inputSchema: z.object({ city: z.string() }),
  // The tool body's own span nests under execute_tool: the adapter runs the tool in its context.
  execute: async ({ city }) =>
    trace.getTracer("app").startActiveSpan("app.lookup", (span) => {
      span.end();
      return `sunny in ${city}`;
    }),
});

function ask() {
  const model = new MockLanguageModelV4({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: [
      result([{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: '{"city":"Paris"}' }], "resp-1", true),
      result([{ type: "text", text: "It is sunny in Paris." }], "resp-2", false),
    ],
  });
  return generateText({
    model,
    prompt: "Weather in Paris?",
    tools: { weather },
    stopWhen: stepCountIs(3),
    telemetry: { functionId: "weather-agent" },
  });
}

const SHAPE = [
  { "invoke_agent weather-agent": ["chat gpt-4o-mini", { "execute_tool weather": ["app.lookup"] }, "chat gpt-4o-mini"] },
];

describe("AiSdkInstrumentation in the app's NodeSDK", () => {
  it("gives the whole tree registerTelemetry(otelAgentsTelemetry()) gives", async () => {
    expect((await ask()).text).toBe("It is sunny in Paris.");
    const viaInstrumentation = treeOf(await app.spans());
    expect(names(viaInstrumentation)).toEqual(SHAPE);
    const chat = viaInstrumentation[0]?.children[0];
    expect(chat?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "resp-1",
      "gen_ai.response.finish_reasons": ["tool_call"],
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
    });

    aiSdk.disable();
    const legacy = otelAgentsTelemetry();
    registerTelemetry(legacy);
    app.reset();
    await ask();
    expect(treeOf(await app.spans())).toEqual(viaInstrumentation);
    const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS ?? [];
    list.splice(list.indexOf(legacy), 1);
  });

  it("disable() takes the integration out and enable() puts it back", async () => {
    aiSdk.disable();
    await ask();
    // Only the app's own span is left, a root now.
    expect((await app.spans()).map((s) => [s.name, s.instrumentationScope.name])).toEqual([["app.lookup", "app"]]);
    app.reset();
    aiSdk.enable();
    await ask();
    expect(names(treeOf(await app.spans()))).toEqual(SHAPE);
  });

  it("setConfig() takes the integration's options (content capture here)", async () => {
    aiSdk.setConfig({ captureContent: true });
    await ask();
    const tool = (await app.spans()).find((s) => s.name === "execute_tool weather");
    expect(tool?.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Paris"}');
  });

  it("endOpenRuns() before shutdown: a stream the app never reads is exported, its spans ended as orphaned", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o-mini",
      // A provider stream that never finishes: the call stays open until something ends it.
      doStream: async () => ({ stream: new ReadableStream({ start: (c) => c.enqueue({ type: "stream-start", warnings: [] }) }) }),
    });
    streamText({ model, prompt: "Hello?", telemetry: { functionId: "never-read" } });
    await expect.poll(() => aiSdk.openRuns).toBe(1);
    expect(aiSdk.endOpenRuns()).toBe(1);
    expect(aiSdk.openRuns).toBe(0);
    // `ai` starts the model call only once the stream is read: the agent span alone was open.
    expect(treeOf(await app.spans())).toEqual([
      {
        name: "invoke_agent never-read",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "never-read",
          "gen_ai.request.model": "gpt-4o-mini",
          "error.type": "otel_agents.orphaned",
        },
        children: [],
      },
    ]);
  });
});
