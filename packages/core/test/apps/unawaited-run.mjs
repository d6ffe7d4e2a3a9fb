// An app that runs an operation whose promise rejects and never handles it, run as a child process
// by follow-promise.test.ts (vitest counts any unhandled rejection in its own process as a failure).
// It prints one JSON line: the unhandled rejections Node reported, and the exported span's status.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { GenAITelemetry } from "../../dist/index.js";

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const telemetry = new GenAITelemetry({ name: "unawaited-run" }, { tracerProvider });

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason?.message ?? reason)));

telemetry.run({ operation: "execute_tool", tool: { name: "lookup" } }, async () => {
  throw new Error("lookup failed");
});

setTimeout(() => {
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, status: s.status.code }));
  process.stdout.write(`${JSON.stringify({ unhandled, spans })}\n`);
}, 50);
