export {
  type CustomModelInfo,
  OpenTelemetryTracingProcessor,
  type OpenTelemetryTracingProcessorOptions,
} from "./processor.js";
export { instrumentModel, instrumentModelProvider } from "./streaming.js";
