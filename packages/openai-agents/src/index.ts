export { OpenAIAgentsInstrumentation, type OpenAIAgentsInstrumentationConfig } from "./instrumentation.js";
export {
  type CustomModelInfo,
  OpenTelemetryTracingProcessor,
  type OpenTelemetryTracingProcessorOptions,
} from "./processor.js";
export { instrumentModel, instrumentModelProvider } from "./streaming.js";
