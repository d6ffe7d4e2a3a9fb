import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fakeModel } from "@langchain/core/testing";
import { Agent, tool as agentsTool, Runner, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import {
  fetchWithTraceContext,
  getConversationId,
  installStepAwareContext,
  runWithIncomingContext,
  withConversationId,
} from "@otel-agents/core";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { AIMessage, createAgent, tool as lcTool } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

// The demo's flow as a test: a triage agent (OpenAI Agents JS) in service A asks a specialist
// (LangChain) in service B over real HTTP on 127.0.0.1. B continues A's trace under A's tool span,
// and the conversation id set in A reaches B's spans through baggage.

const h = createHarness();
installStepAwareContext();

let specialistUrl = "";
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () =>
    runWithIncomingContext(req, async () => {
      const { question } = JSON.parse(Buffer.concat(chunks).toString()) as { question: string };
      const getWeather = lcTool(async ({ city }: { city: string }) => `${city}: sunny`, {
        name: "get_weather",
        description: "Weather",
        schema: z.object({ city: z.string() }),
      });
      const model = fakeModel()
        .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_w" }])
        .respond(new AIMessage("Sunny in Paris."));
      const agent = createAgent({ model, tools: [getWeather], name: "specialist" });
      const result = await agent.invoke(
        { messages: [{ role: "user", content: question }] },
        {
          callbacks: [new OpenTelemetryCallbackHandler({ tracerProvider: h.tracerProvider })],
          configurable: { thread_id: getConversationId() },
        },
      );
      res.end(JSON.stringify({ answer: result.messages.at(-1)?.content }));
    }),
  );
});

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  specialistUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ask`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("across services", () => {
  it("one trace: B's agent is a remote child of A's tool span and carries A's conversation id", async () => {
    setTracingDisabled(false);
    setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider })]);
    const ask = agentsTool({
      name: "ask_specialist",
      description: "Ask the specialist service",
      parameters: z.object({ question: z.string() }),
      execute: async ({ question }) => {
        const res = await fetchWithTraceContext(specialistUrl, { method: "POST", body: JSON.stringify({ question }) });
        return ((await res.json()) as { answer: string }).answer;
      },
    });
    const triage = new Agent({
      name: "Triage",
      tools: [ask],
      model: new ScriptedModel([
        [functionCall("ask_specialist", { question: "Weather in Paris?" }, { callId: "call_a" })],
        [assistantMessage("The specialist says: sunny.")],
      ]),
    });
    const result = await withConversationId("conv-e2e-1", () => new Runner({ workflowName: "support" }).run(triage, "Weather?"));
    expect(result.finalOutput).toBe("The specialist says: sunny.");

    const spans = h.spans();
    assertConformance(spans);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_agent Triage [INTERNAL]": [
          "chat [CLIENT]",
          {
            "execute_tool ask_specialist [INTERNAL]": [
              {
                "invoke_agent specialist [INTERNAL]": [
                  { "model_request [INTERNAL]": ["chat [CLIENT]"] },
                  { "tools [INTERNAL]": ["execute_tool get_weather [INTERNAL]"] },
                  { "model_request [INTERNAL]": ["chat [CLIENT]"] },
                ],
              },
            ],
          },
          "chat [CLIENT]",
        ],
      },
    ]);
    const specialist = spans.find((s) => s.name === "invoke_agent specialist");
    const askSpan = spans.find((s) => s.name === "execute_tool ask_specialist");
    expect(specialist?.parentSpanContext?.isRemote).toBe(true);
    expect(specialist?.parentSpanContext?.spanId).toBe(askSpan?.spanContext().spanId);
    expect(specialist?.attributes["gen_ai.conversation.id"]).toBe("conv-e2e-1");
    expect(spans.find((s) => s.name === "invoke_agent Triage")?.attributes["gen_ai.conversation.id"]).toBe("conv-e2e-1");
  });
});
