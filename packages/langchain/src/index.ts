export { GLOBAL_HANDLER_CONTEXT_VARIABLE, registerGlobalHandler } from "./global.js";
export { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "./handler.js";
export { LangChainInstrumentation, type LangChainInstrumentationConfig } from "./instrumentation.js";
