import { type Context, context, diag, propagation } from "@opentelemetry/api";
import { type HeaderCarrier, headerGetter, headerSetter } from "./carriers.js";

/**
 * Writes W3C `traceparent`/`tracestate` and `baggage` for `ctx` (default: the active context) into
 * `headers`, through the globally registered propagator (`setup()` and the OpenTelemetry Node SDK
 * register W3C trace context and baggage). Returns the same object. Never throws.
 */
export function injectTraceHeaders<T extends HeaderCarrier>(headers: T, ctx: Context = context.active()): T {
  try {
    propagation.inject(ctx, headers, headerSetter);
  } catch (err) {
    diag.debug("otel-agents: inject failed", err);
  }
  return headers;
}

/** Reads trace context and baggage from incoming headers into a context (default base: the active one). */
export function extractTraceContext(headers: HeaderCarrier | undefined, ctx: Context = context.active()): Context {
  if (!headers) return ctx;
  try {
    return propagation.extract(ctx, headers, headerGetter);
  } catch (err) {
    diag.debug("otel-agents: extract failed", err);
    return ctx;
  }
}
