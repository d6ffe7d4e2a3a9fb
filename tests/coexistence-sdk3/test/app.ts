import { OpenAIInstrumentation as OpenInferenceInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { CoexistenceSpanProcessor } from "@otel-agents/core";
import { shape, spanTree } from "@otel-agents/testing/span-tree";

/** Every diag line, from before the SDK starts. */
export const warnings: string[] = [];
const logger: DiagLogger = {
  error: () => {},
  warn: (message: string) => warnings.push(message),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};
diag.setLogger(logger, DiagLogLevel.WARN);

export const coexistenceWarnings = () => warnings.filter((w) => w.includes("CoexistenceSpanProcessor"));

/**
 * An app's instrumentation file, SDK 3: its own NodeSDK with a Resource, a BatchSpanProcessor
 * (wrapped in CoexistenceSpanProcessor or not), the contrib OpenAI instrumentation (patches
 * `openai` 6 through the ESM hook), OpenInference's (patches `openai` 7 here: an ES module only
 * through `manuallyInstrument`) and undici's.
 */
export async function startApp(wrapped: boolean, adapters: Instrumentation[] = []) {
  const exporter = new InMemorySpanExporter();
  const batch = new BatchSpanProcessor({ exporter });
  const processor = wrapped ? new CoexistenceSpanProcessor(batch) : batch;
  const openinference = new OpenInferenceInstrumentation();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ "service.name": "weather-agent", "service.version": "1.0.0" }),
    spanProcessors: [processor],
    instrumentations: [new OpenAIInstrumentation(), new UndiciInstrumentation(), openinference, ...adapters],
  });
  sdk.start();
  // The app's modules, imported after the SDK started (the ESM hook patches them as they load).
  const openai7 = await import("openai");
  openinference.manuallyInstrument({ OpenAI: openai7.default } as unknown as Parameters<
    typeof openinference.manuallyInstrument
  >[0]);
  return {
    sdk,
    /** The exported tree's shape, after flushing the batch. */
    async tree(): Promise<unknown[]> {
      await processor.forceFlush();
      const spans = exporter.getFinishedSpans();
      exporter.reset();
      // SDK 3's ReadableSpan, read by a helper typed against SDK 2's: the fields it reads are the same.
      return shape(spanTree(spans as unknown as Parameters<typeof spanTree>[0]));
    },
  };
}
