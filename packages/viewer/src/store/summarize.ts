import { ATTR, INFERENCE_OPERATIONS, OPERATION } from "@otel-agents/core";
import type { AttrValue, Convention, TraceSummary, ViewerSpan } from "../shared/model.js";
import { conventionOf, usageAncestor } from "./integrity.js";

export function serviceOf(span: ViewerSpan): string {
  const s = span.resource["service.name"];
  return typeof s === "string" && s ? s : "unknown_service";
}

/** Nanosecond string to microseconds (a safe integer for any date before the year 2255). */
export function toUs(nanos: string): number {
  return Number(BigInt(nanos) / 1000n);
}

function num(v: AttrValue | undefined): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/** The span a trace is named after: the earliest one whose parent is not in the trace. */
export function rootOf(spans: readonly ViewerSpan[]): ViewerSpan | undefined {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  const pool = roots.length > 0 ? roots : spans;
  return pool.reduce<ViewerSpan | undefined>(
    (best, s) => (!best || BigInt(s.startTimeUnixNano) < BigInt(best.startTimeUnixNano) ? s : best),
    undefined,
  );
}

/**
 * The list row of a trace. Tokens are summed over inference and embeddings spans only: agent
 * spans carry the totals of their model calls, and counting both would double them. A model call
 * inside another model call with usage (two instrumentations of one call), or a second span with
 * the same response id, is not counted again.
 */
export function summarize(
  spans: readonly ViewerSpan[],
  conformanceProblems: number,
  integrityProblems = 0,
  receivedUs?: number,
): TraceSummary {
  const root = rootOf(spans);
  const byId = new Map<string, { key: string; span: ViewerSpan }>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, { key: span.spanId, span });
  const counted = new Set<string>();
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
    conformanceProblems,
    integrityProblems,
  };
  for (const span of spans) {
    const a = span.attributes;
    services.add(serviceOf(span));
    start = Math.min(start, toUs(span.startTimeUnixNano));
    end = Math.max(end, toUs(span.endTimeUnixNano), toUs(span.startTimeUnixNano));
    if (span.status.code === 2) s.errors++;
    const convention = conventionOf(span);
    if (convention) conventions.add(convention);
    const op = str(a[ATTR.operationName]);
    const agent = str(a[ATTR.agentName]);
    if (agent) agents.add(agent);
    for (const key of [ATTR.requestModel, ATTR.responseModel]) {
      const m = str(a[key]);
      if (m) models.add(m);
    }
    const conversation = str(a[ATTR.conversationId]);
    if (conversation) conversations.add(conversation);
    if (op === OPERATION.executeTool) s.toolCalls++;
    const inference = op !== undefined && INFERENCE_OPERATIONS.has(op);
    if (inference) s.modelCalls++;
    const responseId = str(a[ATTR.responseId]);
    const twice =
      (responseId !== undefined && counted.has(responseId)) ||
      usageAncestor({ key: `${span.spanId}#self`, span }, byId) !== undefined;
    if (responseId) counted.add(responseId);
    if ((inference || op === OPERATION.embeddings) && !twice) {
      s.inputTokens += num(a[ATTR.usageInputTokens]);
      s.outputTokens += num(a[ATTR.usageOutputTokens]);
      s.cacheReadTokens += num(a[ATTR.usageCacheReadInputTokens]);
      s.reasoningTokens += num(a[ATTR.usageReasoningOutputTokens]);
    }
  }
  const service = root ? serviceOf(root) : "unknown_service";
  return {
    traceId: root?.traceId ?? spans[0]?.traceId ?? "",
    service,
    services: [service, ...[...services].filter((x) => x !== service).sort()],
    rootName: root?.name ?? "",
    startUs: Number.isFinite(start) ? start : 0,
    durationUs: Number.isFinite(start) ? end - start : 0,
    ...s,
    conventions: [...conventions].sort(),
    ...(receivedUs !== undefined ? { receivedUs } : {}),
    agents: [...agents].sort(),
    models: [...models].sort(),
    conversationIds: [...conversations].sort(),
  };
}

/** Lower-case text the free-text filter searches: names, services, agents, models, tools, ids. */
export function searchText(spans: readonly ViewerSpan[], summary: TraceSummary): string {
  const parts = new Set<string>([
    summary.traceId,
    ...summary.services,
    ...summary.agents,
    ...summary.models,
    ...summary.conversationIds,
  ]);
  for (const span of spans) {
    parts.add(span.name);
    const tool = str(span.attributes[ATTR.toolName]);
    if (tool) parts.add(tool);
    const workflow = str(span.attributes[ATTR.workflowName]);
    if (workflow) parts.add(workflow);
  }
  return [...parts].join("\n").toLowerCase();
}
