import type { FrameworkRegistration, GenAIInstrumentationConfig } from "@otel-agents/core";
import { GenAIInstrumentation } from "@otel-agents/core";
import { OpenTelemetryTracingProcessor, type OpenTelemetryTracingProcessorOptions } from "./processor.js";
import { routeTraceEvents, stopRouting } from "./processor-slot.js";
import { VERSION } from "./version.js";

/** The processor's options (the SDK supplies the providers), plus `enabled`, `stepAwareContext` and `replaceProcessors`. */
export type OpenAIAgentsInstrumentationConfig = Omit<OpenTelemetryTracingProcessorOptions, "tracerProvider" | "meterProvider"> &
  GenAIInstrumentationConfig & {
    /**
     * Replace the Agents SDK's other trace processors (its exporter to the OpenAI dashboard among
     * them) instead of running beside them. Default: false.
     */
    replaceProcessors?: boolean;
  };

/**
 * OpenAI Agents JS as an OpenTelemetry instrumentation:
 *
 *   new NodeSDK({ instrumentations: [new OpenAIAgentsInstrumentation()] }).start();
 *
 * Enabling adds an `OpenTelemetryTracingProcessor` beside the SDK's own (`addTraceProcessor`), or
 * in their place with `replaceProcessors: true`. `disable()` stops it: runs still open are ended
 * as orphaned, and the SDK's events are no longer recorded.
 */
export class OpenAIAgentsInstrumentation extends GenAIInstrumentation<OpenAIAgentsInstrumentationConfig> {
  constructor(config?: OpenAIAgentsInstrumentationConfig) {
    super("@otel-agents/openai-agents", VERSION, config);
  }

  protected attach(options: OpenAIAgentsInstrumentationConfig & OpenTelemetryTracingProcessorOptions): FrameworkRegistration {
    const processor = new OpenTelemetryTracingProcessor(options);
    routeTraceEvents(processor, options.replaceProcessors === true);
    return {
      detach: () => {
        stopRouting(processor);
        void processor.shutdown();
      },
      runs: processor,
    };
  }
}
