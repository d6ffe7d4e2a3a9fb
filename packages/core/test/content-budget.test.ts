import { validateContentAttribute } from "@otel-agents/testing/content-schemas";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import type { InputMessage } from "../src/content/messages.js";
import { type JsonValue, plainJson, TRUNCATION_MARKER, toSafeJson } from "../src/content/safe-json.js";
import { serializeWithinLimit } from "../src/content/truncate.js";
import { GenAITelemetry } from "../src/telemetry.js";

// Content is bounded by its size, not only by its depth and the length of each list: a value whose
// parts are shared (each path is walked again) or a very long history must cost work in proportion
// to what can be recorded, and still give valid, truncated JSON.

const h = createHarness();
beforeEach(() => h.reset());
const make = (maxContentLength: number) =>
  new GenAITelemetry(
    { name: "content-budget-test" },
    { tracerProvider: h.tracerProvider, captureContent: true, maxContentLength },
  );

/** An object graph with 2^depth paths from the root and depth + 1 distinct objects. */
function sharedGraph(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { leaf: "x" };
  for (let i = 0; i < depth; i++) node = { left: node, right: node };
  return node;
}

describe("content within a node budget", () => {
  it("records a tool argument whose objects are shared 2^30 times over as truncated, valid JSON", () => {
    const t = make(4096);
    t.start({
      operation: "execute_tool",
      tool: { name: "lookup", callId: "c1" },
      content: { toolArguments: sharedGraph(30) },
    }).end();
    const [span] = h.spans();
    const value = String(span?.attributes["gen_ai.tool.call.arguments"]);
    expect(value.length).toBeLessThanOrEqual(4096);
    // Every object keeps its first key (down the "left" path); those the copy read whole say how
    // many more they had (the budget ran out before it reached the upper ones' "right").
    expect(JSON.parse(value)).toHaveProperty(["left", "left", "left", "left"]);
    expect(value).toContain(`"${TRUNCATION_MARKER}":"1 more"`);
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.tool.call.arguments"]);
  });

  it("keeps the latest messages of a history far longer than the limit, as valid messages", () => {
    const t = make(2000);
    const history: InputMessage[] = Array.from({ length: 50_000 }, (_, i) => ({
      role: i % 2 ? "assistant" : "user",
      parts: [{ type: "text", content: `message ${i}` }],
    }));
    t.start({ operation: "chat", provider: "openai", requestModel: "m", content: { inputMessages: history } }).end();
    const [span] = h.spans();
    const value = String(span?.attributes["gen_ai.input.messages"]);
    expect(value.length).toBeLessThanOrEqual(2000);
    const kept = JSON.parse(value) as InputMessage[];
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.at(-1)).toEqual(history.at(-1));
    expect(kept.at(0)).toEqual(history.at(-kept.length));
    expect(validateContentAttribute("gen_ai.input.messages", value)).toEqual([]);
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.input.messages"]);
  });

  it("copies a value within the budget exactly as without one, and cuts one beyond it", () => {
    const opts = { maxStringLength: 100, maxDepth: 32, maxEntries: 1000 };
    const value = { a: [1, 2, { b: "c" }], d: { e: null, f: true } };
    // 10 values, counted as the copy visits them: the root, a, 1, 2, {b}, "c", d, null, true... and
    // the budget is checked before each.
    const unbounded = toSafeJson(value, opts);
    const within = { cut: true };
    expect(toSafeJson(value, { ...opts, maxNodes: 10 }, within)).toEqual(unbounded);
    expect(within.cut).toBe(false);
    expect(plainJson(value, { ...opts, maxNodes: 10 })).toBe(JSON.stringify(value));

    const beyond = { cut: false };
    const cut = toSafeJson(value, { ...opts, maxNodes: 5 }, beyond);
    expect(beyond.cut).toBe(true);
    // The sixth value is the first past the budget; everything after it is left out.
    expect(cut).toEqual({ a: [1, 2, { b: TRUNCATION_MARKER }] });
    // The shortcut declines: the copy decides what is kept.
    expect(plainJson(value, { ...opts, maxNodes: 5 })).toBeUndefined();
  });

  it("spends none of the budget on what JSON leaves out (undefined, functions, symbols)", () => {
    const sparse: Record<string, unknown> = { kept: "yes" };
    for (let i = 0; i < 1000; i++) sparse[`u${i}`] = i % 3 === 0 ? undefined : i % 3 === 1 ? () => i : Symbol("s");
    const report = { cut: true };
    expect(toSafeJson(sparse, { maxStringLength: 100, maxDepth: 8, maxEntries: 2000, maxNodes: 2 }, report)).toEqual({
      kept: "yes",
    });
    expect(report.cut).toBe(false);
  });

  it("reports every cut: a long string, a long list, many keys, a deep value", () => {
    const opts = { maxStringLength: 5, maxDepth: 3, maxEntries: 3 };
    const cutOf = (value: unknown) => {
      const report = { cut: false };
      toSafeJson(value, opts, report);
      return report.cut;
    };
    expect(cutOf({ a: "12345", b: [1, 2, 3], c: { d: { e: 1 } } })).toBe(false);
    expect(cutOf({ a: "123456" })).toBe(true);
    expect(cutOf([1, 2, 3, 4])).toBe(true);
    expect(cutOf({ a: 1, b: 2, c: 3, d: 4 })).toBe(true);
    expect(
      cutOf(
        new Map([
          ["a", 1],
          ["b", 2],
          ["c", 3],
          ["d", 4],
        ]),
      ),
    ).toBe(true);
    expect(cutOf({ a: { b: { c: { d: 1 } } } })).toBe(true);
  });

  it("keeps a top-level list's latest or first entries, with no marker entry, when asked to", () => {
    const opts = { maxStringLength: 100, maxDepth: 32, maxEntries: 3 };
    const list = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }];
    const latest = { cut: false };
    expect(toSafeJson(list, { ...opts, keepAtTop: "latest" }, latest)).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    expect(latest.cut).toBe(true);
    const first = { cut: false };
    expect(toSafeJson(list, { ...opts, keepAtTop: "first" }, first)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(first.cut).toBe(true);
    // Nested lists are cut as before: first entries and a marker.
    expect(toSafeJson([[1, 2, 3, 4]], { ...opts, keepAtTop: "latest" })).toEqual([[1, 2, 3, `${TRUNCATION_MARKER} 1 more`]]);
  });

  it("keeps the latest message when its structured tool result alone exceeds the limit, with the lists in its payload cut", () => {
    const t = make(3000);
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const history: InputMessage[] = [
      { role: "user", parts: [{ type: "text", content: "find rows" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "search", arguments: { q: "rows" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: { total: 3000, rows } }] },
    ];
    t.start({ operation: "chat", provider: "openai", requestModel: "m", content: { inputMessages: history } }).end();
    const [span] = h.spans();
    const value = String(span?.attributes["gen_ai.input.messages"]);
    expect(value.length).toBeLessThanOrEqual(3000);
    const [only, ...rest] = JSON.parse(value) as Array<{
      role: string;
      parts: Array<{ type: string; id: string; response: { total: number; rows: unknown[] } }>;
    }>;
    expect(rest).toEqual([]);
    expect(only?.role).toBe("tool");
    expect(only?.parts).toHaveLength(1);
    const part = only?.parts[0];
    expect(part).toMatchObject({ type: "tool_call_response", id: "c1", response: { total: 3000 } });
    const kept = (part?.response.rows.length ?? 0) - 1;
    expect(kept).toBeGreaterThan(10);
    expect(part?.response.rows.slice(0, kept)).toEqual(rows.slice(0, kept));
    expect(part?.response.rows.at(-1)).toBe(`${TRUNCATION_MARKER} ${3000 - kept} more`);
    expect(validateContentAttribute("gen_ai.input.messages", value)).toEqual([]);
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.input.messages"]);
  });

  it("keeps the first (best-ranked) retrieval documents of a list far longer than the limit", () => {
    const t = make(2000);
    const documents = Array.from({ length: 5000 }, (_, i) => ({ id: `doc-${i}`, score: 1 - i / 5000, content: `text ${i}` }));
    t.start({
      operation: "retrieval",
      dataSourceId: "kb",
      content: { retrievalQuery: "q", retrievalDocuments: documents },
    }).end();
    const [span] = h.spans();
    const value = String(span?.attributes["gen_ai.retrieval.documents"]);
    expect(value.length).toBeLessThanOrEqual(2000);
    const kept = JSON.parse(value) as typeof documents;
    expect(kept.length).toBeGreaterThan(5);
    expect(kept).toEqual(documents.slice(0, kept.length));
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.retrieval.documents"]);
  });
});

