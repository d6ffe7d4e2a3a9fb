import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { createAgent } from "langchain";
import { z } from "zod";
import type { Workload } from "../arm.ts";
import { langchainArms } from "./langchain-arms.ts";

const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: "get_weather",
  description: "Get the weather of a city",
  schema: z.object({ city: z.string() }),
});

const final = new AIMessage({
  content: "It is sunny in Paris.",
  id: "resp-2",
  usage_metadata: { input_tokens: 40, output_tokens: 8, total_tokens: 48 },
  response_metadata: { model_provider: "openai", model_name: "gpt-4o-mini", finish_reason: "stop" },
});

/** createAgent with the fake model: turn 1 calls get_weather, turn 2 answers (one tool call per turn). */
export function makeAgentInvoke() {
  const model = fakeModel()
    .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
    .respond(final);
  // The fake model records every call and replays its queue by call index: rewind it per operation
  // (the state object is shared with the bindTools() copies the agent makes).
  const state = (model as unknown as { _state: { callIndex: number; calls: unknown[] } })._state;
  const agent = createAgent({ model, tools: [getWeather], name: "weather_agent", systemPrompt: "You are helpful." });
  const input = { messages: [{ role: "user", content: "Weather in Paris?" }] };
  return async (callbacks: unknown[] | undefined): Promise<void> => {
    state.callIndex = 0;
    state.calls.length = 0;
    const result = await agent.invoke(input, { callbacks: callbacks as never, configurable: { thread_id: "thread-1" } });
    if (result.messages.at(-1)?.content !== "It is sunny in Paris.") throw new Error("langchain agent: unexpected answer");
  };
}

export const langchainAgent: Workload = {
  name: "langchain-agent",
  title: "LangChain createAgent, 2 turns with one tool call (fakeModel)",
  arms: () => langchainArms(makeAgentInvoke()),
};
