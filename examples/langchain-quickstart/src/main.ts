// LangChain quick start: `npm run example -- langchain-quickstart`. Offline: a scripted fake model
// stands in for a real provider (swap in `new ChatOpenAI({ model: "gpt-4o-mini" })`).
import { fakeModel } from "@langchain/core/testing";
import { setup } from "@otel-agents/core/node";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { AIMessage, createAgent, tool } from "langchain";
import { z } from "zod";

const otel = await setup({ serviceName: "langchain-quickstart" }); // console tree, or OTLP if OTEL_EXPORTER_OTLP_ENDPOINT is set

const getWeather = tool(async ({ city }: { city: string }) => `${city}: 21°C, sunny`, {
  name: "get_weather",
  description: "Current weather of a city",
  schema: z.object({ city: z.string() }),
});
const model = fakeModel()
  .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
  .respond(
    new AIMessage({
      content: "It is 21°C and sunny in Paris.",
      usage_metadata: { input_tokens: 52, output_tokens: 11, total_tokens: 63 },
    }),
  );
const agent = createAgent({ model, tools: [getWeather], name: "weather_agent" });

const result = await agent.invoke(
  { messages: [{ role: "user", content: "What is the weather in Paris?" }] },
  { callbacks: [new OpenTelemetryCallbackHandler()], configurable: { thread_id: "thread-42" } },
);
console.log(`\nanswer: ${String(result.messages.at(-1)?.content)}`);
await otel.shutdown();
