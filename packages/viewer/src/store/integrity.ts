import { ATTR, INFERENCE_OPERATIONS, OPERATION } from "@otel-agents/core";
import type { Convention, ViewerSpan } from "../shared/model.js";

/** A stored span with the row key it is kept under (see ServedSpan.key). */
export interface KeyedSpan {
  key: string;
  span: ViewerSpan;
}

/** Nanosecond string to microseconds (a safe integer for any date before the year 2255). */
function us(nanos: string): number {
  return Number(BigInt(nanos) / 1000n);
}

function ms(micros: number): string {
  const v = Math.abs(micros) / 1000;
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`;
}

/** Skew below this is rounding between clocks of one host, not worth a word. */
const SKEW_TOLERANCE_US = 1000;

const OPENLLMETRY_KEY = /^(traceloop\.|llm\.request\.type$|llm\.usage\.|gen_ai\.(prompt|completion)\.\d+\.)/;

/** Which convention a span's GenAI attributes follow (undefined: none). */
export function conventionOf(span: ViewerSpan): Convention | undefined {
  const a = span.attributes;
  if (a["openinference.span.kind"] !== undefined) return "openinference";
  const keys = Object.keys(a);
  if (keys.some((k) => OPENLLMETRY_KEY.test(k))) return "openllmetry";
  if (a[ATTR.operationName] !== undefined) return "genai";
  return undefined;
}

function isInference(span: ViewerSpan): boolean {
  const op = span.attributes[ATTR.operationName];
  return typeof op === "string" && (INFERENCE_OPERATIONS.has(op) || op === OPERATION.embeddings);
}

function hasUsage(span: ViewerSpan): boolean {
  return (
    typeof span.attributes[ATTR.usageInputTokens] === "number" || typeof span.attributes[ATTR.usageOutputTokens] === "number"
  );
}

/**
 * Problems of the trace's structure, per span key: ids used twice, parent cycles, parents that never
 * arrived, spans that end before they start or never end, children outside their parent's time,
 * and tokens that a tree of spans reports twice.
 */
export function integrityOf(spans: readonly KeyedSpan[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, problem: string) => {
    const list = out.get(key);
    if (list) list.push(problem);
    else out.set(key, [problem]);
  };
  const byId = new Map<string, KeyedSpan>();
  const sharing = new Map<string, number>();
  for (const s of spans) {
    sharing.set(s.span.spanId, (sharing.get(s.span.spanId) ?? 0) + 1);
    if (!byId.has(s.span.spanId)) byId.set(s.span.spanId, s);
  }
  for (const s of spans) {
    const n = sharing.get(s.span.spanId) ?? 1;
    if (n > 1) add(s.key, `duplicate span id ${s.span.spanId}: ${n} different spans arrived with it; each is kept`);
  }
  for (const key of cycleKeys(spans, byId)) {
    add(key.key, `parent cycle (${key.chain}): drawn as a root`);
  }
  const responseIds = new Map<string, KeyedSpan>();
  for (const s of spans) {
    const span = s.span;
    const start = us(span.startTimeUnixNano);
    const end = us(span.endTimeUnixNano);
    if (span.endTimeUnixNano === "0") add(s.key, "never ended (no end time)");
    else if (end < start) add(s.key, `ends ${ms(start - end)} before it starts (a clock or instrumentation fault)`);
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    if (span.parentSpanId && !parent) add(s.key, `orphan: its parent ${span.parentSpanId} never arrived`);
    if (parent && parent.span.endTimeUnixNano !== "0") {
      const pStart = us(parent.span.startTimeUnixNano);
      const pEnd = us(parent.span.endTimeUnixNano);
      if (start < pStart - SKEW_TOLERANCE_US) add(s.key, `starts ${ms(pStart - start)} before its parent (clock skew?)`);
      else if (end > pEnd + SKEW_TOLERANCE_US && span.endTimeUnixNano !== "0")
        add(s.key, `ends ${ms(end - pEnd)} after its parent (clock skew, or work its parent did not wait for)`);
    }
    if (isInference(span) && hasUsage(span)) {
      const above = usageAncestor(s, byId);
      if (above)
        add(
          s.key,
          `tokens counted twice: its model call "${above.span.name}" above it reports usage too (two instrumentations?)`,
        );
      const responseId = span.attributes[ATTR.responseId];
      if (typeof responseId === "string" && responseId) {
        const first = responseIds.get(responseId);
        if (first && first.key !== s.key)
          add(s.key, `tokens counted twice: span "${first.span.name}" reports the same response id ${responseId}`);
        else responseIds.set(responseId, s);
      }
    }
  }
  return out;
}

/** The nearest ancestor that is a model call with usage of its own (guarded against cycles). */
export function usageAncestor(s: KeyedSpan, byId: ReadonlyMap<string, KeyedSpan>): KeyedSpan | undefined {
  const seen = new Set<string>([s.key]);
  let p = s.span.parentSpanId ? byId.get(s.span.parentSpanId) : undefined;
  while (p && p.span !== s.span && !seen.has(p.key)) {
    if (isInference(p.span) && hasUsage(p.span)) return p;
    seen.add(p.key);
    p = p.span.parentSpanId ? byId.get(p.span.parentSpanId) : undefined;
  }
  return undefined;
}

/** Spans whose parent chain loops back on itself, each with the loop spelled by span names. */
function cycleKeys(spans: readonly KeyedSpan[], byId: ReadonlyMap<string, KeyedSpan>): { key: string; chain: string }[] {
  const state = new Map<string, "open" | "done">();
  const found: { key: string; chain: string }[] = [];
  for (const start of spans) {
    if (state.has(start.key)) continue;
    const path: KeyedSpan[] = [];
    let cur: KeyedSpan | undefined = start;
    while (cur && !state.has(cur.key)) {
      state.set(cur.key, "open");
      path.push(cur);
      cur = cur.span.parentSpanId ? byId.get(cur.span.parentSpanId) : undefined;
    }
    if (cur && state.get(cur.key) === "open") {
      const loop = path.slice(path.indexOf(cur));
      const chain = [...loop, cur].map((k) => k.span.name || k.span.spanId).join(" → ");
      for (const k of loop) found.push({ key: k.key, chain });
    }
    for (const k of path) state.set(k.key, "done");
  }
  return found;
}
