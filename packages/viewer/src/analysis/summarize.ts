import { INFERENCE_OPERATIONS, OPERATION } from "@otel-agents/core/semconv";
import type { Convention, TraceSummary } from "../shared/model.js";
import { firstById, isInference, usageAncestor } from "./integrity.js";
import type { SpanFacts } from "./span-facts.js";

/** Whether OTLP nanosecond string `a` is earlier than `b` (decimal strings without leading zeros). */
function earlier(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/** The span a trace is named after: the earliest one whose parent is not in the trace. */
export function rootOf(spans: readonly SpanFacts[]): SpanFacts | undefined {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  const pool = roots.length > 0 ? roots : spans;
  return pool.reduce<SpanFacts | undefined>((best, s) => (!best || earlier(s.startNs, best.startNs) ? s : best), undefined);
}

/**
 * The spans whose tokens (and cost) a trace does not count: a model call inside another model call
 * with usage (two instrumentations of one call), or a second span with a response id already seen.
 * `spans` in start order, as the store keeps them: the first of two is the one counted.
 */
export function countedTwice(spans: readonly SpanFacts[], byId = firstById(spans)): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const f of spans) {
    if ((f.responseId !== undefined && seen.has(f.responseId)) || usageAncestor(f, byId) !== undefined) twice.add(f.key);
    if (f.responseId) seen.add(f.responseId);
  }
  return twice;
}

/**
 * Remote agent calls (`invoke_agent` spans of kind CLIENT) whose usage the trace counts: those with
 * usage and no model call with usage anywhere under them (the agent ran in a service whose spans
 * never came here), that are not themselves counted twice, and that no remote agent counted above
 * them already covers. Where the model calls are seen, they are counted instead, never both.
 */
export function remoteAgentsCounted(
  spans: readonly SpanFacts[],
  byId = firstById(spans),
  twice = countedTwice(spans, byId),
): Set<string> {
  const candidates = spans.filter((f) => f.remoteAgent && f.hasUsage && !twice.has(f.key));
  if (candidates.length === 0) return new Set();
  // Every span above a model call with usage (guarded against parent cycles).
  const aboveUsage = new Set<string>();
  for (const f of spans) {
    if (!isInference(f) || !f.hasUsage) continue;
    const seen = new Set<string>([f.key]);
    let p = f.parentSpanId ? byId.get(f.parentSpanId) : undefined;
    while (p && !seen.has(p.key) && !aboveUsage.has(p.key)) {
      aboveUsage.add(p.key);
      seen.add(p.key);
      p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined;
    }
  }
  const counted = new Set(candidates.filter((f) => !aboveUsage.has(f.key)).map((f) => f.key));
  // The outermost of nested remote agents counts: an agent's usage includes the agents it called.
  for (const f of candidates) {
    if (!counted.has(f.key)) continue;
    const seen = new Set<string>([f.key]);
    let p = f.parentSpanId ? byId.get(f.parentSpanId) : undefined;
    while (p && !seen.has(p.key)) {
      if (counted.has(p.key)) {
        counted.delete(f.key);
        break;
      }
      seen.add(p.key);
      p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined;
    }
  }
  return counted;
}

/**
 * The list row of a trace. Tokens and cost are summed over inference and embeddings spans: agent
 * spans carry the totals of their model calls, and counting both would double them. A model call
 * inside another model call with usage (two instrumentations of one call), or a second span with
 * the same response id, is not counted again (see countedTwice). A remote agent call's usage is
 * counted where none of its model calls is seen (see remoteAgentsCounted).
 */
export function summarize(
  traceId: string,
  spans: readonly SpanFacts[],
  integrityProblems = 0,
  receivedUs?: number,
): TraceSummary {
  const root = rootOf(spans);
  const byId = firstById(spans);
  const twice = countedTwice(spans, byId);
  const remote = remoteAgentsCounted(spans, byId, twice);
  let costUsd: number | undefined;
  let unpricedTokens = 0;
  const conventions = new Set<Convention>();
  const services = new Set<string>();
  const agents = new Set<string>();
  const models = new Set<string>();
  const conversations = new Set<string>();
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  const s: Omit<
    TraceSummary,
    "traceId" | "service" | "services" | "rootName" | "startUs" | "durationUs" | "agents" | "models" | "conversationIds"
  > = {
    spanCount: spans.length,
    modelCalls: 0,
    toolCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    reasoningTokens: 0,
    errors: 0,
    conformanceProblems: 0,
    integrityProblems,
  };
  for (const f of spans) {
    services.add(f.service);
    start = Math.min(start, f.startUs);
    end = Math.max(end, f.endUs, f.startUs);
    if (f.error) s.errors++;
    s.conformanceProblems += f.problems;
    if (f.convention) conventions.add(f.convention);
    if (f.agent) agents.add(f.agent);
    for (const m of f.models) models.add(m);
    if (f.conversation) conversations.add(f.conversation);
    if (f.operation === OPERATION.executeTool) s.toolCalls++;
    if (f.operation !== undefined && INFERENCE_OPERATIONS.has(f.operation)) s.modelCalls++;
    if ((isInference(f) && !twice.has(f.key)) || remote.has(f.key)) {
      s.inputTokens += f.inputTokens;
      s.outputTokens += f.outputTokens;
      s.cacheReadTokens += f.cacheReadTokens;
      s.reasoningTokens += f.reasoningTokens;
      if (f.cost?.usd !== undefined) costUsd = (costUsd ?? 0) + f.cost.usd;
      unpricedTokens += f.cost?.unpricedTokens ?? 0;
    }
  }
  const service = root ? root.service : "unknown_service";
  return {
    traceId,
    service,
    services: [service, ...[...services].filter((x) => x !== service).sort()],
    rootName: root?.name ?? "",
    startUs: Number.isFinite(start) ? start : 0,
    durationUs: Number.isFinite(start) ? end - start : 0,
    ...s,
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(unpricedTokens > 0 ? { unpricedTokens } : {}),
    conventions: [...conventions].sort(),
    ...(receivedUs !== undefined ? { receivedUs } : {}),
    agents: [...agents].sort(),
    models: [...models].sort(),
    conversationIds: [...conversations].sort(),
  };
}

/** Lower-case text the free-text filter searches: names, services, agents, models, tools, ids. */
export function searchText(spans: readonly SpanFacts[], summary: TraceSummary): string {
  const parts = new Set<string>([
    summary.traceId,
    ...summary.services,
    ...summary.agents,
    ...summary.models,
    ...summary.conversationIds,
  ]);
  for (const f of spans) {
    parts.add(f.name);
    if (f.tool) parts.add(f.tool);
    if (f.workflow) parts.add(f.workflow);
  }
  return [...parts].join("\n").toLowerCase();
}
