// `npm run demo`: two agent services on 127.0.0.1, one trace.
//
//   user ──HTTP──► triage-agent (OpenAI Agents JS) ──HTTP──► specialist-agent (LangChain createAgent)
//
// Each service reports its spans under its own service.name. Without OTEL_EXPORTER_OTLP_ENDPOINT
// the trace is printed as one tree; with it, both services export over OTLP/HTTP
// (OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf by default, or http/json), flushed before exit.
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true records the messages too.
import { ConsoleTreeExporter, setup } from "@otel-agents/core/node";
import { startSpecialistService } from "./specialist-service.ts";
import { startTriageService } from "./triage-service.ts";

const otlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
// Both services live in this one process for the demo: one printer shows the whole trace.
const exporter = otlp ? "otlp" : new ConsoleTreeExporter({ waitForRoot: true });

const triageOtel = await setup({ serviceName: "triage-agent", exporter });
const specialistOtel = await setup({ serviceName: "specialist-agent", exporter, global: false });

const specialist = await startSpecialistService(specialistOtel.tracerProvider, specialistOtel.meterProvider);
const triage = await startTriageService(specialist.url);

const response = await fetch(`${triage.url}/chat`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ conversationId: "conv-2026-11-26-0001", message: "Will I need an umbrella in Paris today?" }),
});
const { answer } = (await response.json()) as { answer: string };

await specialistOtel.forceFlush();
await triageOtel.shutdown();
await specialistOtel.shutdown();
triage.close();
specialist.close();
console.log(`\nanswer: ${answer}`);
if (otlp)
  console.log(
    `spans and metrics sent to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`,
  );
