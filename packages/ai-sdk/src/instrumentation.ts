import type { FrameworkRegistration, GenAIInstrumentationConfig } from "@otel-agents/core/adapter";
import { GenAIInstrumentation } from "@otel-agents/core/adapter";
import type { Telemetry } from "ai";
import { warnIfAiSix } from "./compat.js";
import { type OtelAgentsTelemetryOptions, otelAgentsTelemetry } from "./telemetry.js";
import { VERSION } from "./version.js";

/** The integration's options (the SDK supplies the providers) plus `enabled` and `stepAwareContext`. */
export type AiSdkInstrumentationConfig = Omit<OtelAgentsTelemetryOptions, "tracerProvider" | "meterProvider"> &
  GenAIInstrumentationConfig;

type IntegrationHolder = { AI_SDK_TELEMETRY_INTEGRATIONS?: Telemetry[] };

/**
 * The Vercel AI SDK (`ai` 7) as an OpenTelemetry instrumentation:
 *
 *   new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start();
 *
 * Enabling registers one `otelAgentsTelemetry()` integration globally, as `registerTelemetry()`
 * does (the AI SDK keeps them in `globalThis.AI_SDK_TELEMETRY_INTEGRATIONS`, which is how this
 * package reaches it without importing the ESM-only `ai`); `disable()` takes it out again. A call's
 * own `telemetry.integrations` replace the global ones for that call, as they always do. With `ai` 6
 * installed it warns once: `ai` 6 has no integrations, use `otelAgentsTracer()` from `/v6`.
 */
export class AiSdkInstrumentation extends GenAIInstrumentation<AiSdkInstrumentationConfig> {
  constructor(config?: AiSdkInstrumentationConfig) {
    super("@otel-agents/ai-sdk", VERSION, config);
  }

  protected attach(options: OtelAgentsTelemetryOptions): FrameworkRegistration {
    warnIfAiSix();
    const integration = otelAgentsTelemetry(options);
    const holder = globalThis as IntegrationHolder;
    holder.AI_SDK_TELEMETRY_INTEGRATIONS ??= [];
    holder.AI_SDK_TELEMETRY_INTEGRATIONS.push(integration);
    return {
      detach: () => {
        const list = holder.AI_SDK_TELEMETRY_INTEGRATIONS;
        const at = Array.isArray(list) ? list.indexOf(integration) : -1;
        if (at >= 0) list?.splice(at, 1);
      },
      runs: integration,
    };
  }
}
