import { diag, type MeterProvider, ProxyTracerProvider, type Tracer, type TracerProvider } from "@opentelemetry/api";
import { GenAITelemetry, type RedactHook } from "@otel-agents/core/adapter";
import { checkApiVersion } from "../compat.js";
import { VERSION } from "../version.js";
import { AiSdkV6Tracer } from "./tracer.js";

export interface OtelAgentsTracerOptions {
  /** Default: the global TracerProvider. */
  tracerProvider?: TracerProvider;
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /**
   * Record prompts, outputs, tool arguments and results. Default: off, or the
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` environment variable. `ai` 6 records
   * them only when the call's `recordInputs` / `recordOutputs` allow it (both default to true).
   */
  captureContent?: boolean;
  /** Largest serialised size of one content attribute, in characters. Default 65536. */
  maxContentLength?: number;
  /** Edits or drops each content attribute before it is recorded. */
  redact?: RedactHook;
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
