// AI SDK quick start: `npm run example -- ai-sdk-quickstart`. Offline: the AI SDK's mock model
// stands in for a real provider (swap in `openai("gpt-4o")` from @ai-sdk/openai).

import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { setup } from "@otel-agents/core/node";
import { generateText, registerTelemetry, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";

const otel = await setup({ serviceName: "ai-sdk-quickstart" });
registerTelemetry(otelAgentsTelemetry());

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const model = new MockLanguageModelV4({
  provider: "openai.chat",
  modelId: "gpt-4o",
  doGenerate: [
    {
      content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: JSON.stringify({ city: "Paris" }) }],
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      usage: usage(61, 14),
      warnings: [],
      response: { id: "chatcmpl-1", modelId: "gpt-4o-2024-08-06", timestamp: new Date() },
    },
    {
      content: [{ type: "text", text: "It is 21°C and sunny in Paris." }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(98, 11),
      warnings: [],
      response: { id: "chatcmpl-2", modelId: "gpt-4o-2024-08-06", timestamp: new Date() },
    },
  ],
});

const { text } = await generateText({
  model,
  prompt: "What is the weather in Paris?",
  tools: {
    weather: tool({
      description: "Current weather of a city",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, celsius: 21, sky: "sunny" }),
    }),
  },
  stopWhen: stepCountIs(3),
  telemetry: { functionId: "weather-agent" },
});
console.log(`\nanswer: ${text}`);
await otel.shutdown();
