import { diag, type MeterProvider, type TracerProvider } from "@opentelemetry/api";
import { GenAITelemetry, type RedactHook } from "@otel-agents/core/adapter";
import type { Telemetry } from "ai";
import { checkApiVersion } from "./compat.js";
import { AiSdkIntegration } from "./integration.js";
import { VERSION } from "./version.js";

export interface OtelAgentsTelemetryOptions {
  /** Default: the global TracerProvider. */
  tracerProvider?: TracerProvider;
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /**
   * Record prompts, outputs, tool arguments and results. Default: off, or the
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` environment variable. A call's
   * `recordInputs: false` / `recordOutputs: false` turns its inputs / outputs off regardless.
   */
  captureContent?: boolean;
  /** Largest serialised size of one content attribute, in characters. Default 65536. */
  maxContentLength?: number;
  /** Edits or drops each content attribute before it is recorded. */
  redact?: RedactHook;
  /** Record the GenAI metrics. Default: true. */
  metrics?: boolean;
  /** Most top-level calls tracked at once; beyond it the oldest are ended as evicted. Default 10,000. */
  maxOpenCalls?: number;
  /**
   * Wrap the context manager the SDK registers (now, or once it registers one) so that code inside a
   * step sees the step's span as active. Default: true.
   */
  stepAwareContext?: boolean;
}

/** The integration `otelAgentsTelemetry()` returns: an AI SDK `Telemetry` plus two shutdown helpers. */
export interface OtelAgentsTelemetry extends Telemetry {
  /** Calls still open (started, not yet ended); 0 when idle. */
  readonly openCalls: number;
  /** Ends the spans of every call still open as orphaned (`error.type` `otel_agents.orphaned`); returns how many calls. */
  endOpenCalls(): number;
}

/**
 * An AI SDK telemetry integration that reports `generateText`, `streamText`, `ToolLoopAgent`,
 * `embed`/`embedMany` and `rerank` calls as OpenTelemetry GenAI spans and metrics.
 *
 * ```ts
 * registerTelemetry(otelAgentsTelemetry());
 * ```
 */
export function otelAgentsTelemetry(options: OtelAgentsTelemetryOptions = {}): OtelAgentsTelemetry {
  const { maxOpenCalls, ...rest } = options;
  try {
    checkApiVersion();
    const telemetry = new GenAITelemetry({ name: "@otel-agents/ai-sdk", version: VERSION }, rest);
    return new AiSdkIntegration(telemetry, maxOpenCalls);
  } catch (err) {
    // A provider that fails at setup must not break the application: report nothing instead.
    diag.warn("otel-agents/ai-sdk: could not set up telemetry; AI SDK calls will not be reported", err);
    return { openCalls: 0, endOpenCalls: () => 0 };
  }
}
