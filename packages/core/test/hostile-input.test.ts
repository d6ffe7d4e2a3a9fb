import { createHarness } from "@otel-agents/testing/harness";
import { describe, expect, it } from "vitest";
import { resolveContentPolicy } from "../src/content/policy.js";
import { recordContent } from "../src/content/recorder.js";
import { RunRegistry } from "../src/registry/run-registry.js";
import { GenAITelemetry } from "../src/telemetry.js";

// Found by the adapters' adversarial suites: a tool input whose reading throws (an Error whose
// `name` getter throws, a proxy) was recorded as the marker string "[unreadable]", which the
// object schema of tool call arguments does not allow.
describe("unreadable content", () => {
  const policy = resolveContentPolicy({ captureContent: true });
  const throwingName = Object.defineProperty(new Error("boom"), "name", {
    get() {
      throw new Error("getter");
    },
  });
  const throwingKeys = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error("ownKeys");
      },
    },
  );

  it("drops an object or a list whose reading throws instead of recording a marker string", () => {
    for (const value of [throwingName, throwingKeys]) {
      expect(recordContent(policy, "gen_ai.tool.call.arguments", "execute_tool", () => value, "object")).toBeUndefined();
    }
    expect(recordContent(policy, "gen_ai.tool.call.arguments", "execute_tool", () => ({ a: 1 }), "object")?.value).toBe(
      '{"a":1}',
    );
  });
});

// Found the same way: a run id that cannot be formatted (a Symbol, a proxy whose getters throw)
// made the eviction log line throw after the run left the registry, so its span never ended.
describe("run ids of the wrong type", () => {
  it("still ends an evicted run whose id cannot be printed", () => {
    const h = createHarness();
    const t = new GenAITelemetry({ name: "ids" }, { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
    const r = new RunRegistry(t, { maxOpen: 1 });
    const unprintable = new Proxy(
      {},
      {
        get() {
          throw new Error("getter");
        },
      },
    );
    for (const id of [Symbol("run"), unprintable, "ok"]) r.start(id as never, { operation: "execute_tool" });
    expect(h.spans().map((s) => s.attributes["error.type"])).toEqual(["otel_agents.evicted", "otel_agents.evicted"]);
    r.endAll();
    expect(h.spans()).toHaveLength(3);
  });
});

// The facts are read key by key without a key array per call; only an object's own keys are facts,
// as with Object.keys (a class instance or an object made from a prototype passes its own only).
describe("facts with inherited keys", () => {
  it("reads only own keys at start, on update and at end", () => {
    const h = createHarness();
    const t = new GenAITelemetry({ name: "proto" }, { tracerProvider: h.tracerProvider, metrics: false });
    const proto = { requestModel: "inherited-model", usage: { inputTokens: 99 }, conversationId: "inherited" };
    const start = Object.assign(Object.create(proto), { operation: "chat", provider: "openai", requestModel: "gpt-4o" });
    const op = t.start(start);
    op.update(Object.assign(Object.create(proto), { responseModel: "gpt-4o-2024" }));
    op.end(Object.assign(Object.create(proto), { usage: { outputTokens: 3 } }));
    const [span] = h.spans();
    expect(span?.name).toBe("chat gpt-4o");
    expect(span?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-2024",
      "gen_ai.usage.output_tokens": 3,
    });
  });
});
