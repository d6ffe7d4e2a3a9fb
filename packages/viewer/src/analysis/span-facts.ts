import { ATTR, OPERATION } from "@otel-agents/core/semconv";
import type { AttrValue, Convention, SpanCost, ViewerSpan } from "../shared/model.js";
import { readGenAI } from "../shared/read-genai.js";
import { conformanceOf } from "./conformance.js";
import { isInference } from "./integrity.js";
import type { PriceTable } from "./prices.js";

/**
 * What the trace-level analysis (list row, integrity lens, search text) needs of one span: read
 * from its attributes in one place. Cheap to take again; the conformance check is not, so its
 * result (SpanAnalysis) is kept beside the span and only its count lands here.
 */
export interface SpanFacts {
  /** The row key (see ServedSpan.key). */
  key: string;
  spanId: string;
  parentSpanId: string | null;
  /** A parent id the exporter sent that is no span id (ViewerSpan.invalidParentSpanId): drawn as a root. */
  invalidParent?: string;
  name: string;
  /** OTLP nanosecond strings, kept exact: the root is the earliest span, and ends of "0" mean never ended. */
  startNs: string;
  endNs: string;
  startUs: number;
  endUs: number;
  error: boolean;
  service: string;
  operation?: string;
  agent?: string;
  /** Request and response model names, as sent. */
  models: string[];
  /** The model a price is looked up by (response model, else request model) and its provider. */
  model?: string;
  provider?: string;
  conversation?: string;
  responseId?: string;
  tool?: string;
  workflow?: string;
  /**
   * An `invoke_agent` span of kind CLIENT: a call to an agent in another service, whose model calls
   * this trace may never see. Its usage is counted when no model call with usage is seen under it.
   */
  remoteAgent?: true;
  /** Token counts (0 when absent); `hasUsage` says whether input or output tokens were sent at all. */
  hasUsage: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  convention?: Convention;
  /** Conformance violations of the span (their text is in SpanAnalysis). */
  problems: number;
  /** What the model call cost (priced once when the span arrives, stored beside it). */
  cost?: SpanCost;
}

/** The order the store keeps a trace's spans in: by start, then by row key. */
export function byListOrder(a: SpanFacts, b: SpanFacts): number {
  return a.startUs - b.startUs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The per-span lens results the span panel shows, computed once when the span arrives. */
export interface SpanAnalysis {
  violations: string[];
  missingExpected: string[];
}

export function serviceOf(span: ViewerSpan): string {
  const s = span.resource["service.name"];
  return typeof s === "string" && s ? s : "unknown_service";
}

/** Nanosecond string to microseconds (a safe integer for any date before the year 2255). */
export function toUs(nanos: string): number {
  return Number(BigInt(nanos) / 1000n);
}

/** OTLP's span kind CLIENT. */
const CLIENT = 3;

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/** The conformance lens of one span, computed once when it arrives (the store keeps it beside the span). */
export function analyzeSpan(span: ViewerSpan): SpanAnalysis {
  return conformanceOf(span);
}

/**
 * The facts of one span under its row key, with the violation count of its stored analysis. Spans
 * of OpenInference and OpenLLMetry are read as GenAI too (their kinds, models and token counts).
 */
export function factsOf(span: ViewerSpan, key: string, analysis: SpanAnalysis): SpanFacts {
  const g = readGenAI(span.attributes);
  const models: string[] = [];
  for (const m of [g.requestModel, g.responseModel]) if (m && !models.includes(m)) models.push(m);
  const u = g.usage;
  const facts: SpanFacts = {
    key,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    startNs: span.startTimeUnixNano,
    endNs: span.endTimeUnixNano,
    startUs: toUs(span.startTimeUnixNano),
    endUs: toUs(span.endTimeUnixNano),
    error: span.status.code === 2,
    service: serviceOf(span),
    models,
    hasUsage: u.input !== undefined || u.output !== undefined,
    inputTokens: u.input ?? 0,
    outputTokens: u.output ?? 0,
    cacheReadTokens: u.cacheRead ?? 0,
    cacheWriteTokens: u.cacheWrite ?? 0,
    reasoningTokens: u.reasoning ?? 0,
    problems: analysis.violations.length,
  };
  const optional = {
    invalidParent: span.invalidParentSpanId,
    model: g.responseModel ?? g.requestModel,
    provider: g.provider,
    operation: g.operation,
    agent: g.agent,
    conversation: g.conversation,
    responseId: str(span.attributes[ATTR.responseId]),
    tool: g.tool,
    workflow: str(span.attributes[ATTR.workflowName]),
    convention: g.convention,
    remoteAgent: g.operation === OPERATION.invokeAgent && span.kind === CLIENT ? (true as const) : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (facts as unknown as Record<string, unknown>)[k] = v;
  return facts;
}

/**
 * The cost of a span that is a model call (or embeddings request) or a remote agent call with token
 * usage, by its provider and model (response model, else request model) at the time it started.
 * Other spans cost nothing of their own: an agent's usage is the sum of its model calls (whether a
 * remote agent's cost counts in its trace is the trace's question: see remoteAgentsCounted).
 */
export function costOfSpan(f: SpanFacts, prices: PriceTable): SpanCost | undefined {
  if (!(isInference(f) || f.remoteAgent) || !f.hasUsage) return undefined;
  return prices.cost({
    provider: f.provider,
    model: f.model,
    input: f.inputTokens,
    output: f.outputTokens,
    cacheRead: f.cacheReadTokens,
    cacheWrite: f.cacheWriteTokens,
    reasoning: f.reasoningTokens,
    atUs: f.startUs,
  });
}

/** The cost as stored: "" for none. */
export function packCost(c: SpanCost | undefined): string {
  return c ? JSON.stringify(c) : "";
}

export function unpackCost(stored: string): SpanCost | undefined {
  return stored === "" ? undefined : (JSON.parse(stored) as SpanCost);
}

const NOTHING: SpanAnalysis = { violations: [], missingExpected: [] };

/** The analysis as stored: "" when the lens found nothing (most spans), so rows stay small. */
export function packAnalysis(a: SpanAnalysis): string {
  return a.violations.length === 0 && a.missingExpected.length === 0 ? "" : JSON.stringify(a);
}

export function unpackAnalysis(stored: string): SpanAnalysis {
  return stored === "" ? NOTHING : (JSON.parse(stored) as SpanAnalysis);
}
