import { warnNoSdkOnce as warnOnce } from "@otel-agents/core/adapter";

// An app that registered the integration (or the ai 6 tracer) but started no OpenTelemetry SDK
// records nothing: without this line nothing would say why the traces are empty.

/**
 * Called when a call runs while nothing records; says so the first time only. `factory`: the
 * function the app could give a `tracerProvider` instead (`otelAgentsTracer()` on `ai` 6).
 */
export function warnNoSdkOnce(factory = "otelAgentsTelemetry()"): void {
  warnOnce(
    "otel-agents/ai-sdk",
    "an AI SDK call ran",
    `Start one before the first call, e.g. new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to ${factory}.`,
  );
}
