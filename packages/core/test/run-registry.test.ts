import { context, trace } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { RunRegistry } from "../src/registry/run-registry.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());
const make = (maxOpen?: number) => {
  const t = new GenAITelemetry({ name: "registry-test" }, { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
  return new RunRegistry(t, { maxOpen });
};

describe("run registry", () => {
  it("resolves parents by framework id and ends runs by id", () => {
    const r = make();
    r.start("root", { operation: "invoke_agent", agent: { name: "A" } });
    r.start("llm", { operation: "chat", provider: "openai", requestModel: "m", parentId: "root" });
    r.start("tool", { operation: "execute_tool", tool: { name: "t" }, parentId: "root" });
    r.end("llm", { usage: { inputTokens: 3, outputTokens: 4 } });
    r.end("tool");
    r.end("root");
    expect(shape(spanTree(h.spans()))).toEqual([
      { "invoke_agent A [INTERNAL]": ["chat m [CLIENT]", "execute_tool t [INTERNAL]"] },
    ]);
    expect(r.size).toBe(0);
    assertConformance(h.spans());
  });

  it("tolerates events out of order: end before start, end twice, unknown parent, child after parent", () => {
    const r = make();
    expect(r.end("never-started")).toBeUndefined();
    expect(r.fail("never-started", new Error("x"))).toBeUndefined();
    expect(r.update("never-started", { responseId: "x" })).toBeUndefined();

    const outer = h.tracerProvider.getTracer("app").startSpan("request");
    context.with(trace.setSpan(context.active(), outer), () => {
      // Unknown parent id: falls back to the active context.
      r.start("orphan", { operation: "execute_tool", tool: { name: "t" }, parentId: "missing" });
    });
    r.start("parent", { operation: "invoke_agent", agent: { name: "P" } });
    r.start("child", { operation: "execute_tool", tool: { name: "late" }, parentId: "parent" });
    r.end("parent");
    r.end("parent");
    r.end("child"); // after its parent ended
    r.end("orphan");
    outer.end();

    const byName = Object.fromEntries(h.spans().map((s) => [s.name, s]));
    expect(byName["execute_tool t"]?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(byName["execute_tool late"]?.parentSpanContext?.spanId).toBe(byName["invoke_agent P"]?.spanContext().spanId);
    expect(h.spans()).toHaveLength(4);
    expect(r.size).toBe(0);
  });

  it("a fallback parent or a parent id wins over a parent in the options, and no registry key becomes an attribute", () => {
    const r = make();
    const t = new GenAITelemetry({ name: "registry-test" }, { tracerProvider: h.tracerProvider });
    const elsewhere = t.start({ operation: "invoke_workflow", workflowName: "elsewhere" });
    const root = t.start({ operation: "invoke_agent", agent: { name: "Root" } });
    // Options are passed through as they are, so a stray `parent` must not decide the parent.
    const stray = { parent: elsewhere } as Record<string, unknown>;
    r.start("a", { operation: "execute_tool", tool: { name: "a" }, fallbackParent: root.context, ...stray });
    r.start("b", { operation: "execute_tool", tool: { name: "b" }, parentId: "a", ...stray });
    r.end("b");
    r.end("a");
    root.end();
    elsewhere.end();
    expect(shape(spanTree(h.spans()))).toEqual([
      "invoke_workflow elsewhere [INTERNAL]",
      { "invoke_agent Root [INTERNAL]": [{ "execute_tool a [INTERNAL]": ["execute_tool b [INTERNAL]"] }] },
    ]);
    for (const span of h.spans()) {
      expect(Object.keys(span.attributes).filter((k) => /parent/i.test(k) && !k.startsWith("otel_agents.framework"))).toEqual([]);
    }
    assertConformance(h.spans());
  });

  it("keeps the first handle when a run starts twice", () => {
    const r = make();
    const a = r.start("x", { operation: "invoke_agent", agent: { name: "first" } });
    const b = r.start("x", { operation: "invoke_agent", agent: { name: "second" } });
    expect(b).toBe(a);
    r.end("x");
    expect(h.spans().map((s) => s.name)).toEqual(["invoke_agent first"]);
  });

  it("bounds memory: beyond maxOpen the oldest run ends as evicted", () => {
    const r = make(3);
    for (const id of ["a", "b", "c", "d"]) r.start(id, { operation: "execute_tool", tool: { name: id } });
    expect(r.size).toBe(3);
    expect(h.spans().map((s) => [s.name, s.status.code, s.attributes["error.type"]])).toEqual([
      ["execute_tool a", 2, "otel_agents.evicted"],
    ]);
    expect(r.end("a")).toBeUndefined();
  });

  it("ends every orphan at shutdown with ERROR and error.type, children before parents", () => {
    const r = make();
    r.start("root", { operation: "invoke_workflow", workflowName: "w" });
    r.start("agent", { operation: "invoke_agent", agent: { name: "A" }, parentId: "root" });
    r.start("llm", { operation: "chat", provider: "openai", requestModel: "m", parentId: "agent" });
    expect(r.endAll()).toBe(3);
    expect(r.size).toBe(0);
    expect(h.spans().map((s) => [s.name, s.status.code, s.attributes["error.type"]])).toEqual([
      ["chat m", 2, "otel_agents.orphaned"],
      ["invoke_agent A", 2, "otel_agents.orphaned"],
      ["invoke_workflow w", 2, "otel_agents.orphaned"],
    ]);
    assertConformance(h.spans());
  });

  it("ends runs older than a given age", () => {
    const r = make();
    r.start("old", { operation: "execute_tool", tool: { name: "old" } });
    expect(r.endOlderThan(60_000)).toBe(0);
    expect(r.endOlderThan(-1)).toBe(1);
    expect(h.spans().map((s) => s.attributes["error.type"])).toEqual(["otel_agents.orphaned"]);
  });
});
