import { fakeModel } from "@langchain/core/testing";
import { Agent, tool as agentsTool, run, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { installStepAwareContext } from "@otel-agents/core";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { tool as aiTool, generateText, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { AIMessage, createAgent, tool as lcTool } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

// Frameworks calling each other inside one request: each pairing must give one trace whose tree
// is the one you would draw by hand. The step-aware context (what setup() installs) is on.

const h = createHarness();
installStepAwareContext();
beforeEach(() => {
  h.reset();
  setTracingDisabled(false);
  setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider })]);
});

const lcHandler = () => new OpenTelemetryCallbackHandler({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
const aiIntegration = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const aiText = (text: string, id: string) => ({
  content: [{ type: "text" as const, text }],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage: usage(12, 4),
  warnings: [],
  response: { id, modelId: "gpt-4o-mini", timestamp: new Date(0) },
});

/** An AI SDK `generateText` summariser, as a user's helper. */
function summarise(text: string): Promise<string> {
  const model = new MockLanguageModelV4({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: aiText(`summary of ${text}`, "sum-1"),
  });
  return generateText({ model, prompt: text, telemetry: { functionId: "summariser", integrations: [aiIntegration()] } }).then(
    (r) => r.text,
  );
}

function checkedShape() {
  const spans = h.spans();
  assertConformance(spans);
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  return shape(spanTree(spans));
}

/** How many spans each operation got, by adapter: an operation recorded twice shows up here. */
function operationCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of h.spans()) {
    const op = span.attributes["gen_ai.operation.name"];
    if (typeof op !== "string") continue;
    const key = `${span.instrumentationScope.name} ${op}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("nested frameworks, one trace", () => {
  it("a LangChain agent whose tool calls AI SDK generateText", async () => {
    const summariseTool = lcTool(async ({ text }: { text: string }) => summarise(text), {
      name: "summarise",
      description: "Summarise a text",
      schema: z.object({ text: z.string() }),
    });
    const model = fakeModel()
      .respondWithTools([{ name: "summarise", args: { text: "the report" }, id: "call_1" }])
      .respond(new AIMessage("Here is the summary."));
    const agent = createAgent({ model, tools: [summariseTool], name: "writer" });
    await agent.invoke({ messages: [{ role: "user", content: "Summarise the report" }] }, { callbacks: [lcHandler()] });

    expect(checkedShape()).toEqual([
      {
        "invoke_agent writer [INTERNAL]": [
          { "model_request [INTERNAL]": ["chat [CLIENT]"] },
          {
            "tools [INTERNAL]": [
              { "execute_tool summarise [INTERNAL]": [{ "invoke_agent summariser [INTERNAL]": ["chat gpt-4o-mini [CLIENT]"] }] },
            ],
          },
          { "model_request [INTERNAL]": ["chat [CLIENT]"] },
        ],
      },
    ]);
    expect(operationCounts()).toEqual({
      "@otel-agents/langchain invoke_agent": 1,
      "@otel-agents/langchain chat": 2,
      "@otel-agents/langchain execute_tool": 1,
      "@otel-agents/ai-sdk invoke_agent": 1,
      "@otel-agents/ai-sdk chat": 1,
    });
  });

  it("an OpenAI Agents agent whose function tool invokes a LangChain agent", async () => {
    const research = agentsTool({
      name: "research",
      description: "Research a topic",
      parameters: z.object({ topic: z.string() }),
      execute: async ({ topic }) => {
        const inner = createAgent({
          model: fakeModel().respond(new AIMessage(`notes on ${topic}`)),
          tools: [],
          name: "researcher",
        });
        const result = await inner.invoke({ messages: [{ role: "user", content: topic }] }, { callbacks: [lcHandler()] });
        return String(result.messages.at(-1)?.content);
      },
    });
    const model = new ScriptedModel([
      [functionCall("research", { topic: "otel" }, { callId: "call_r" })],
      [assistantMessage("Done.")],
    ]);
    const result = await run(new Agent({ name: "Lead", model, tools: [research] }), "Research otel");
    expect(result.finalOutput).toBe("Done.");

    expect(checkedShape()).toEqual([
      {
        "invoke_agent Lead [INTERNAL]": [
          "chat [CLIENT]",
          {
            "execute_tool research [INTERNAL]": [
              { "invoke_agent researcher [INTERNAL]": [{ "model_request [INTERNAL]": ["chat [CLIENT]"] }] },
            ],
          },
          "chat [CLIENT]",
        ],
      },
    ]);
    expect(operationCounts()).toEqual({
      "@otel-agents/openai-agents invoke_agent": 1,
      "@otel-agents/openai-agents chat": 2,
      "@otel-agents/openai-agents execute_tool": 1,
      "@otel-agents/langchain invoke_agent": 1,
      "@otel-agents/langchain chat": 1,
    });
  });

  it("an AI SDK tool that runs an OpenAI Agents agent", async () => {
    const delegate = aiTool({
      description: "Delegate to the specialist agent",
      inputSchema: z.object({ question: z.string() }),
      execute: async ({ question }) => {
        const model = new ScriptedModel([[assistantMessage(`answer to ${question}`)]]);
        return (await run(new Agent({ name: "Specialist", model }), question)).finalOutput;
      },
    });
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: [
        {
          content: [
            { type: "tool-call", toolCallId: "call_d", toolName: "delegate", input: JSON.stringify({ question: "why?" }) },
          ],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: usage(20, 5),
          warnings: [],
          response: { id: "r1", modelId: "gpt-4o", timestamp: new Date(0) },
        },
        aiText("Because.", "r2"),
      ],
    });
    const result = await generateText({
      model,
      prompt: "Ask the specialist why",
      tools: { delegate },
      stopWhen: stepCountIs(3),
      telemetry: { functionId: "front-desk", integrations: [aiIntegration()] },
    });
    expect(result.text).toBe("Because.");

    expect(checkedShape()).toEqual([
      {
        "invoke_agent front-desk [INTERNAL]": [
          "chat gpt-4o [CLIENT]",
          {
            "execute_tool delegate [INTERNAL]": [{ "invoke_agent Specialist [INTERNAL]": ["chat [CLIENT]"] }],
          },
          "chat gpt-4o [CLIENT]",
        ],
      },
    ]);
    expect(operationCounts()).toEqual({
      "@otel-agents/ai-sdk invoke_agent": 1,
      "@otel-agents/ai-sdk chat": 2,
      "@otel-agents/ai-sdk execute_tool": 1,
      "@otel-agents/openai-agents invoke_agent": 1,
      "@otel-agents/openai-agents chat": 1,
    });
  });

  it("an AI SDK tool that calls a LangChain chat model (both adapters at once)", async () => {
    const expert = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: [
        {
          content: [
            { type: "tool-call", toolCallId: "call_e", toolName: "ask_expert", input: JSON.stringify({ question: "why?" }) },
          ],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: usage(20, 5),
          warnings: [],
          response: { id: "r1", modelId: "gpt-4o", timestamp: new Date(0) },
        },
        aiText("Because, says the expert.", "r2"),
      ],
    });
    const askExpert = aiTool({
      description: "Ask the LangChain expert model",
      inputSchema: z.object({ question: z.string() }),
      execute: async ({ question }) => {
        const model = fakeModel().respond(new AIMessage("Because."));
        return String((await model.invoke(question, { callbacks: [lcHandler()] })).content);
      },
    });
    const result = await generateText({
      model: expert,
      prompt: "Ask the expert why",
      tools: { ask_expert: askExpert },
      stopWhen: stepCountIs(3),
      telemetry: { functionId: "front-desk", integrations: [aiIntegration()] },
    });
    expect(result.text).toBe("Because, says the expert.");

    expect(checkedShape()).toEqual([
      {
        "invoke_agent front-desk [INTERNAL]": [
          "chat gpt-4o [CLIENT]",
          { "execute_tool ask_expert [INTERNAL]": ["chat [CLIENT]"] },
          "chat gpt-4o [CLIENT]",
        ],
      },
    ]);
    // Three model calls, one tool call, one agent run: each once, by the adapter of the framework that made it.
    expect(operationCounts()).toEqual({
      "@otel-agents/ai-sdk invoke_agent": 1,
      "@otel-agents/ai-sdk chat": 2,
      "@otel-agents/ai-sdk execute_tool": 1,
      "@otel-agents/langchain chat": 1,
    });
  });

  it("a LangChain agent whose tool runs an OpenAI Agents agent (both adapters at once)", async () => {
    const delegate = lcTool(
      async ({ question }: { question: string }) => {
        const model = new ScriptedModel([[assistantMessage(`answer to ${question}`)]]);
        return String((await run(new Agent({ name: "Specialist", model }), question)).finalOutput);
      },
      { name: "delegate", description: "Delegate to the specialist agent", schema: z.object({ question: z.string() }) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "delegate", args: { question: "why?" }, id: "call_d" }])
      .respond(new AIMessage("Because."));
    const agent = createAgent({ model, tools: [delegate], name: "lead" });
    const result = await agent.invoke(
      { messages: [{ role: "user", content: "Ask the specialist why" }] },
      { callbacks: [lcHandler()] },
    );
    expect(result.messages.at(-1)?.content).toBe("Because.");
    expect(result.messages.find((m) => m.getType() === "tool")?.content).toBe("answer to why?");

    expect(checkedShape()).toEqual([
      {
        "invoke_agent lead [INTERNAL]": [
          { "model_request [INTERNAL]": ["chat [CLIENT]"] },
          {
            "tools [INTERNAL]": [
              {
                "execute_tool delegate [INTERNAL]": [{ "invoke_agent Specialist [INTERNAL]": ["chat [CLIENT]"] }],
              },
            ],
          },
          { "model_request [INTERNAL]": ["chat [CLIENT]"] },
        ],
      },
    ]);
    expect(operationCounts()).toEqual({
      "@otel-agents/langchain invoke_agent": 1,
      "@otel-agents/langchain chat": 2,
      "@otel-agents/langchain execute_tool": 1,
      "@otel-agents/openai-agents invoke_agent": 1,
      "@otel-agents/openai-agents chat": 1,
    });
  });
});
