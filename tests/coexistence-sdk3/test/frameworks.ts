import { tool } from "@langchain/core/tools";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { expect } from "vitest";
import { z } from "zod";

export type Client = "openai 7 (OpenInference)" | "openai 6 (contrib)";

const replies = () =>
  startOpenAIServer({
    replies: [
      { toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }], usage: { input: 42, output: 7 } },
      { text: "Snow in Bern", usage: { input: 61, output: 3 } },
    ],
  });

/**
 * A LangChain `createAgent` with one tool, its ChatOpenAI from @langchain/openai 1.6.0 (on `openai` 7)
 * or 1.5.8 (on `openai` 6); the handler records to the global providers NodeSDK registered.
 */
/** How the adapters are registered: today's APIs per run, or their Instrumentations in the NodeSDK. */
export type Registration = "handler" | "instrumentation";

export async function langchainWeather(client: Client, registration: Registration = "handler"): Promise<OpenAIServer> {
  const { OpenTelemetryCallbackHandler } = await import("@otel-agents/langchain");
  const { createAgent } = await import("langchain");
  // The two releases' classes differ in their types only where this test does not look.
  const { ChatOpenAI } = (
    client === "openai 7 (OpenInference)" ? await import("@langchain/openai") : await import("@langchain/openai-v1-5")
  ) as typeof import("@langchain/openai");
  const server = await replies();
  const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.url } });
  const getWeather = tool(async ({ city }: { city: string }) => `snow in ${city}`, {
    name: "get_weather",
    description: "Get the weather of a city",
    schema: z.object({ city: z.string() }),
  });
  const agent = createAgent({ model, tools: [getWeather], name: "weather" });
  const result = await agent.invoke(
    { messages: [{ role: "user", content: "Weather in Bern?" }] },
    registration === "handler" ? { callbacks: [new OpenTelemetryCallbackHandler()] } : {},
  );
  expect(result.messages.at(-1)?.content).toBe("Snow in Bern");
  expect(server.requests).toHaveLength(2);
  return server;
}

/** An OpenAI Agents run with one tool, its Chat Completions model on an `openai` 7 or 6 client. */
export async function agentsWeather(client: Client, registration: Registration = "handler"): Promise<OpenAIServer> {
  const agents = await import("@openai/agents");
  const { OpenTelemetryTracingProcessor } = await import("@otel-agents/openai-agents");
  const OpenAI = client === "openai 7 (OpenInference)" ? (await import("openai")).default : (await import("openai-v6")).default;
  agents.setTracingDisabled(false);
  if (registration === "handler") agents.setTraceProcessors([new OpenTelemetryTracingProcessor()]);
  const server = await replies();
  type AgentsClient = ConstructorParameters<typeof agents.OpenAIChatCompletionsModel>[0];
  const openai = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 }) as unknown as AgentsClient;
  const weather = agents.tool({
    name: "get_weather",
    description: "Get the weather of a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `snow in ${city}`,
  });
  const model = new agents.OpenAIChatCompletionsModel(openai, "gpt-4o-mini");
  const agent = new agents.Agent({ name: "Weather", instructions: "Answer.", model, tools: [weather] });
  expect((await new agents.Runner().run(agent, "Weather in Bern?")).finalOutput).toBe("Snow in Bern");
  return server;
}

export const langchainTree = (call: unknown[]) => [
  {
    "invoke_agent weather [INTERNAL]": [
      { "model_request [INTERNAL]": call },
      { "tools [INTERNAL]": ["execute_tool get_weather [INTERNAL]"] },
      { "model_request [INTERNAL]": call },
    ],
  },
];

export const agentsTree = (chat: unknown) => [
  { "invoke_agent Weather [INTERNAL]": [chat, "execute_tool get_weather [INTERNAL]", chat] },
];

/** The provider instrumentation's span for a Chat Completions call. */
export const theirSpan = (client: Client) =>
  client === "openai 7 (OpenInference)" ? "OpenAI Chat Completions [INTERNAL]" : "chat gpt-4o-mini [CLIENT]";

/**
 * Siblings in one canonical order: ours get their start time as epoch milliseconds and the other
 * instrumentations from the SDK's clock, so siblings started microseconds apart may sort either way.
 */
export function canonical(nodes: unknown[]): unknown[] {
  const node = (n: unknown) =>
    typeof n === "string"
      ? n
      : Object.fromEntries(Object.entries(n as Record<string, unknown[]>).map(([k, v]) => [k, canonical(v)]));
  return nodes.map(node).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
