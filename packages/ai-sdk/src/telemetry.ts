import { diag } from "@opentelemetry/api";
import { type AdapterOptions, GenAITelemetry, maxOpenRunsOf, type OpenRuns } from "@otel-agents/core/adapter";
import type { Telemetry } from "ai";
import { checkApiVersion } from "./compat.js";
import { AiSdkIntegration } from "./integration.js";
import { VERSION } from "./version.js";

/**
 * The adapter options every adapter takes (providers, content capture, `maxOpenRuns`: most top-level
 * calls tracked at once, default 10,000, `stepAwareContext`), plus the AI SDK's own. Content capture
 * defaults to off, or the `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` environment variable;
 * a call's `recordInputs: false` / `recordOutputs: false` turns its inputs / outputs off regardless.
 */
export interface OtelAgentsTelemetryOptions extends AdapterOptions {
  /** Record the GenAI metrics. Default: true. */
  metrics?: boolean;
  /** @deprecated `maxOpenRuns` (its name in 0.1); `maxOpenRuns` wins when both are given. */
  maxOpenCalls?: number;
}

/** The integration `otelAgentsTelemetry()` returns: an AI SDK `Telemetry` plus the shutdown helpers every adapter has. */
export interface OtelAgentsTelemetry extends Telemetry, OpenRuns {
  /** @deprecated `openRuns` (its name in 0.1). */
  readonly openCalls: number;
  /** @deprecated `endOpenRuns()` (its name in 0.1). */
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
  const { maxOpenRuns, maxOpenCalls, ...rest } = options;
  try {
    checkApiVersion();
    const telemetry = new GenAITelemetry({ name: "@otel-agents/ai-sdk", version: VERSION }, rest);
    return new AiSdkIntegration(telemetry, maxOpenRunsOf(maxOpenRuns ?? maxOpenCalls));
  } catch (err) {
    // A provider that fails at setup must not break the application: report nothing instead.
    diag.warn("otel-agents/ai-sdk: could not set up telemetry; AI SDK calls will not be reported", err);
    return { openRuns: 0, endOpenRuns: () => 0, openCalls: 0, endOpenCalls: () => 0 };
  }
}
