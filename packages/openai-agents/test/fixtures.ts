import { tool } from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { z } from "zod";

export const weather = tool({
  name: "get_weather",
  description: "Weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny in ${city}`,
});

/** A tool a human must approve: the run pauses with an interruption until the app approves it. */
export const refund = tool({
  name: "refund",
  description: "Refund an order",
  parameters: z.object({ order: z.string() }),
  needsApproval: true,
  execute: async ({ order }) => `refunded ${order}`,
});

export const usage = (inputTokens: number, outputTokens: number, cached = 0) =>
  new Usage({
    requests: 1,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    inputTokensDetails: cached ? { cached_tokens: cached } : {},
  });

/** Reads a streamed run to its end and waits for it to complete; returns the run's result. */
export async function drained<T extends { completed: Promise<void> } & AsyncIterable<unknown>>(result: T): Promise<T> {
  for await (const _event of result) {
    // drain
  }
  await result.completed;
  return result;
}
