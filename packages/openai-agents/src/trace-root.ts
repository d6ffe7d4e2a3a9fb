import { type Context, isSpanContextValid, TraceFlags, trace } from "@opentelemetry/api";

const AGENTS_TRACE_ID = /^trace_([0-9a-f]{32})$/;
const INVALID = /^0+$/;

/** The 32-hex W3C trace id inside an Agents trace id (`trace_<32 hex>`), if it has one. */
export function w3cTraceId(agentsTraceId: string): string | undefined {
  const hex = AGENTS_TRACE_ID.exec(agentsTraceId)?.[1];
  return hex && !INVALID.test(hex) ? hex : undefined;
}

/**
 * The parent context for a workflow span that should reuse the Agents trace id. OpenTelemetry
 * only lets a span inherit a trace id from a parent, so this is a non-recording remote parent
 * with that trace id. Never used when the caller has an active span: its trace wins.
 */
export function adoptedTraceContext(parent: Context, agentsTraceId: string): Context {
  const active = trace.getSpanContext(parent);
  if (active && isSpanContextValid(active)) return parent;
  const traceId = w3cTraceId(agentsTraceId);
  if (!traceId) return parent;
  // Derived from the trace id so every span of the trace names the same (absent) parent.
  const spanId = INVALID.test(traceId.slice(16)) ? traceId.slice(0, 16) : traceId.slice(16);
  return trace.setSpanContext(parent, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}
