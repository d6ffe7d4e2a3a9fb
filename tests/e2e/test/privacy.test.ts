import { fakeModel } from "@langchain/core/testing";
import { Agent, tool as agentsTool, run, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { createHarness } from "@otel-agents/testing/harness";
import { tool as aiTool, generateText, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { AIMessage, createAgent, tool as lcTool } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

// A canary planted in prompts, tool arguments, tool results, metadata and errors must never reach
// the exporter while content capture is off (the default): not in attributes, events, status or
// metrics. With capture on, credentials still never do.

const CANARY = "CANARY-7f3a9c";
const SECRET_KEY = "sk-proj-SECRETSECRETSECRETSECRET";
const h = createHarness();
beforeEach(() => h.reset());

async function exported(): Promise<string> {
  const spans = h
    .spans()
    .map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, links: s.links }));
  const metrics = await h.metrics();
  return JSON.stringify({ spans, metrics });
}

const providers = (captureContent: boolean) => ({
  tracerProvider: h.tracerProvider,
  meterProvider: h.meterProvider,
  captureContent,
});

async function langchainRun(captureContent: boolean) {
  const leaky = lcTool(
    async ({ note }: { note: string }) => {
      throw new Error(`tool failed on ${note} ${CANARY}`);
    },
    { name: "leaky", description: "A tool", schema: z.object({ note: z.string() }) },
  );
  const model = fakeModel()
    .respondWithTools([{ name: "leaky", args: { note: `arg ${CANARY}` }, id: "call_1" }])
    .respond(new AIMessage(`final ${CANARY}`));
  const agent = createAgent({ model, tools: [leaky], name: "lc_agent" });
  await agent.invoke(
    { messages: [{ role: "user", content: `prompt ${CANARY} ${SECRET_KEY}` }] },
    {
      callbacks: [new OpenTelemetryCallbackHandler(providers(captureContent))],
      metadata: { user_note: CANARY, apiKey: SECRET_KEY },
    },
  );
}

async function aiSdkRun(captureContent: boolean) {
  const model = new MockLanguageModelV4({
    provider: "openai.chat",
    modelId: "gpt-4o",
    doGenerate: [
      {
        content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: JSON.stringify({ q: `arg ${CANARY}` }) }],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: {
          inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 2, text: 2, reasoning: undefined },
        },
        warnings: [],
      },
      {
        content: [{ type: "text", text: `final ${CANARY}` }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 2, text: 2, reasoning: undefined },
        },
        warnings: [],
      },
    ],
  });
  const lookup = aiTool({
    description: "Look up",
    inputSchema: z.object({ q: z.string() }),
    execute: async ({ q }): Promise<string> => {
      throw new Error(`lookup failed for ${q} ${CANARY}`);
    },
  });
  await generateText({
    model,
    system: `system ${CANARY}`,
    prompt: `prompt ${CANARY} ${SECRET_KEY}`,
    tools: { lookup },
    stopWhen: stepCountIs(3),
    headers: { Authorization: `Bearer ${SECRET_KEY}` },
    telemetry: { functionId: "ai_agent", integrations: [otelAgentsTelemetry(providers(captureContent))] },
  });
}

async function agentsRun(captureContent: boolean) {
  setTracingDisabled(false);
  setTraceProcessors([new OpenTelemetryTracingProcessor(providers(captureContent))]);
  const leaky = agentsTool({
    name: "leaky",
    description: "A tool",
    parameters: z.object({ note: z.string() }),
    execute: async ({ note }) => `result ${note} ${CANARY}`,
  });
  const model = new ScriptedModel([
    [functionCall("leaky", { note: `arg ${CANARY}` }, { callId: "call_1" })],
    [assistantMessage(`final ${CANARY}`)],
  ]);
  await run(
    new Agent({ name: "oa_agent", instructions: `instructions ${CANARY}`, model, tools: [leaky] }),
    `prompt ${CANARY} ${SECRET_KEY}`,
  );
}

describe.each([
  ["LangChain", langchainRun],
  ["AI SDK", aiSdkRun],
  ["OpenAI Agents", agentsRun],
])("%s", (_name, scenario) => {
  it("exports no trace of the canary with content capture off (the default)", async () => {
    await scenario(false);
    expect(h.spans().length).toBeGreaterThan(2);
    const text = await exported();
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(SECRET_KEY);
  });

  it("records content with capture on, but never the API key", async () => {
    await scenario(true);
    const text = await exported();
    expect(text).toContain(CANARY);
    expect(text).not.toContain(SECRET_KEY);
  });
});
