import { getContextVariable, registerConfigureHook, setContextVariable } from "@langchain/core/context";
import { diag } from "@opentelemetry/api";
import { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "./handler.js";

/** The LangChain context variable that holds the global handler. */
export const GLOBAL_HANDLER_CONTEXT_VARIABLE = "otel_agents_langchain_handler";

/**
 * Adds one handler to every LangChain run in the process (LangChain has no global handler setter).
 *
 * Call it at module top level, before any run starts: LangChain keeps both the hook list and the
 * handler in its AsyncLocalStorage (`enterWith`), so a call inside a request handler or a running
 * chain reaches only that async scope. A handler passed in `callbacks` as well is not added twice
 * (LangChain drops handlers with the same name). Returns the handler; calling again replaces it.
 */
export function registerGlobalHandler(options: OpenTelemetryCallbackHandlerOptions = {}): OpenTelemetryCallbackHandler {
  const handler = new OpenTelemetryCallbackHandler(options);
  try {
    const registered = getContextVariable(GLOBAL_HANDLER_CONTEXT_VARIABLE) !== undefined;
    if (!registered) registerConfigureHook({ contextVar: GLOBAL_HANDLER_CONTEXT_VARIABLE, inheritable: true });
    setContextVariable(GLOBAL_HANDLER_CONTEXT_VARIABLE, handler);
  } catch (err) {
    diag.warn("otel-agents: could not register the LangChain handler globally", err);
  }
  return handler;
}
