import { diag } from "@opentelemetry/api";

// An app that registered the integration but started no OpenTelemetry SDK records nothing: the
// integration offers `ai` no hooks then (see offerHooksOnlyWhileActive), so without this line
// nothing would say why the traces are empty.

export const NO_SDK_MESSAGE =
  "otel-agents/ai-sdk: an AI SDK call ran, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start one before the first call, e.g. new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to otelAgentsTelemetry().";

let warned = false;

/** Called when `ai` looks for the hooks of a call while nothing records; says so the first time only. */
export function warnNoSdkOnce(): void {
  if (warned) return;
  warned = true;
  diag.warn(NO_SDK_MESSAGE);
}
