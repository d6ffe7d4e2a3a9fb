// `npm run demo`: two agent services on 127.0.0.1, one trace.
//
//   user ──HTTP──► triage-agent (OpenAI Agents JS) ──HTTP──► specialist-agent (LangChain createAgent)
//
// Each service reports its spans under its own service.name. Without OTEL_EXPORTER_OTLP_ENDPOINT
// the trace is printed as one tree; with it, both services export over OTLP/HTTP
// (OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf by default, or http/json), flushed before exit.
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true records the messages too.
//
// `npm run demo -- --view` starts @otel-agents/viewer in this process (OTLP on 4318, the page on
// 4319; --otlp-port, --port and --db change them), sends the traces and metrics there, prints the
// page's address and keeps serving until Ctrl-C.
import { parseArgs } from "node:util";
import { ConsoleTreeExporter, setup } from "@otel-agents/core/node";
import { startSpecialistService } from "./specialist-service.ts";
import { startTriageService } from "./triage-service.ts";
import { latestTrace, startDemoViewer } from "./view.ts";

const CONVERSATION_ID = "conv-2026-11-26-0001";

const { values: flags } = parseArgs({
  options: {
    view: { type: "boolean" },
    "otlp-port": { type: "string" },
    port: { type: "string" },
    db: { type: "string" },
  },
});
const port = (flag: "otlp-port" | "port") => {
  const value = flags[flag];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`--${flag} must be a port number (0-65535), got "${value}".`);
    process.exit(2);
  }
  return n;
};

const view = flags.view
  ? await startDemoViewer({ otlpPort: port("otlp-port"), port: port("port"), ...(flags.db ? { db: flags.db } : {}) }, (line) =>
      console.log(line),
    )
  : undefined;
// With --view the viewer's receiver is this run's OTLP endpoint, whatever the environment names.
const env: Record<string, string | undefined> = view
  ? {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: view.otlpUrl,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: undefined,
    }
  : process.env;
const otlp = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
// Both services live in this one process for the demo: one printer shows the whole trace.
const exporter = otlp ? "otlp" : new ConsoleTreeExporter({ waitForRoot: true });

const triageOtel = await setup({ serviceName: "triage-agent", exporter, env });
const specialistOtel = await setup({ serviceName: "specialist-agent", exporter, global: false, env });

const specialist = await startSpecialistService(specialistOtel.tracerProvider, specialistOtel.meterProvider);
const triage = await startTriageService(specialist.url);

const response = await fetch(`${triage.url}/chat`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ conversationId: CONVERSATION_ID, message: "Will I need an umbrella in Paris today?" }),
});
const { answer } = (await response.json()) as { answer: string };

await specialistOtel.forceFlush();
await triageOtel.shutdown();
await specialistOtel.shutdown();
triage.close();
specialist.close();
console.log(`\nanswer: ${answer}`);
if (view) {
  const traceId = await latestTrace(view.url, CONVERSATION_ID);
  console.log(`trace:  ${view.url}/#/trace/${traceId ?? ""}`);
  console.log(`charts: ${view.url}/#/charts`);
  if (view.owned) {
    const viewer = view.owned;
    console.log(`\nThe viewer keeps serving at ${viewer.url} (OTLP ${viewer.otlpUrl}); Ctrl-C stops it.`);
    const stop = () => void viewer.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
} else if (otlp) {
  console.log(
    `spans and metrics sent to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`,
  );
}
