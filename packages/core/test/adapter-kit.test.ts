import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { findAncestor, MAX_ANCESTOR_HOPS } from "../src/adapter/ancestor-walk.js";
import { BoundedMap } from "../src/adapter/bounded-map.js";
import { createGuard } from "../src/adapter/guard.js";
import { DEFAULT_MAX_OPEN_RUNS, maxOpenRunsOf } from "../src/adapter/options.js";
import { asNumber, asRecord, asString, isRecord } from "../src/adapter/read.js";
import { responsesFinishReason } from "../src/adapter/responses-finish-reason.js";
import { addUsage } from "../src/adapter/usage.js";
import { checkAdapterVersions, frameworkVersionCheck } from "../src/adapter/versions.js";

function collectDiag(): { warn: string[]; debug: string[] } {
  const out = { warn: [] as string[], debug: [] as string[] };
  diag.setLogger(
    { warn: (m) => out.warn.push(m), debug: (m) => out.debug.push(m), error() {}, info() {}, verbose() {} },
    DiagLogLevel.ALL,
  );
  return out;
}
afterEach(() => diag.disable());

describe("readers", () => {
  it("isRecord: objects with fields only, never arrays or null", () => {
    expect([{}, { a: 1 }, new Map()].map(isRecord)).toEqual([true, true, true]);
    expect([[], null, undefined, "x", 1, () => {}].map(isRecord)).toEqual([false, false, false, false, false, false]);
    expect(asRecord([1])).toBeUndefined();
  });

  it("asString: non-empty strings only; asNumber: finite numbers only", () => {
    expect([asString("a"), asString(""), asString(1), asString(null)]).toEqual(["a", undefined, undefined, undefined]);
    expect([asNumber(0), asNumber(-2.5), asNumber(Number.NaN), asNumber(Infinity), asNumber("1")]).toEqual([
      0,
      -2.5,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("guard", () => {
  it("returns the body's result, and for a throw warns once per hook, then logs at debug", () => {
    const logged = collectDiag();
    const guard = createGuard("otel-agents/test", "ignoring");
    expect(guard("onStart", () => 7)).toBe(7);
    const boom = () => {
      throw new Error("boom");
    };
    expect(guard("onStart", boom)).toBeUndefined();
    expect(guard("onStart", boom)).toBeUndefined();
    expect(guard("onEnd", boom)).toBeUndefined();
    expect(logged.warn).toEqual(["otel-agents/test: onStart failed; ignoring", "otel-agents/test: onEnd failed; ignoring"]);
    expect(logged.debug.filter((m) => m.startsWith("otel-agents/test"))).toEqual(["otel-agents/test: onStart failed"]);
  });
});

describe("BoundedMap", () => {
  it("evicts the oldest entry beyond its bound and hands it over; re-inserting a key makes it the newest", () => {
    const evicted: [string, number][] = [];
    const map = new BoundedMap<string, number>(2, (k, v) => evicted.push([k, v]));
    map.set("a", 1).set("b", 2);
    map.delete("a");
    map.set("a", 3);
    map.set("c", 4);
    expect(evicted).toEqual([["b", 2]]);
    expect([...map]).toEqual([
      ["a", 3],
      ["c", 4],
    ]);
  });

  it("keeps at least one entry for a bound below 1 or NaN, and none is evicted for Infinity", () => {
    expect(new BoundedMap(0).max).toBe(1);
    expect(new BoundedMap(Number.NaN).max).toBe(1);
    const unbounded = new BoundedMap<number, number>(Infinity);
    for (let i = 0; i < 100; i++) unbounded.set(i, i);
    expect(unbounded.size).toBe(100);
  });

  it("maxOpenRunsOf: whole numbers of at least 1, else the default", () => {
    expect([maxOpenRunsOf(5.7), maxOpenRunsOf(0), maxOpenRunsOf("9"), maxOpenRunsOf(undefined)]).toEqual([
      5,
      DEFAULT_MAX_OPEN_RUNS,
      DEFAULT_MAX_OPEN_RUNS,
      DEFAULT_MAX_OPEN_RUNS,
    ]);
  });
});

describe("findAncestor", () => {
  const parents = new Map<string, string | null>([
    ["c", "b"],
    ["b", "a"],
    ["a", null],
  ]);
  it("visits the start and its ancestors until one gives a value, or the chain ends", () => {
    const seen: string[] = [];
    expect(
      findAncestor(
        "c",
        (id) => parents.get(id),
        (id) => {
          seen.push(id);
          return id === "a" ? "root" : undefined;
        },
      ),
    ).toBe("root");
    expect(seen).toEqual(["c", "b", "a"]);
    expect(
      findAncestor(
        "c",
        (id) => parents.get(id),
        () => undefined,
      ),
    ).toBeUndefined();
    expect(
      findAncestor(
        null,
        () => null,
        () => 1,
      ),
    ).toBeUndefined();
  });

  it("stops after MAX_ANCESTOR_HOPS ids on a cycle", () => {
    let visits = 0;
    expect(
      findAncestor(
        "x",
        () => "x",
        () => void visits++,
      ),
    ).toBeUndefined();
    expect(visits).toBe(MAX_ANCESTOR_HOPS);
  });
});

describe("addUsage", () => {
  it("adds each count the second has (a missing count starts at 0), in a new object", () => {
    const a = { inputTokens: 10, outputTokens: 2, inputByModality: { text: 10 } };
    const sum = addUsage(a, { inputTokens: 5, reasoningOutputTokens: 3, cacheReadInputTokens: undefined });
    expect(sum).toEqual({ inputTokens: 15, outputTokens: 2, reasoningOutputTokens: 3, inputByModality: { text: 10 } });
    expect(sum).not.toBe(a);
    expect(a).toEqual({ inputTokens: 10, outputTokens: 2, inputByModality: { text: 10 } });
    expect(addUsage(undefined, { outputTokens: 4 })).toEqual({ outputTokens: 4 });
    expect(addUsage(undefined, undefined)).toEqual({});
  });

  it("with sign -1 takes each count out, never below 0, and leaves out counts the first lacks", () => {
    const turn = { inputTokens: 100, outputTokens: 5, cacheReadInputTokens: 20 };
    expect(addUsage(turn, { inputTokens: 30, outputTokens: 9, reasoningOutputTokens: 4 }, -1)).toEqual({
      inputTokens: 70,
      outputTokens: 0,
      cacheReadInputTokens: 20,
    });
    expect(addUsage(turn, undefined, -1)).toEqual(turn);
  });
});

describe("checkAdapterVersions", () => {
  it("warns once per version outside its range, skips unread versions and packages without a range", () => {
    const logged = collectDiag();
    const supported = { fw: ">=1.0.0 <2.0.0", "@opentelemetry/api": ">=1.9.0 <2.0.0" };
    checkAdapterVersions("@otel-agents/kit-test", supported, { fw: "2.1.0", "@opentelemetry/api": undefined, other: "0.0.1" });
    checkAdapterVersions("@otel-agents/kit-test", supported, { fw: "2.1.0", "@opentelemetry/api": "1.9.1" });
    expect(logged.warn).toEqual([
      "@otel-agents/kit-test: fw version 2.1.0 is outside the tested range >=1.0.0 <2.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("frameworkVersionCheck: detects through the adapter's readers and checks the framework and the API", () => {
    const logged = collectDiag();
    const check = frameworkVersionCheck({
      adapter: "@otel-agents/kit-test-2",
      framework: "fw",
      supported: { fw: ">=1.0.0 <2.0.0", "@opentelemetry/api": ">=1.9.0 <2.0.0" },
      installed: () => "1.2.3",
      api: () => "1.8.0",
    });
    expect(check.detectVersions()).toEqual({ framework: "1.2.3", api: "1.8.0" });
    check.checkVersions();
    check.checkVersions({ framework: "3.0.0", api: undefined });
    expect(logged.warn).toEqual([
      "@otel-agents/kit-test-2: @opentelemetry/api version 1.8.0 is outside the tested range >=1.9.0 <2.0.0; spans may be missing or incomplete.",
      "@otel-agents/kit-test-2: fw version 3.0.0 is outside the tested range >=1.0.0 <2.0.0; spans may be missing or incomplete.",
    ]);
  });
});

describe("responsesFinishReason", () => {
  it("reads an OpenAI Responses API status as the provider's finish reason, and says nothing without one", () => {
    expect(responsesFinishReason("completed", undefined, false)).toBe("stop");
    expect(responsesFinishReason("completed", undefined, true)).toBe("tool_calls");
    expect(responsesFinishReason("incomplete", { reason: "max_output_tokens" }, false)).toBe("max_output_tokens");
    expect(responsesFinishReason("incomplete", { reason: "content_filter" }, true)).toBe("content_filter");
    expect(responsesFinishReason("incomplete", null, false)).toBe("incomplete");
    expect(responsesFinishReason("failed", undefined, false)).toBe("error");
    expect(responsesFinishReason("in_progress", undefined, false)).toBeUndefined();
    expect(responsesFinishReason(undefined, undefined, true)).toBeUndefined();
  });
});
