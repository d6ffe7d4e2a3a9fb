import { getGlobalTraceProvider } from "@openai/agents-core";
import { diag } from "@opentelemetry/api";

// The Agents SDK's tracing can be off while our processor is registered: it reads
// NODE_ENV === "test" (vitest sets it) or OPENAI_AGENTS_DISABLE_TRACING when its trace provider is
// first created, and setTracingDisabled(true) turns it off too. Then no processor gets any event, so
// nothing is recorded, and nothing else would say why.

/** Whether the SDK hands out no-op traces now. The probe trace is never started, so no processor sees it. */
export function agentsTracingDisabled(): boolean {
  try {
    const probe = getGlobalTraceProvider().createTrace({
      name: "otel-agents tracing check",
      traceId: "trace_00000000000000000000000000000000",
    });
    return probe.traceId === "no-op";
  } catch {
    return false;
  }
}

export function tracingDisabledMessage(env: Record<string, string | undefined> = process.env): string {
  const cause =
    env.NODE_ENV === "test"
      ? "NODE_ENV=test turns it off when its trace provider is created"
      : env.OPENAI_AGENTS_DISABLE_TRACING
        ? `OPENAI_AGENTS_DISABLE_TRACING=${env.OPENAI_AGENTS_DISABLE_TRACING} turns it off`
        : "setTracingDisabled(true) was called";
  return `otel-agents/openai-agents: the OpenAI Agents SDK's tracing is disabled (${cause}), so the OpenTelemetry processor receives no events and Agents runs are not recorded. Call setTracingDisabled(false) (from @openai/agents) at startup to record them.`;
}

/** Says so through diag when the SDK's tracing is disabled; returns whether it is. */
export function warnIfTracingDisabled(): boolean {
  if (!agentsTracingDisabled()) return false;
  diag.warn(tracingDisabledMessage());
  return true;
}

let scheduled = false;

/**
 * Called where a processor is made for registration (every registration path makes one): checks once
 * per process, on the next turn of the event loop, so that an app that calls
 * setTracingDisabled(false) just after registering is not warned.
 */
export function checkTracingEnabledSoon(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(warnIfTracingDisabled).unref();
}
