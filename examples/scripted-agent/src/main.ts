// A scripted support agent, traced with @otel-agents/core alone (no framework): it shows the span
// tree every adapter produces. Run: `npm run demo` from the repo root. Set
// OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 to send the spans to a collector instead, and
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true to record messages.
import { GenAITelemetry, type OperationHandle, withConversationId } from "@otel-agents/core";
import { setup } from "@otel-agents/core/node";

const otel = await setup({ serviceName: "scripted-support-agent" });
const telemetry = new GenAITelemetry({ name: "@otel-agents/example-scripted-agent", version: "0.0.0" });

const latency = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pretend model call: the first turn asks for a tool, the second streams the answer. */
async function callModel(parent: OperationHandle, turn: number, question: string): Promise<string> {
  const chat = telemetry.start({
    operation: "chat",
    provider: "openai",
    requestModel: "gpt-4o-mini",
    request: { temperature: 0.2, maxTokens: 200, stream: turn === 2 },
    server: { address: "api.openai.com", port: 443 },
    parent,
    content: { inputMessages: () => [{ role: "user", parts: [{ type: "text", content: question }] }] },
  });
  await latency(40);
  if (turn === 1) {
    chat.end({
      responseModel: "gpt-4o-mini-2024-07-18",
      responseId: "chatcmpl-demo-1",
      finishReasons: ["tool_calls"],
      usage: { inputTokens: 52, outputTokens: 18 },
      content: {
        outputMessages: () => [
          { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
        ],
      },
    });
    return "get_weather";
  }
  const answer = "It is 21°C and sunny in Paris.";
  for (const _word of answer.split(" ")) {
    chat.recordChunk();
    await latency(5);
  }
  chat.end({
    responseModel: "gpt-4o-mini-2024-07-18",
    responseId: "chatcmpl-demo-2",
    finishReasons: ["stop"],
    usage: { inputTokens: 91, outputTokens: 11, cacheReadInputTokens: 48 },
    content: { outputMessages: () => [{ role: "assistant", parts: [{ type: "text", content: answer }] }] },
  });
  return answer;
}

const question = "What is the weather in Paris?";
const answer = await withConversationId("demo-conversation-1", () =>
  telemetry.run({ operation: "invoke_workflow", workflowName: "support" }, () =>
    telemetry.run(
      { operation: "invoke_agent", agent: { name: "WeatherAgent", description: "Answers weather questions" } },
      async (agent) => {
        await callModel(agent, 1, question);
        await telemetry.run(
          {
            operation: "execute_tool",
            tool: { name: "get_weather", callId: "call_1", type: "function" },
            content: { toolArguments: { city: "Paris" } },
          },
          async (tool) => {
            await latency(15);
            tool.update({ content: { toolResult: { city: "Paris", celsius: 21, sky: "sunny" } } });
          },
        );
        return callModel(agent, 2, question);
      },
    ),
  ),
);

console.log(`\nanswer: ${answer}\n`);
await otel.shutdown();
