// MCP example: `npm run example -- mcp`. An AI SDK agent in this process calls a tool of an MCP
// server it starts over stdio (src/weather-server.ts, a second process and service). The trace
// context crosses in the request's `params._meta`, so both processes' spans print as one tree.
// Offline: the AI SDK's mock model stands in for a real provider.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMCPClient } from "@ai-sdk/mcp";
import { Experimental_StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { ConsoleTreeExporter, type PrintableSpan, setup } from "@otel-agents/core/node";
import { McpInstrumentation } from "@otel-agents/mcp";
import { generateText, registerTelemetry, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";

// This process's spans are held and printed at the end together with the server's.
const own: PrintableSpan[] = [];
const collect = {
  export(spans: PrintableSpan[], done: (r: { code: number }) => void) {
    own.push(...spans);
    done({ code: 0 });
  },
  shutdown: async () => {},
  forceFlush: async () => {},
};
const otel = await setup({ serviceName: "weather-agent", exporter: collect as never });
registerTelemetry(otelAgentsTelemetry());
new McpInstrumentation();

const spansDir = mkdtempSync(path.join(tmpdir(), "otel-agents-mcp-example-"));
const serverSpans = path.join(spansDir, "spans.jsonl");
const mcp = await createMCPClient({
  transport: new Experimental_StdioMCPTransport({
    command: process.execPath,
    args: [fileURLToPath(new URL("./weather-server.ts", import.meta.url))],
    env: { ...(process.env as Record<string, string>), SPANS_FILE: serverSpans },
  }),
});

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const model = new MockLanguageModelV4({
  provider: "openai.chat",
  modelId: "gpt-4o",
  doGenerate: [
    {
      content: [{ type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: JSON.stringify({ city: "Paris" }) }],
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      usage: usage(61, 14),
      warnings: [],
      response: { id: "chatcmpl-1", modelId: "gpt-4o-2024-08-06", timestamp: new Date() },
    },
    {
      content: [{ type: "text", text: "It is 21°C and sunny in Paris." }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(98, 11),
      warnings: [],
      response: { id: "chatcmpl-2", modelId: "gpt-4o-2024-08-06", timestamp: new Date() },
    },
  ],
});

const { text } = await generateText({
  model,
  prompt: "What is the weather in Paris?",
  tools: await mcp.tools(),
  stopWhen: stepCountIs(3),
  telemetry: { functionId: "weather-agent" },
});
await mcp.close();
await otel.forceFlush();

// The server's spans, as the printer reads spans, marked with their service.
interface Line extends Omit<PrintableSpan, "spanContext"> {
  spanContext: ReturnType<PrintableSpan["spanContext"]>;
}
const theirs: PrintableSpan[] = readFileSync(serverSpans, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((raw) => {
    const line = JSON.parse(raw) as Line;
    return { ...line, spanContext: () => line.spanContext, resource: { attributes: { "service.name": "weather-mcp" } } };
  });
rmSync(spansDir, { recursive: true, force: true });
// Only the agent's trace: the client's connection set-up before it is traces of its own.
const root = own.find((s) => s.name === "invoke_agent weather-agent");
const traceId = root?.spanContext().traceId;
// The server's spans go in first: the printer prints the tree when the agent's root span arrives.
const printer = new ConsoleTreeExporter({ waitForRoot: true });
printer.export(
  [...theirs, ...own].filter((s) => s.spanContext().traceId === traceId),
  () => undefined,
);
await printer.forceFlush();
await otel.shutdown();
console.log(`\nanswer: ${text}`);
