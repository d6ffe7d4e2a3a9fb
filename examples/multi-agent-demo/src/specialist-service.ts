// Service B, "specialist-agent": a LangChain `createAgent` weather specialist behind a plain Node
// HTTP server. It continues the caller's trace (W3C traceparent + baggage) and reports its spans
// with its own service name.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import { getConversationId, runWithIncomingContext } from "@otel-agents/core";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { createAgent, tool } from "langchain";
import { z } from "zod";

/** A scripted chat model: asks for the weather tool, then answers. Stands in for a real provider. */
class ScriptedSpecialistModel extends BaseChatModel {
  private turn = 0;

  _llmType(): string {
    return "scripted";
  }

  override getLsParams() {
    return { ls_provider: "scripted", ls_model_name: "specialist-model-1", ls_model_type: "chat" as const };
  }

  // createAgent binds its tools; the script already knows which one it calls.
  override bindTools(): this {
    return this;
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    await new Promise((resolve) => setTimeout(resolve, 25)); // pretend network latency
    this.turn++;
    const message =
      this.turn === 1
        ? new AIMessage({
            content: "",
            id: "spec-resp-1",
            tool_calls: [{ name: "get_weather", args: { city: "Paris" }, id: "call_weather_1", type: "tool_call" }],
            usage_metadata: { input_tokens: 64, output_tokens: 12, total_tokens: 76 },
            response_metadata: { model_name: "specialist-model-1", finish_reason: "tool_calls" },
          })
        : new AIMessage({
            content: "Paris: 21°C and sunny, light wind from the west.",
            id: "spec-resp-2",
            usage_metadata: {
              input_tokens: 98,
              output_tokens: 14,
              total_tokens: 112,
              input_token_details: { cache_read: 64 },
            },
            response_metadata: { model_name: "specialist-model-1", finish_reason: "stop" },
          });
    return { generations: [{ message, text: String(message.content) }] };
  }
}

const getWeather = tool(
  async ({ city }: { city: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 10)); // pretend weather API
    return JSON.stringify({ city, celsius: 21, sky: "sunny" });
  },
  { name: "get_weather", description: "Current weather of a city", schema: z.object({ city: z.string() }) },
);

export async function startSpecialistService(tracerProvider: TracerProvider, meterProvider?: MeterProvider) {
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider, meterProvider });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () =>
      // Continue the caller's trace; the conversation id arrives in baggage.
      runWithIncomingContext(req, async () => {
        const { question } = JSON.parse(Buffer.concat(chunks).toString()) as { question: string };
        const agent = createAgent({ model: new ScriptedSpecialistModel({}), tools: [getWeather], name: "weather_specialist" });
        const result = await agent.invoke(
          { messages: [{ role: "user", content: question }] },
          { callbacks: [handler], configurable: { thread_id: getConversationId() ?? "unknown" } },
        );
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ answer: String(result.messages.at(-1)?.content ?? "") }));
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