describe("fitting a tool's arguments or result", () => {
  it("keeps the first entries of the lists inside a result too large for the limit, saying how many more", () => {
    const t = make(4000);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ["a", "b"] }));
    t.start({
      operation: "execute_tool",
      tool: { name: "search", callId: "c1" },
      content: { toolResult: { total: 2000, rows } },
    }).end();
    const [span] = h.spans();
    const value = String(span?.attributes["gen_ai.tool.call.result"]);
    expect(value.length).toBeLessThanOrEqual(4000);
    const parsed = JSON.parse(value) as { total: number; rows: unknown[] };
    expect(parsed.total).toBe(2000);
    const kept = parsed.rows.length - 1;
    expect(kept).toBeGreaterThan(10);
    expect(parsed.rows.slice(0, kept)).toEqual(rows.slice(0, kept));
    expect(parsed.rows.at(-1)).toBe(`${TRUNCATION_MARKER} ${2000 - kept} more`);
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.tool.call.result"]);
  });

  it("keeps the first keys of every object when cutting lists is not enough (a result keyed by id)", () => {
    const t = make(3000);
    const byId = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`id${i}`, { name: `item ${i}` }]));
    t.start({
      operation: "execute_tool",
      tool: { name: "fetch", callId: "c3" },
      content: { toolResult: { status: "ok", data: byId } },
    }).end();
    const [span] = h.spans();
    const value = String(span?.attributes["gen_ai.tool.call.result"]);
    expect(value.length).toBeLessThanOrEqual(3000);
    const parsed = JSON.parse(value) as { status: string; data: Record<string, unknown> };
    expect(parsed.status).toBe("ok");
    const keys = Object.keys(parsed.data);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.at(-1)).toBe(TRUNCATION_MARKER);
    expect(keys.slice(0, -1)).toEqual(Object.keys(byId).slice(0, keys.length - 1));
    expect(parsed.data[TRUNCATION_MARKER]).toMatch(/^\d+ more$/);
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.tool.call.result"]);
  });

  it("keeps the first keys of an object with too many, and a list returned bare as its output", () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i]));
    const cut = JSON.parse(serializeWithinLimit(wide, 200).json) as Record<string, unknown>;
    const keys = Object.keys(cut);
    expect(keys.at(-1)).toBe(TRUNCATION_MARKER);
    expect(keys.slice(0, -1)).toEqual(Object.keys(wide).slice(0, keys.length - 1));
    expect(cut[TRUNCATION_MARKER]).toBe(`${500 - (keys.length - 1)} more`);
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(200);

    const t = make(1000);
    t.start({
      operation: "execute_tool",
      tool: { name: "list", callId: "c2" },
      content: { toolResult: Array.from({ length: 300 }, (_, i) => i) },
    }).end();
    const value = String(h.spans()[0]?.attributes["gen_ai.tool.call.result"]);
    const output = (JSON.parse(value) as { output: unknown[] }).output;
    expect(output.slice(0, 3)).toEqual([0, 1, 2]);
    expect(output.at(-1)).toMatch(/^…\[truncated\] \d+ more$/);
    expect(value.length).toBeLessThanOrEqual(1000);
  });
});

describe("dropping the oldest entries", () => {
  // The previous algorithm: one serialisation per entry dropped (quadratic in the list's length).
  function dropOneByOne(list: JsonValue[], limit: number): string {
    for (let drop = 1; drop < list.length; drop++) {
      const candidate = JSON.stringify(list.slice(drop));
      if (candidate.length <= limit) return candidate;
    }
    return "[]";
  }

  it("drops exactly as many as dropping one at a time would (500 seeded lists)", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 500; round++) {
      // No strings: cutting strings cannot help, so every list too long goes to dropping entries.
      const list: JsonValue[] = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) =>
        random() < 0.3 ? i * 1000 : { n: i, m: Array.from({ length: Math.floor(random() * 6) }, () => i) },
      );
      const whole = JSON.stringify(list);
      const limit = 1 + Math.floor(random() * (whole.length - 1));
      expect(serializeWithinLimit(list, limit)).toEqual({ json: dropOneByOne(list, limit), truncated: true });
    }
  });
});
