import { describe, expect, it } from "vitest";
import { integrityOf, openParentsOf } from "../src/analysis/integrity.js";
import { PriceTable } from "../src/analysis/prices.js";
import { byListOrder, costOfSpan, factsOf, type SpanFacts } from "../src/analysis/span-facts.js";
import { searchText, summarize } from "../src/analysis/summarize.js";
import { TraceTally } from "../src/analysis/trace-tally.js";
import type { Attrs, ViewerSpan } from "../src/shared/model.js";
import { BASE_NS, hex } from "./otlp-json.js";

/** A small deterministic generator (mulberry32), so a failing seed can be run again. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

const prices = PriceTable.load();
const TRACE = hex(0x7a11, 16);

/** What the store did before tallies: every row part computed from all the spans in list order. */
function fromScratch(spans: readonly SpanFacts[], receivedUs: number) {
  const facts = [...spans].sort(byListOrder);
  const integrity = integrityOf(facts);
  const summary = summarize(TRACE, facts, integrity.size, receivedUs);
  const open = openParentsOf(facts);
  let orphans = 0;
  for (const keys of open.values()) for (const key of keys) if (!integrity.has(key)) orphans++;
  return { summary, openParents: open.size, orphans, search: searchText(facts, summary) };
}

/**
 * A trace no exporter would send in one piece: nested model calls with usage, shared response ids,
 * remote agent calls (nested, with and without model calls below), parents that never arrive,
 * clock skew, spans never ended, ties of start times, token counts that are not integers (their
 * sum depends on the order of addition) and, when `irregular`, span ids used twice and cycles.
 */
function randomTrace(seed: number, irregular: boolean, invalidParents = false): SpanFacts[] {
  const r = random(seed);
  const count = 1 + r.int(70);
  const ids = Array.from({ length: count }, (_, i) => hex(i + 1, 8));
  const keys = new Map<string, number>();
  return ids.map((id, i) => {
    const spanId = irregular && i > 0 && r.chance(0.1) ? ids[r.int(i)]! : id;
    const taken = (keys.get(spanId) ?? 0) + 1;
    keys.set(spanId, taken);
    const key = taken === 1 ? spanId : `${spanId}~${taken}`;
    let parentSpanId: string | null = null;
    if (i > 0 && !r.chance(0.1)) {
      if (r.chance(0.1)) parentSpanId = hex(900 + r.int(3), 8);
      else parentSpanId = ids[irregular ? r.int(count) : r.int(i)]!;
    }
    // A parent id that was no id: the span is a root (and flagged), whatever else is wrong with it.
    const invalidParentSpanId = invalidParents && r.chance(0.15) ? r.pick(["abcd", "zz".repeat(8)]) : undefined;
    if (invalidParentSpanId) parentSpanId = null;
    // Few distinct starts, so ties between starts (and start orders unlike arrival orders) are common.
    const startMs = r.int(20) * 10 + (r.chance(0.3) ? 0.0004 : 0);
    const endNs = r.chance(0.05)
      ? "0"
      : String(BASE_NS + BigInt(Math.round((r.chance(0.05) ? startMs - 5 : startMs + 1 + r.int(300)) * 1e6)));
    const attributes: Attrs = {};
    const usage = () => {
      attributes["gen_ai.usage.input_tokens"] = r.chance(0.2) ? 0.1 + r.int(5) / 10 : 10 + r.int(1000);
      attributes["gen_ai.usage.output_tokens"] = r.int(300);
      if (r.chance(0.5)) attributes["gen_ai.usage.cache_read.input_tokens"] = r.int(10);
      if (r.chance(0.3)) attributes["gen_ai.usage.reasoning.output_tokens"] = r.int(10);
    };
    const kind = r.pick(["chat", "chat", "chat", "invoke_agent", "execute_tool", "embeddings", "none", "openinference"]);
    let spanKind: ViewerSpan["kind"] = 1;
    if (kind === "chat" || kind === "embeddings") {
      attributes["gen_ai.operation.name"] = kind;
      attributes["gen_ai.provider.name"] = "openai";
      attributes["gen_ai.request.model"] = r.pick(["gpt-4o-mini", "gpt-4o", "house-model"]);
      if (r.chance(0.8)) usage();
      else if (r.chance(0.5)) attributes["gen_ai.usage.cache_read.input_tokens"] = 3;
      if (r.chance(0.4)) attributes["gen_ai.response.id"] = r.pick(["resp-a", "resp-b", "resp-c"]);
    } else if (kind === "invoke_agent") {
      attributes["gen_ai.operation.name"] = "invoke_agent";
      attributes["gen_ai.agent.name"] = r.pick(["Planner", "Researcher"]);
      attributes["gen_ai.provider.name"] = "openai";
      attributes["gen_ai.request.model"] = "gpt-4o";
      if (r.chance(0.5)) {
        spanKind = 3;
        if (r.chance(0.8)) usage();
      }
      if (r.chance(0.2)) attributes["gen_ai.response.id"] = r.pick(["resp-a", "resp-b"]);
    } else if (kind === "execute_tool") {
      attributes["gen_ai.operation.name"] = "execute_tool";
      attributes["gen_ai.tool.name"] = r.pick(["lookup", "search", "Lookup"]);
    } else if (kind === "openinference") {
      attributes["openinference.span.kind"] = "LLM";
      attributes["llm.model_name"] = "gpt-4o-mini";
      attributes["llm.token_count.prompt"] = r.int(50);
    }
    if (r.chance(0.2)) attributes["gen_ai.conversation.id"] = r.pick(["c-1", "c-2"]);
    if (r.chance(0.1)) attributes["gen_ai.workflow.name"] = r.pick(["Support", "Triage"]);
    const span: ViewerSpan = {
      traceId: TRACE,
      spanId,
      parentSpanId,
      name: r.chance(0.2) ? `step ${r.int(1000)}` : r.pick(["chat", "invoke_agent Planner", "GET", "", "ΑΣ"]),
      kind: spanKind,
      startTimeUnixNano: String(BASE_NS + BigInt(Math.round(startMs * 1e6))),
      endTimeUnixNano: endNs,
      attributes,
      events: [],
      links: [],
      status: { code: r.chance(0.1) ? 2 : 0 },
      resource: { "service.name": r.pick(["planner", "tools", "search"]) },
      scope: { name: "test" },
      ...(invalidParentSpanId ? { invalidParentSpanId } : {}),
    };
    const facts = factsOf(span, key, { violations: r.chance(0.2) ? ["a problem"] : [], missingExpected: [] });
    const cost = costOfSpan(facts, prices);
    if (cost) facts.cost = cost;
    return facts;
  });
}

