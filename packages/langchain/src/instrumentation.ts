import type { FrameworkRegistration, GenAIInstrumentationConfig } from "@otel-agents/core/adapter";
import { GenAIInstrumentation } from "@otel-agents/core/adapter";
import { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "./handler.js";
import { clearProcessHandler, setProcessHandler } from "./process-handler.js";
import { VERSION } from "./version.js";

/** The handler's options (the SDK supplies the providers) plus `enabled` and `stepAwareContext`. */
export type LangChainInstrumentationConfig = Omit<OpenTelemetryCallbackHandlerOptions, "tracerProvider" | "meterProvider"> &
  GenAIInstrumentationConfig;

/**
 * LangChain.js and LangGraph as an OpenTelemetry instrumentation:
 *
 *   new NodeSDK({ instrumentations: [new LangChainInstrumentation()] }).start();
 *
 * Enabling adds one `OpenTelemetryCallbackHandler` to every LangChain run in the process, whatever
 * async scope the SDK was started in (an `--import` preload included); `disable()` stops adding it.
 * A handler passed in a run's `callbacks` as well is not added twice.
 */
export class LangChainInstrumentation extends GenAIInstrumentation<LangChainInstrumentationConfig> {
  constructor(config?: LangChainInstrumentationConfig) {
    super("@otel-agents/langchain", VERSION, config);
  }

  protected attach(options: OpenTelemetryCallbackHandlerOptions): FrameworkRegistration {
    const handler = new OpenTelemetryCallbackHandler(options);
    setProcessHandler(handler);
    return { detach: () => clearProcessHandler(handler), runs: handler };
  }
}
