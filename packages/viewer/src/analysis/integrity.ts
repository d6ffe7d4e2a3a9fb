import { INFERENCE_OPERATIONS, OPERATION } from "@otel-agents/core/semconv";
import type { SpanFacts } from "./span-facts.js";

function ms(micros: number): string {
  const v = Math.abs(micros) / 1000;
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`;
}

/** Skew below this is rounding between clocks of one host, not worth a word. */
const SKEW_TOLERANCE_US = 1000;

/** A model call or embeddings request: the spans whose tokens a trace counts. */
export function isInference(f: SpanFacts): boolean {
  return f.operation !== undefined && (INFERENCE_OPERATIONS.has(f.operation) || f.operation === OPERATION.embeddings);
}

/** The first span of each span id, in the order given (the others under that id are duplicates). */
export function firstById(spans: readonly SpanFacts[]): Map<string, SpanFacts> {
  const byId = new Map<string, SpanFacts>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  return byId;
}

/**
 * Problems of the trace's structure, per span key: ids used twice, parent ids that are no span ids,
 * parent cycles, spans that end before they start or never end, children outside their parent's
 * time, and tokens that a tree of spans reports twice. Parents that never arrived are not among them: see openParentsOf.
 */
export function integrityOf(spans: readonly SpanFacts[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, problem: string) => {
    const list = out.get(key);
    if (list) list.push(problem);
    else out.set(key, [problem]);
  };
  const byId = firstById(spans);
  const sharing = new Map<string, number>();
  for (const s of spans) sharing.set(s.spanId, (sharing.get(s.spanId) ?? 0) + 1);
  for (const s of spans) {
    const n = sharing.get(s.spanId) ?? 1;
    if (n > 1) add(s.key, `duplicate span id ${s.spanId}: ${n} different spans arrived with it; each is kept`);
  }
  for (const s of spans) if (s.invalidParent !== undefined) add(s.key, invalidParentLine(s.invalidParent));
  for (const key of cycleKeys(spans, byId)) {
    add(key.key, `parent cycle (${key.chain}): drawn as a root`);
  }
  const responseIds = new Map<string, SpanFacts>();
  for (const s of spans) {
    const times = timeProblem(s);
    if (times) add(s.key, times);
    // A parent not (yet) here is no problem while the trace grows: it may still be running. The
    // store says so once the trace is quiet (openParentsOf, orphanLine).
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    const skew = parent ? skewProblem(s, parent) : undefined;
    if (skew) add(s.key, skew);
    if (reportsUsage(s)) {
      const above = usageAncestor(s, byId);
      if (above)
        add(s.key, `tokens counted twice: its model call "${above.name}" above it reports usage too (two instrumentations?)`);
      if (s.responseId) {
        const first = responseIds.get(s.responseId);
        if (first && first.key !== s.key)
          add(s.key, `tokens counted twice: span "${first.name}" reports the same response id ${s.responseId}`);
        else responseIds.set(s.responseId, s);
      }
    }
  }
  return out;
}

/** The problem of a span whose exporter sent a parent id that is no span id. */
export function invalidParentLine(sent: string): string {
  return `invalid parent span id ${JSON.stringify(sent)} (not 8 bytes of hex): drawn as a root; its exporter sent a malformed parentSpanId`;
}

/** What is wrong with a span's own times: it never ended, or ends before it starts. */
export function timeProblem(s: SpanFacts): string | undefined {
  if (s.endNs === "0") return "never ended (no end time)";
  if (s.endUs < s.startUs) return `ends ${ms(s.startUs - s.endUs)} before it starts (a clock or instrumentation fault)`;
  return undefined;
}

/** What is wrong with a span's times against its parent's (nothing while the parent has not ended). */
export function skewProblem(s: SpanFacts, parent: SpanFacts): string | undefined {
  if (parent.endNs === "0") return undefined;
  if (s.startUs < parent.startUs - SKEW_TOLERANCE_US)
    return `starts ${ms(parent.startUs - s.startUs)} before its parent (clock skew?)`;
  if (s.endUs > parent.endUs + SKEW_TOLERANCE_US && s.endNs !== "0")
    return `ends ${ms(s.endUs - parent.endUs)} after its parent (clock skew, or work its parent did not wait for)`;
  return undefined;
}

/** Whether a span is a model call with token usage of its own: the spans that can count tokens twice. */
export function reportsUsage(f: SpanFacts): boolean {
  return isInference(f) && f.hasUsage;
}

/**
 * Parents named but never arrived, each with the keys of the spans under it: while the trace grows
 * they may be running still; once it stops they never ended (or were lost on the way).
 */
export function openParentsOf(spans: readonly SpanFacts[]): Map<string, string[]> {
  const byId = firstById(spans);
  const open = new Map<string, string[]>();
  for (const s of spans) {
    if (!s.parentSpanId || byId.has(s.parentSpanId)) continue;
    const list = open.get(s.parentSpanId);
    if (list) list.push(s.key);
    else open.set(s.parentSpanId, [s.key]);
  }
  return open;
}

/** The problem of a span whose parent is still missing once the trace has stopped growing. */
export function orphanLine(parentId: string): string {
  return `orphan: its parent ${parentId} never arrived`;
}

/** The one-line hint on a span whose parent never ended. */
export function neverEndedHint(parentId: string, quietPeriodMs: number): string {
  return (
    `never ended: its parent ${parentId} was still open when the trace stopped growing (no span for ${quietPeriodMs / 1000} s); ` +
    "end that span on every path (finally), and flush or shut down the tracer provider before the process exits"
  );
}

/** The nearest ancestor that is a model call with usage of its own (guarded against cycles). */
export function usageAncestor(s: SpanFacts, byId: ReadonlyMap<string, SpanFacts>): SpanFacts | undefined {
  const seen = new Set<string>([s.key]);
  let p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
  while (p && p !== s && !seen.has(p.key)) {
    if (reportsUsage(p)) return p;
    seen.add(p.key);
    p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined;
  }
  return undefined;
}

/** Spans whose parent chain loops back on itself, each with the loop spelled by span names. */
function cycleKeys(spans: readonly SpanFacts[], byId: ReadonlyMap<string, SpanFacts>): { key: string; chain: string }[] {
  const state = new Map<string, "open" | "done">();
  const found: { key: string; chain: string }[] = [];
  for (const start of spans) {
    if (state.has(start.key)) continue;
    const path: SpanFacts[] = [];
    let cur: SpanFacts | undefined = start;
    while (cur && !state.has(cur.key)) {
      state.set(cur.key, "open");
      path.push(cur);
      cur = cur.parentSpanId ? byId.get(cur.parentSpanId) : undefined;
    }
    if (cur && state.get(cur.key) === "open") {
      const loop = path.slice(path.indexOf(cur));
      const chain = [...loop, cur].map((k) => k.name || k.spanId).join(" → ");
      for (const k of loop) found.push({ key: k.key, chain });
    }
    for (const k of path) state.set(k.key, "done");
  }
  return found;
}
