// Service A, "triage-agent": an OpenAI Agents JS triage agent behind a plain Node HTTP server. Its
// function tool asks the specialist service over HTTP, carrying the trace context and the
// conversation id.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Agent,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  tool,
  Usage,
} from "@openai/agents";
import { fetchWithTraceContext, runWithIncomingContext, withConversationId } from "@otel-agents/core";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { z } from "zod";

/** A scripted model: routes the question to the specialist, then relays its answer. */
class ScriptedTriageModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    await new Promise((resolve) => setTimeout(resolve, 20)); // pretend network latency
    const items = Array.isArray(request.input) ? request.input : [];
    const toolResult = items.find((item) => item.type === "function_call_result");
    if (!toolResult) {
      return {
        usage: new Usage({ requests: 1, inputTokens: 120, outputTokens: 22, totalTokens: 142 }),
        responseId: "triage-resp-1",
        output: [
          {
            type: "function_call",
            name: "ask_specialist",
            callId: "call_ask_1",
            id: "call_ask_1",
            status: "completed",
            arguments: JSON.stringify({ question: "What is the weather in Paris?" }),
          },
        ],
      };
    }
    const output = toolResult.type === "function_call_result" ? toolResult.output : undefined;
    const text = typeof output === "object" && output && "text" in output ? String(output.text) : String(output);
    return {
      usage: new Usage({ requests: 1, inputTokens: 180, outputTokens: 30, totalTokens: 210 }),
      responseId: "triage-resp-2",
      output: [
        {
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: `Specialist says: ${text}` }],
        },
      ],
    };
  }

  // biome-ignore lint/correctness/useYield: the demo never streams
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error("the demo does not stream");
  }
}

export async function startTriageService(specialistUrl: string) {
  setTracingDisabled(false);
  // Replaces OpenAI's own exporter (installed when @openai/agents is imported) with ours.
  setTraceProcessors([
    new OpenTelemetryTracingProcessor({ customModelInfo: () => ({ provider: "scripted", model: "triage-model-1" }) }),
  ]);

  const askSpecialist = tool({
    name: "ask_specialist",
    description: "Ask the weather specialist service",
    parameters: z.object({ question: z.string() }),
    execute: async ({ question }) => {
      const res = await fetchWithTraceContext(`${specialistUrl}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question }),
      });
      return ((await res.json()) as { answer: string }).answer;
    },
  });
  const triage = new Agent({
    name: "Triage",
    instructions: "Route weather questions to the specialist.",
    model: new ScriptedTriageModel(),
    tools: [askSpecialist],
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () =>
      runWithIncomingContext(req, async () => {
        const { conversationId, message } = JSON.parse(Buffer.concat(chunks).toString()) as {
          conversationId: string;
          message: string;
        };
        // `run()` ignores workflowName/groupId: a Runner carries them. The app's own conversation id
        // goes on the GenAI spans here and, through baggage, on those of service B.
        const runner = new Runner({ workflowName: "weather-support", groupId: conversationId });
        const result = await withConversationId(conversationId, () => runner.run(triage, message));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ answer: result.finalOutput }));
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
