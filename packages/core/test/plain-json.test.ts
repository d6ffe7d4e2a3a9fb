import { describe, expect, it } from "vitest";
import { plainJson, type SafeJsonOptions, toSafeJson } from "../src/content/safe-json.js";

// `plainJson` is a shortcut: where it answers, its text must be exactly what copying the value safe
// and serialising the copy gives; where the copy would change anything, it must not answer.
const opts: SafeJsonOptions = { maxStringLength: 40, maxDepth: 6, maxEntries: 5 };
const viaCopy = (value: unknown) => JSON.stringify(toSafeJson(value, opts));

function hostile(): unknown[] {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const throwing = Object.defineProperty({ before: 1 }, "boom", {
    enumerable: true,
    get() {
      throw new Error("getter");
    },
  });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    circular,
    throwing,
    revoked.proxy,
    [revoked.proxy],
    12345678901234567890n,
    [1n],
    { n: Number.NaN },
    [Number.POSITIVE_INFINITY],
    "x".repeat(41),
    ["a\ud800b"],
    { "a\udc00": 1 },
    { ["k".repeat(300)]: 1 },
    JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
    { apiKey: "abc" },
    { nested: { Authorization: "x" } },
    ["key sk-proj-abcdefghijklmnopqrstuvwx"],
    [{ type: "text", content: "Bearer abcdefghijkl" }],
    [1, 2, 3, 4, 5, 6],
    { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 },
    { d1: { d2: { d3: { d4: { d5: { d6: { d7: 1 } } } } } } },
    [new Date(0)],
    { when: new Date(0) },
    new Map([["a", 1]]),
    new Set([1]),
    new Uint8Array(3),
    new Error("boom"),
    { toJSON: () => ({ a: 1 }) },
    [{ toJSON: () => undefined }],
    new (class Point {
      x = 1;
    })(),
    [() => 1],
    { f: () => 1 },
    { s: Symbol("s") },
  ];
}

function* randomValues(count: number): Generator<unknown> {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const leaves = [1, -0, -2.5, "s", "x".repeat(45), null, undefined, true, "Bearer abcdefghijk", "é😀", 3e21];
  const keys = ["role", "content", "type", "apiKey", "parts", "name", "0", "10", "__x"];
  const build = (depth: number): unknown => {
    const r = next();
    if (depth > 7 || r < 0.45) return leaves[Math.floor(next() * leaves.length)];
    if (r < 0.7) return Array.from({ length: Math.floor(next() * 7) }, () => build(depth + 1));
    const out: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 7); i > 0; i--) out[keys[Math.floor(next() * keys.length)] as string] = build(depth + 1);
    return out;
  };
  for (let i = 0; i < count; i++) yield build(0);
}

describe("plain JSON shortcut", () => {
  it("writes what the copy writes for message lists, tool definitions and tool payloads", () => {
    const typical: unknown[] = [
      [{ role: "user", parts: [{ type: "text", content: "What is the weather?" }] }],
      [{ role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "w", arguments: { city: "Paris" } }] }],
      [{ type: "function", name: "w", parameters: { type: "object", required: ["city"] } }],
      { city: "Paris", temp: -0, sky: null, unset: undefined, ok: true },
      Object.assign(Object.create(null), { a: 1 }),
      [],
      {},
    ];
    for (const value of typical) {
      const text = plainJson(value, opts);
      expect(text).toBeDefined();
      expect(text).toBe(viaCopy(value));
    }
  });

  it("declines every value the copy would change: cycles, BigInt, credentials, long or broken strings, limits, non-plain objects", () => {
    for (const value of hostile()) expect(plainJson(value, opts)).toBeUndefined();
  });

  it("agrees with the copy wherever it answers, over 3,000 random nested values", () => {
    let answered = 0;
    let declined = 0;
    for (const value of randomValues(3000)) {
      const text = plainJson(value, opts);
      if (text === undefined) {
        declined++;
        continue;
      }
      answered++;
      expect(text).toBe(viaCopy(value));
    }
    // Both branches are exercised, or the comparison proves nothing.
    expect(answered).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(500);
  });
});
