import { INFERENCE_OPERATIONS, OPERATION } from "@otel-agents/core/semconv";
import type { Convention, TraceSummary } from "../shared/model.js";
import { firstById, isInference, reportsUsage, usageAncestor } from "./integrity.js";
import type { SpanFacts } from "./span-facts.js";

/** Whether OTLP nanosecond string `a` is earlier than `b` (decimal strings without leading zeros). */
export function earlier(a: string, b: string): boolean {
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
    if (!reportsUsage(f)) continue;
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

/** Tokens and cost of the spans a trace counts (see summarize), added up in list order. */
export interface CountedTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
  unpricedTokens: number;
  /** Undefined while no counted call has a price. */
  costUsd: number | undefined;
}

export const NO_TOTALS: CountedTotals = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  reasoningTokens: 0,
  unpricedTokens: 0,
  costUsd: undefined,
};

/** The totals with one more counted span after them (a new object: callers keep running totals). */
export function plusCounted(t: CountedTotals, f: SpanFacts): CountedTotals {
  return {
    inputTokens: t.inputTokens + f.inputTokens,
    outputTokens: t.outputTokens + f.outputTokens,
    cacheReadTokens: t.cacheReadTokens + f.cacheReadTokens,
    reasoningTokens: t.reasoningTokens + f.reasoningTokens,
    unpricedTokens: t.unpricedTokens + (f.cost?.unpricedTokens ?? 0),
    costUsd: f.cost?.usd !== undefined ? (t.costUsd ?? 0) + f.cost.usd : t.costUsd,
  };
}

/** What each span adds to a list row on its own, whatever else the trace holds. */
export interface SpanCounts {
  spanCount: number;
  modelCalls: number;
  toolCalls: number;
  errors: number;
  conformanceProblems: number;
  conventions: Set<Convention>;
  services: Set<string>;
  agents: Set<string>;
  models: Set<string>;
  conversations: Set<string>;
  /** Earliest start and latest end or start (µs). */
  startUs: number;
  endUs: number;
}

export function noCounts(): SpanCounts {
  return {
    spanCount: 0,
    modelCalls: 0,
    toolCalls: 0,
    errors: 0,
    conformanceProblems: 0,
    conventions: new Set(),
    services: new Set(),
    agents: new Set(),
    models: new Set(),
    conversations: new Set(),
    startUs: Number.POSITIVE_INFINITY,
    endUs: 0,
  };
}

export function countSpan(c: SpanCounts, f: SpanFacts): void {
  c.spanCount++;
  c.services.add(f.service);
  c.startUs = Math.min(c.startUs, f.startUs);
  c.endUs = Math.max(c.endUs, f.endUs, f.startUs);
  if (f.error) c.errors++;
  c.conformanceProblems += f.problems;
  if (f.convention) c.conventions.add(f.convention);
  if (f.agent) c.agents.add(f.agent);
  for (const m of f.models) c.models.add(m);
  if (f.conversation) c.conversations.add(f.conversation);
  if (f.operation === OPERATION.executeTool) c.toolCalls++;
  if (f.operation !== undefined && INFERENCE_OPERATIONS.has(f.operation)) c.modelCalls++;
}

/** The list row from its parts: one builder, so every way of gathering them gives the same JSON. */
export function rowOf(
  traceId: string,
  root: SpanFacts | undefined,
  c: SpanCounts,
  t: CountedTotals,
  integrityProblems: number,
  receivedUs?: number,
): TraceSummary {
  const service = root ? root.service : "unknown_service";
  const started = Number.isFinite(c.startUs);
  return {
    traceId,
    service,
    services: [service, ...[...c.services].filter((x) => x !== service).sort()],
    rootName: root?.name ?? "",
    startUs: started ? c.startUs : 0,
    durationUs: started ? c.endUs - c.startUs : 0,
    spanCount: c.spanCount,
    modelCalls: c.modelCalls,
    toolCalls: c.toolCalls,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadTokens: t.cacheReadTokens,
    reasoningTokens: t.reasoningTokens,
    errors: c.errors,
    conformanceProblems: c.conformanceProblems,
    integrityProblems,
    ...(t.costUsd !== undefined ? { costUsd: t.costUsd } : {}),
    ...(t.unpricedTokens > 0 ? { unpricedTokens: t.unpricedTokens } : {}),
    conventions: [...c.conventions].sort(),
    ...(receivedUs !== undefined ? { receivedUs } : {}),
    agents: [...c.agents].sort(),
    models: [...c.models].sort(),
    conversationIds: [...c.conversations].sort(),
  };
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
  const byId = firstById(spans);
  const twice = countedTwice(spans, byId);
  const remote = remoteAgentsCounted(spans, byId, twice);
  const counts = noCounts();
  let totals = NO_TOTALS;
  for (const f of spans) {
    countSpan(counts, f);
    if ((isInference(f) && !twice.has(f.key)) || remote.has(f.key)) totals = plusCounted(totals, f);
  }
  return rowOf(traceId, rootOf(spans), counts, totals, integrityProblems, receivedUs);
}

/** The words of the list row the free-text filter searches, before those of the spans. */
export function searchHead(summary: TraceSummary): string[] {
  return [summary.traceId, ...summary.services, ...summary.agents, ...summary.models, ...summary.conversationIds];
}

/** The words of one span the free-text filter searches, in the order they join the text. */
export function searchWordsOf(f: SpanFacts): string[] {
  const words = [f.name];
  if (f.tool) words.push(f.tool);
  if (f.workflow) words.push(f.workflow);
  return words;
}

/** Lower-case text the free-text filter searches: names, services, agents, models, tools, ids. */
export function searchText(spans: readonly SpanFacts[], summary: TraceSummary): string {
  const parts = new Set<string>(searchHead(summary));
  for (const f of spans) for (const w of searchWordsOf(f)) parts.add(w);
  return [...parts].join("\n").toLowerCase();
}
