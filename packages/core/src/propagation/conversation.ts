import { type Context, context, propagation } from "@opentelemetry/api";
import { BAGGAGE } from "../semconv/names.js";

function withEntry(ctx: Context, key: string, value: string): Context {
  const baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  return propagation.setBaggage(ctx, baggage.setEntry(key, { value }));
}

/**
 * A context carrying the app's conversation id in baggage: every GenAI span started under it that
 * may carry `gen_ai.conversation.id` gets it, in this service and, once the baggage crosses an
 * HTTP hop, in the next. Use the app's own conversation/session/thread id, never a generated one.
 */
export function setConversationId(ctx: Context, conversationId: string): Context {
  return withEntry(ctx, BAGGAGE.conversationId, conversationId);
}

/** Runs `fn` with the conversation id in the active context's baggage. */
export function withConversationId<T>(conversationId: string, fn: () => T): T {
  return context.with(setConversationId(context.active(), conversationId), fn);
}

export function getConversationId(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(BAGGAGE.conversationId)?.value;
}

/** Carries the calling agent's name to the next service (informational; not stamped on spans). */
export function setCallerAgentName(ctx: Context, agentName: string): Context {
  return withEntry(ctx, BAGGAGE.agentName, agentName);
}

export function getCallerAgentName(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(BAGGAGE.agentName)?.value;
}
