import type { FrameworkRegistration, GenAIInstrumentationConfig } from "@otel-agents/core/adapter";
import { GenAIInstrumentation } from "@otel-agents/core/adapter";
import type { Telemetry } from "ai";
import { installedAiSix, warnAiSixNeedsTelemetryOn } from "./compat.js";
import { type OtelAgentsTelemetryOptions, otelAgentsTelemetry } from "./telemetry.js";
import { routeAiSixTracer } from "./v6/global-route.js";
import { otelAgentsTracer } from "./v6/telemetry.js";
import { VERSION } from "./version.js";

/** The integration's options (the SDK supplies the providers) plus `enabled` and `stepAwareContext`. */
export type AiSdkInstrumentationConfig = Omit<OtelAgentsTelemetryOptions, "tracerProvider" | "meterProvider"> &
  GenAIInstrumentationConfig;

type IntegrationHolder = { AI_SDK_TELEMETRY_INTEGRATIONS?: Telemetry[] };

/**
 * The Vercel AI SDK as an OpenTelemetry instrumentation:
 *
 *   new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start();
 *
 * `ai` 7: enabling registers one `otelAgentsTelemetry()` integration globally, as `registerTelemetry()`
 * does (the AI SDK keeps them in `globalThis.AI_SDK_TELEMETRY_INTEGRATIONS`, which is how this
 * package reaches it without importing the ESM-only `ai`); `disable()` takes it out again. A call's
 * own `telemetry.integrations` replace the global ones for that call, as they always do.
 *
 * `ai` 6 (installed next to this package): it has no integrations, and asks the global
 * TracerProvider for a tracer named `ai` on each call that turns telemetry on. Enabling has that
 * lookup return `otelAgentsTracer()` (see `routeAiSixTracer`), so such calls become the same GenAI
 * spans; it says once that calls without `experimental_telemetry: { isEnabled: true }` stay untraced.
 */
export class AiSdkInstrumentation extends GenAIInstrumentation<AiSdkInstrumentationConfig> {
  constructor(config?: AiSdkInstrumentationConfig) {
    super("@otel-agents/ai-sdk", VERSION, config);
  }

  protected attach(options: AiSdkInstrumentationConfig & OtelAgentsTelemetryOptions): FrameworkRegistration {
    const six = installedAiSix();
    if (six !== undefined) return routeAiSix(six, options);
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

/**
 * `ai` 6: its tracer lookup gets `otelAgentsTracer()`. No `ai` 7 integration is registered: `ai` 6
 * reads the same global list for its own `TelemetryIntegration`s and calls their hooks unbound.
 */
function routeAiSix(version: string, options: AiSdkInstrumentationConfig & OtelAgentsTelemetryOptions): FrameworkRegistration {
  warnAiSixNeedsTelemetryOn(version);
  const { enabled: _e, stepAwareContext: _s, maxOpenRuns: _m, maxOpenCalls: _c, ...tracerOptions } = options;
  return { detach: routeAiSixTracer(otelAgentsTracer(tracerOptions)) };
}
