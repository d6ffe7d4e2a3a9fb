export {
  type CustomModelInfo,
  OpenTelemetryTracingProcessor,
  type OpenTelemetryTracingProcessorOptions,
} from "./processor.js";
