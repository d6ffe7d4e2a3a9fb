// OpenAI Agents JS quick start: `npm run example -- openai-agents-quickstart`. Offline: a scripted
// model stands in for OpenAI (drop `model:` to use the default OpenAI model with OPENAI_API_KEY).
import { Agent, Runner, setTraceProcessors, setTracingDisabled, tool, Usage } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { setup } from "@otel-agents/core/node";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { z } from "zod";

const otel = await setup({ serviceName: "openai-agents-quickstart" });
setTracingDisabled(false); // tracing is off when NODE_ENV=test or in browsers
setTraceProcessors([new OpenTelemetryTracingProcessor()]);

const usage = (inputTokens: number, outputTokens: number) =>
  new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

const getWeather = tool({
  name: "get_weather",
  description: "Current weather of a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `${city}: 21°C, sunny`,
});
const specialist = new Agent({
  name: "WeatherSpecialist",
  instructions: "Answer weather questions with the tool.",
  tools: [getWeather],
  model: new ScriptedModel([
    {
      output: [functionCall("get_weather", { city: "Paris" }, { callId: "call_w" })],
      usage: usage(88, 17),
      responseId: "resp_2",
    },
    { output: [assistantMessage("21°C and sunny in Paris.")], usage: usage(131, 9), responseId: "resp_3" },
  ]),
});
const triage = new Agent({
  name: "Triage",
  instructions: "Hand weather questions to the specialist.",
  handoffs: [specialist],
  model: new ScriptedModel([
    {
      output: [functionCall("transfer_to_WeatherSpecialist", {}, { callId: "call_h" })],
      usage: usage(54, 12),
      responseId: "resp_1",
    },
  ]),
});

// `run()` ignores workflowName/groupId; a Runner carries them (groupId = the app's conversation id).
const result = await new Runner({ workflowName: "weather-support", groupId: "conversation-7" }).run(triage, "Weather in Paris?");
console.log(`\nanswer: ${String(result.finalOutput)}`);
await otel.shutdown();
