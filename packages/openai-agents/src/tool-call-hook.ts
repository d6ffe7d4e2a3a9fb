import { getCurrentSpan, Runner } from "@openai/agents-core";
import { diag } from "@opentelemetry/api";
import { asRecord, asString } from "@otel-agents/core/adapter";

// The SDK's function span carries no call id, and only OpenAI models with sensitive data on (or a
// model wrapped by `instrumentModel`) show the model's tool calls to a processor. Every runner
// announces each tool it starts with its call (`agent_tool_start`, whatever the model), from inside
// that tool's function span: the one place the call id and the span meet.

export interface ToolCallListener {
  /** The function span `spanId` of trace `traceId` runs the tool call `callId`. */
  toolCallStarted(traceId: string, spanId: string, callId: string): void;
}

const listeners = new Set<ToolCallListener>();
// Process-wide: a second copy of this package must not wrap the runner's `emit` twice.
const HOOKED = Symbol.for("otel-agents.openai-agents.tool-call-hook");

type Emit = (this: unknown, type: unknown, ...args: unknown[]) => unknown;

export function listenToToolCalls(listener: ToolCallListener): void {
  listeners.add(listener);
  hookRunnerEvents();
}

export function stopListeningToToolCalls(listener: ToolCallListener): void {
  listeners.delete(listener);
}

/**
 * Wraps `Runner.prototype.emit` once: the runner's own listeners get every event as before, and
 * nothing here can throw into the run. Without listeners it only passes the call on.
 */
function hookRunnerEvents(): void {
  try {
    const proto = (Runner as unknown as { prototype?: Record<string | symbol, unknown> } | undefined)?.prototype;
    if (!proto || proto[HOOKED] === true || typeof proto.emit !== "function") return;
    const original = proto.emit as Emit;
    const emit: Emit = function (this: unknown, type, ...args) {
      if (type === "agent_tool_start" && listeners.size > 0) noteToolCall(args[3]);
      return original.call(this, type, ...args);
    };
    Object.defineProperty(proto, "emit", { value: emit, writable: true, configurable: true });
    Object.defineProperty(proto, HOOKED, { value: true });
  } catch (err) {
    diag.debug("otel-agents: could not hook the runner's tool events; tool call ids only from model output", err);
  }
}

function noteToolCall(details: unknown): void {
  try {
    const callId = asString(asRecord(asRecord(details)?.toolCall)?.callId);
    if (!callId) return;
    const span = getCurrentSpan();
    if (!span) return;
    for (const listener of listeners) listener.toolCallStarted(span.traceId, span.spanId, callId);
  } catch (err) {
    diag.debug("otel-agents: tool call note failed", err);
  }
}
