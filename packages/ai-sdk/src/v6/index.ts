// @otel-agents/ai-sdk/v6: the Vercel AI SDK 6 (`experimental_telemetry.tracer`) on the GenAI conventions.
export { type OtelAgentsTracerOptions, otelAgentsTracer } from "./telemetry.js";
