// Three frameworks in one request, one trace: `npm run example -- nested-frameworks`.
//
//   LangChain agent "editor" ─ tool research ─► AI SDK generateText "researcher"
//                                                 └─ tool ask_expert ─► OpenAI Agents agent "Expert"
//
// Each framework has its own adapter; code inside a tool body sees that tool's span as active
// (setup() installs the step-aware context manager), so the inner framework nests under it.
import { fakeModel } from "@langchain/core/testing";
import { Agent, run, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { assistantMessage, ScriptedModel } from "@openai/agents-core/testing";
import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { setup } from "@otel-agents/core/node";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { tool as aiTool, generateText, registerTelemetry, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { AIMessage, createAgent, tool as lcTool } from "langchain";
import { z } from "zod";

const otel = await setup({ serviceName: "nested-frameworks" });
registerTelemetry(otelAgentsTelemetry());
setTracingDisabled(false);
setTraceProcessors([new OpenTelemetryTracingProcessor()]);

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

// Innermost: an OpenAI Agents expert.
const askExpert = aiTool({
  description: "Ask the expert agent",
  inputSchema: z.object({ question: z.string() }),
  execute: async ({ question }) =>
    (await run(new Agent({ name: "Expert", model: new ScriptedModel([[assistantMessage("Spans nest by context.")]]) }), question))
      .finalOutput,
});

// Middle: an AI SDK researcher that asks the expert.
async function research(topic: string): Promise<string> {
  const model = new MockLanguageModelV4({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: [
      {
        content: [
          { type: "tool-call", toolCallId: "call_e", toolName: "ask_expert", input: JSON.stringify({ question: topic }) },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: usage(40, 9),
        warnings: [],
      },
      {
        content: [{ type: "text", text: `Notes on ${topic}.` }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: usage(70, 6),
        warnings: [],
      },
    ],
  });
  const { text } = await generateText({
    model,
    prompt: topic,
    tools: { ask_expert: askExpert },
    stopWhen: stepCountIs(3),
    telemetry: { functionId: "researcher" },
  });
  return text;
}

// Outermost: a LangChain editor agent with a research tool.
const researchTool = lcTool(async ({ topic }: { topic: string }) => research(topic), {
  name: "research",
  description: "Research a topic",
  schema: z.object({ topic: z.string() }),
});
const editor = createAgent({
  model: fakeModel()
    .respondWithTools([{ name: "research", args: { topic: "trace context" }, id: "call_r" }])
    .respond(new AIMessage("Draft: spans nest by context.")),
  tools: [researchTool],
  name: "editor",
});
const result = await editor.invoke(
  { messages: [{ role: "user", content: "Write a note on trace context." }] },
  { callbacks: [new OpenTelemetryCallbackHandler()] },
);
console.log(`\nanswer: ${String(result.messages.at(-1)?.content)}`);
await otel.shutdown();
