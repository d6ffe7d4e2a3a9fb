// @otel-agents/ai-sdk: the Vercel AI SDK (`ai` 7) on the OpenTelemetry GenAI semantic conventions.

export { AiSdkInstrumentation, type AiSdkInstrumentationConfig } from "./instrumentation.js";
export { type OtelAgentsTelemetry, type OtelAgentsTelemetryOptions, otelAgentsTelemetry } from "./telemetry.js";
