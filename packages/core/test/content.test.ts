import { assertConformance } from "@otel-agents/testing/conformance";
import { validateContentAttribute } from "@otel-agents/testing/content-schemas";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import type { InputMessage, OutputMessage } from "../src/content/messages.js";
import { DEFAULT_MAX_CONTENT_LENGTH, resolveContentPolicy } from "../src/content/policy.js";
import { TRUNCATION_MARKER, toSafeJson } from "../src/content/safe-json.js";
import { serializeWithinLimit } from "../src/content/truncate.js";
import { GenAITelemetry, type TelemetryOptions } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());
const make = (options: TelemetryOptions = {}) =>
  new GenAITelemetry({ name: "content-test" }, { tracerProvider: h.tracerProvider, ...options });

const ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
const input: InputMessage[] = [
  { role: "user", parts: [{ type: "text", content: "What is the weather in Paris?" }] },
  { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "get_weather", arguments: { city: "Paris" } }] },
  { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: { temp: 21 } }] },
];
const output: OutputMessage[] = [{ role: "assistant", parts: [{ type: "text", content: "Sunny, 21°C." }] }];

describe("content policy", () => {
  it("is off by default", () => {
    expect(resolveContentPolicy({}, {})).toEqual({ capture: false, maxLength: DEFAULT_MAX_CONTENT_LENGTH, redact: undefined });
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["SPAN_ONLY", true],
    ["span_and_event", true],
    ["false", false],
    ["NO_CONTENT", false],
    ["EVENT_ONLY", false],
    ["", false],
    ["banana", false],
  ])("reads %s from the environment as %s", (value, expected) => {
    expect(resolveContentPolicy({}, { [ENV]: value }).capture).toBe(expected);
  });

  it("lets the option beat the environment both ways", () => {
    expect(resolveContentPolicy({ captureContent: false }, { [ENV]: "true" }).capture).toBe(false);
    expect(resolveContentPolicy({ captureContent: true }, { [ENV]: "false" }).capture).toBe(true);
  });

  it("rejects a nonsensical size limit", () => {
    expect(resolveContentPolicy({ maxContentLength: -1 }, {}).maxLength).toBe(DEFAULT_MAX_CONTENT_LENGTH);
    expect(resolveContentPolicy({ maxContentLength: Number.NaN }, {}).maxLength).toBe(DEFAULT_MAX_CONTENT_LENGTH);
    expect(resolveContentPolicy({ maxContentLength: 1000.7 }, {}).maxLength).toBe(1000);
  });
});