function shuffled<T>(list: readonly T[], r: ReturnType<typeof random>): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("a trace's list row, kept batch by batch", () => {
  it("equals the row computed from all its spans after every batch, whatever order and batches they arrive in", () => {
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const spans = randomTrace(seed, seed % 4 === 0);
      const r = random(seed * 7919);
      // Exporters send roughly in end order (children before parents); this sends in any order.
      const order = r.chance(0.5) ? shuffled(spans, r) : [...spans].reverse();
      const tally = new TraceTally();
      const arrived: SpanFacts[] = [];
      for (let i = 0; i < order.length; ) {
        const batch = order.slice(i, (i += 1 + r.int(8)));
        tally.add(batch);
        arrived.push(...batch);
        const row = tally.row(TRACE, 42);
        const expected = fromScratch(arrived, 42);
        // As JSON: the same keys in the same order, and sums equal to the last bit.
        expect({ seed, ...row, summary: JSON.stringify(row.summary) }).toEqual({
          seed,
          ...expected,
          summary: JSON.stringify(expected.summary),
        });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it("counts spans with a parent id that was no id as integrity problems, batch by batch as from all the spans", () => {
    let flagged = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const spans = randomTrace(seed, seed % 4 === 0, true);
      const r = random(seed * 104729);
      const order = r.chance(0.5) ? shuffled(spans, r) : [...spans].reverse();
      const tally = new TraceTally();
      const arrived: SpanFacts[] = [];
      for (let i = 0; i < order.length; ) {
        const batch = order.slice(i, (i += 1 + r.int(8)));
        tally.add(batch);
        arrived.push(...batch);
        const row = tally.row(TRACE, 42);
        const expected = fromScratch(arrived, 42);
        expect({ seed, ...row, summary: JSON.stringify(row.summary) }).toEqual({
          seed,
          ...expected,
          summary: JSON.stringify(expected.summary),
        });
      }
      const integrity = integrityOf([...spans].sort(byListOrder));
      for (const f of spans) {
        if (f.invalidParent === undefined) continue;
        flagged++;
        expect(integrity.get(f.key)).toContain(
          `invalid parent span id ${JSON.stringify(f.invalidParent)} (not 8 bytes of hex): drawn as a root; its exporter sent a malformed parentSpanId`,
        );
      }
    }
    expect(flagged).toBeGreaterThan(500);
  });

  it("sums token counts that are not integers in list order, as summarize() does, whatever order they arrive in", () => {
    // 0.1 + 0.2 + 0.3 differs from 0.3 + 0.2 + 0.1 in the last bit.
    const spans = [0.1, 0.2, 0.3].map((tokens, i) =>
      factsOf(
        {
          traceId: TRACE,
          spanId: hex(i + 1, 8),
          parentSpanId: null,
          name: "chat",
          kind: 3,
          startTimeUnixNano: String(BASE_NS + BigInt(i) * 1_000_000n),
          endTimeUnixNano: String(BASE_NS + BigInt(i + 1) * 1_000_000n),
          attributes: { "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": tokens },
          events: [],
          links: [],
          status: { code: 0 },
          resource: {},
          scope: { name: "test" },
        },
        hex(i + 1, 8),
        { violations: [], missingExpected: [] },
      ),
    );
    const tally = new TraceTally();
    for (const f of [...spans].reverse()) tally.add([f]);
    expect(tally.row(TRACE).summary.inputTokens).toBe(0.1 + 0.2 + 0.3);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.3 + 0.2 + 0.1);
  });
});
