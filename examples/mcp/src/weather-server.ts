// The MCP server the agent starts over stdio: its own process and service, traced by
// McpInstrumentation. Its finished spans go to SPANS_FILE as JSON lines for the agent to print
// beside its own (a real service would export them over OTLP).
import { appendFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { trace } from "@opentelemetry/api";
import { ConsoleTreeExporter, setup } from "@otel-agents/core/node";
import { McpInstrumentation } from "@otel-agents/mcp";
import { z } from "zod";

const file = process.env.SPANS_FILE ?? "";
interface Finished {
  spanContext(): unknown;
  [key: string]: unknown;
}
// An exporter the printer's class, so that setup() ends each span through a simple (synchronous)
// processor: a span is on disk before the reply leaves, and nothing is batched when the agent stops
// this process.
class FileExporter extends ConsoleTreeExporter {
  override export(spans: never[], done: (r: { code: number }) => void): void {
    for (const s of spans as unknown as Finished[]) {
      const { name, kind, startTime, duration, attributes, status, parentSpanContext } = s;
      const line = { name, kind, startTime, duration, attributes, status, parentSpanContext, spanContext: s.spanContext() };
      if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  }
}
await setup({ serviceName: "weather-mcp", exporter: new FileExporter() });
new McpInstrumentation();

const server = new McpServer({ name: "weather", version: "1.0.0" });
server.registerTool(
  "get_weather",
  { description: "Current weather of a city", inputSchema: { city: z.string() } },
  async ({ city }) =>
    trace.getTracer("weather-mcp").startActiveSpan("lookup forecast", (span) => {
      span.end();
      return { content: [{ type: "text" as const, text: JSON.stringify({ city, celsius: 21, sky: "sunny" }) }] };
    }),
);
await server.connect(new StdioServerTransport());