describe("content on spans", () => {
  it("records nothing and computes nothing when capture is off", () => {
    const t = make();
    let computed = 0;
    const lazy =
      <T>(v: T) =>
      () => {
        computed++;
        return v;
      };
    const op = t.start({
      operation: "chat",
      provider: "openai",
      requestModel: "m",
      content: { inputMessages: lazy(input), systemInstructions: lazy([{ type: "text" as const, content: "be brief" }]) },
    });
    op.end({ content: { outputMessages: lazy(output) } });
    t.start({ operation: "execute_tool", tool: { name: "x" }, content: { toolArguments: lazy('{"a":1}') } }).end({
      content: { toolResult: lazy("r") },
    });
    t.start({ operation: "retrieval", dataSourceId: "kb", content: { retrievalQuery: lazy("q") } }).end({
      content: { retrievalDocuments: lazy([{ id: "d1", score: 0.5 }]) },
    });
    expect(computed).toBe(0);
    for (const span of h.spans()) {
      expect(
        Object.keys(span.attributes).filter((k) => /messages|instructions|arguments|result|query|documents/.test(k)),
      ).toEqual([]);
    }
  });

  it("records every content attribute in the semconv JSON shape when capture is on", () => {
    const t = make({ captureContent: true });
    const chat = t.start({
      operation: "chat",
      provider: "openai",
      requestModel: "m",
      content: {
        inputMessages: () => input,
        systemInstructions: [{ type: "text", content: "be brief" }],
        toolDefinitions: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
      },
    });
    chat.end({ content: { outputMessages: () => output } });
    t.start({ operation: "execute_tool", tool: { name: "get_weather" }, content: { toolArguments: '{"city":"Paris"}' } }).end({
      content: { toolResult: { temp: 21 } },
    });
    t.start({ operation: "retrieval", dataSourceId: "kb", content: { retrievalQuery: "weather" } }).end({
      content: { retrievalDocuments: [{ id: "d1", score: 0.9 }] },
    });
    const [c, tool, retrieval] = h.spans();
    expect(JSON.parse(String(c?.attributes["gen_ai.input.messages"]))).toEqual(input);
    expect(JSON.parse(String(c?.attributes["gen_ai.output.messages"]))).toEqual(output);
    expect(JSON.parse(String(c?.attributes["gen_ai.system_instructions"]))).toEqual([{ type: "text", content: "be brief" }]);
    expect(JSON.parse(String(c?.attributes["gen_ai.tool.definitions"]))[0].name).toBe("get_weather");
    // Tool arguments given as a JSON string are recorded as the object (the conventions want objects).
    expect(tool?.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Paris"}');
    expect(tool?.attributes["gen_ai.tool.call.result"]).toBe('{"temp":21}');
    expect(retrieval?.attributes["gen_ai.retrieval.query.text"]).toBe("weather");
    expect(retrieval?.attributes["gen_ai.retrieval.documents"]).toBe('[{"id":"d1","score":0.9}]');
    assertConformance(h.spans());
  });

  it("applies the redact hook to every content attribute: replace, drop, or drop when it throws", () => {
    const seen: string[] = [];
    const t = make({
      captureContent: true,
      redact: ({ attribute, value }) => {
        seen.push(attribute);
        if (attribute === "gen_ai.output.messages") return undefined;
        if (attribute === "gen_ai.system_instructions") throw new Error("hook bug");
        return JSON.parse(JSON.stringify(value).replaceAll("Paris", "[city]"));
      },
    });
    t.start({
      operation: "chat",
      provider: "openai",
      requestModel: "m",
      content: { inputMessages: input, systemInstructions: [{ type: "text", content: "s" }] },
    }).end({ content: { outputMessages: output } });
    const [span] = h.spans();
    expect(seen.sort()).toEqual(["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"]);
    expect(String(span?.attributes["gen_ai.input.messages"])).toContain("[city]");
    expect(String(span?.attributes["gen_ai.input.messages"])).not.toContain("Paris");
    expect(span?.attributes["gen_ai.output.messages"]).toBeUndefined();
    expect(span?.attributes["gen_ai.system_instructions"]).toBeUndefined();
  });

  it("never records credentials, even with capture on", () => {
    const t = make({ captureContent: true });
    t.start({
      operation: "execute_tool",
      tool: { name: "call_api" },
      content: {
        toolArguments: {
          url: "https://x",
          headers: { Authorization: "Bearer abcdefghijklmnop", "x-api-key": "k-123" },
          openAIApiKey: "sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa",
          note: "use key sk-ant-bbbbbbbbbbbbbbbbbbbbbbbbbb please",
        },
      },
    }).end();
    const value = String(h.spans()[0]?.attributes["gen_ai.tool.call.arguments"]);
    expect(value).not.toMatch(/abcdefghijklmnop|k-123|sk-proj-a|sk-ant-b/);
    expect(JSON.parse(value)).toEqual({
      url: "https://x",
      headers: { Authorization: "[REDACTED]", "x-api-key": "[REDACTED]" },
      openAIApiKey: "[REDACTED]",
      note: "use key [REDACTED] please",
    });
  });

  it("fits large content into the limit as valid JSON that says it was truncated", () => {
    const t = make({ captureContent: true, maxContentLength: 2000 });
    const huge: InputMessage[] = Array.from({ length: 5 }, (_, i) => ({
      role: "user",
      parts: [{ type: "text", content: `${i}:${"x".repeat(10_000)}` }],
    }));
    t.start({ operation: "chat", provider: "openai", requestModel: "m", content: { inputMessages: huge } }).end();
    const span = h.spans()[0];
    const value = String(span?.attributes["gen_ai.input.messages"]);
    expect(value.length).toBeLessThanOrEqual(2000);
    const parsed = JSON.parse(value) as InputMessage[];
    expect(parsed).toHaveLength(5);
    expect(JSON.stringify(parsed)).toContain(TRUNCATION_MARKER);
    expect(validateContentAttribute("gen_ai.input.messages", value)).toEqual([]);
    expect(span?.attributes["otel_agents.content.truncated"]).toEqual(["gen_ai.input.messages"]);
  });
});

describe("safe JSON and truncation", () => {
  const opts = { maxStringLength: 100, maxDepth: 8, maxEntries: 50 };

  it("copies circular objects, BigInt, functions, symbols, dates and throwing getters without throwing", () => {
    const circular: Record<string, unknown> = { a: 1n, f: () => 1, s: Symbol("x"), d: new Date(0), n: Number.NaN };
    circular.self = circular;
    Object.defineProperty(circular, "boom", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    });
    expect(toSafeJson(circular, opts)).toEqual({
      a: "1",
      d: "1970-01-01T00:00:00.000Z",
      n: null,
      self: "[Circular]",
      boom: "[unreadable]",
    });
  });

  it("replaces lone surrogates and never splits a surrogate pair", () => {
    expect(toSafeJson("a\ud800b", opts)).toBe("a\ufffdb");
    const emoji = "😀".repeat(60); // 120 UTF-16 units
    const cut = toSafeJson(emoji, opts) as string;
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(cut.slice(0, -TRUNCATION_MARKER.length)).toBe("😀".repeat(50));
  });

  it("caps depth and entries", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(toSafeJson(deep, opts))).toContain("[MaxDepth]");
    const many = Array.from({ length: 60 }, (_, i) => i);
    const copied = toSafeJson(many, opts) as unknown[];
    expect(copied).toHaveLength(51);
    expect(copied[50]).toBe(`${TRUNCATION_MARKER} 10 more`);
  });

  it("drops the oldest messages when cutting strings is not enough", () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({ role: "user", parts: [{ type: "text", content: `m${i}` }] }));
    const { json, truncated } = serializeWithinLimit(messages, 500);
    expect(truncated).toBe(true);
    expect(json.length).toBeLessThanOrEqual(500);
    const parsed = JSON.parse(json) as Array<{ parts: Array<{ content: string }> }>;
    expect(parsed.at(-1)?.parts[0]?.content).toBe("m199");
    expect(validateContentAttribute("gen_ai.input.messages", json)).toEqual([]);
  });

  it("keeps content that fits untouched", () => {
    expect(serializeWithinLimit({ a: "b" }, 100)).toEqual({ json: '{"a":"b"}', truncated: false });
  });
});
