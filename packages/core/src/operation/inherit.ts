import { type Context, propagation } from "@opentelemetry/api";
import { ATTR, BAGGAGE, OPERATION } from "../semconv/names.js";
import type { OperationHandle } from "./handle.js";
import type { OperationFacts, OperationKind } from "./types.js";
import { str } from "./values.js";

// Operations whose agent name is sampling-relevant and known from the agent that runs them (#495).
const RUN_BY_AGENT: ReadonlySet<OperationKind> = new Set<OperationKind>([OPERATION.executeTool, OPERATION.plan]);

/**
 * Facts an operation takes from the run around it when its adapter did not give them, before its
 * span starts (both are read by samplers):
 * - a tool call or a plan names the agent that runs it;
 * - the conversation id is the enclosing operation's, else the caller's baggage. Only a real id
 *   travels this way (one an adapter or the app gave); none is ever made up here.
 */
export function inheritFacts(
  facts: OperationFacts,
  operation: OperationKind,
  allowed: ReadonlySet<string>,
  parent: OperationHandle | undefined,
  parentContext: Context,
): void {
  if (RUN_BY_AGENT.has(operation) && !str(facts.agent?.name)) {
    const agent = parent?.operation === OPERATION.invokeAgent ? parent : parent?.agent;
    const name = str(agent?.facts.agent?.name);
    if (name) facts.agent = { ...facts.agent, name };
  }
  if (facts.conversationId !== undefined || !allowed.has(ATTR.conversationId)) return;
  for (let h = parent; h; h = h.parent) {
    const id = str(h.facts.conversationId);
    if (id) {
      facts.conversationId = id;
      return;
    }
  }
  const fromBaggage = propagation.getBaggage(parentContext)?.getEntry(BAGGAGE.conversationId)?.value;
  if (fromBaggage) facts.conversationId = fromBaggage;
}
