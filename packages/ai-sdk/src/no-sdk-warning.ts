import { warnNoSdkOnce as warnOnce } from "@otel-agents/core/adapter";

// An app that registered the integration but started no OpenTelemetry SDK records nothing: the
// integration offers `ai` no hooks then (see AiSdkIntegration's hook accessors), so without this
// line nothing would say why the traces are empty.

/** Called when `ai` looks for the hooks of a call while nothing records; says so the first time only. */
export function warnNoSdkOnce(): void {
  warnOnce(
    "otel-agents/ai-sdk",
    "an AI SDK call ran",
    "Start one before the first call, e.g. new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to otelAgentsTelemetry().",
  );
}
