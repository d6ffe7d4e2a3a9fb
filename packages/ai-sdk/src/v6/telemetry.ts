import { diag, ProxyTracerProvider, type Tracer } from "@opentelemetry/api";
import { type AdapterOptions, GenAITelemetry } from "@otel-agents/core/adapter";
import { checkApiVersion } from "../compat.js";
import { VERSION } from "../version.js";
import { AiSdkV6Tracer } from "./tracer.js";

/**
 * The adapter options (providers, content capture) without the run bound and the step-aware
 * context, which `ai` 6's tracer path has no use for. Content capture defaults to off, or the
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` environment variable; `ai` 6 records content
 * only when the call's `recordInputs` / `recordOutputs` allow it (both default to true).
 */
export interface OtelAgentsTracerOptions extends Omit<AdapterOptions, "maxOpenRuns" | "stepAwareContext"> {
  /** Record the GenAI metrics. Default: true. */
  metrics?: boolean;
}

/**
 * A tracer for `ai` 6 calls: pass it as `experimental_telemetry.tracer` (with `isEnabled: true`)
 * and the call is reported as GenAI spans and metrics instead of `ai`'s own `ai.*` spans.
 *
 * ```ts
 * const tracer = otelAgentsTracer();
 * await generateText({ model, prompt, experimental_telemetry: { isEnabled: true, functionId: "support-agent", tracer } });
 * ```
 */
export function otelAgentsTracer(options: OtelAgentsTracerOptions = {}): Tracer {
  try {
    checkApiVersion();
    const telemetry = new GenAITelemetry({ name: "@otel-agents/ai-sdk", version: VERSION }, options);
    return new AiSdkV6Tracer(telemetry);
  } catch (err) {
    // A provider that fails at setup must not break the application: `ai` then traces nothing
    // (a proxy tracer with no delegate is a no-op).
    diag.warn("otel-agents/ai-sdk/v6: could not set up telemetry; AI SDK calls will not be reported", err);
    return new ProxyTracerProvider().getTracer("@otel-agents/ai-sdk/v6");
  }
}
