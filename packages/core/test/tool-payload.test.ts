import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());

describe("tool call arguments and results", () => {
  it("records bare strings, numbers and lists as objects, as the JSON schemas want", () => {
    const t = new GenAITelemetry({ name: "tool-payload-test" }, { tracerProvider: h.tracerProvider, captureContent: true });
    t.start({ operation: "execute_tool", tool: { name: "echo" }, content: { toolArguments: "Paris" } }).end({
      content: { toolResult: () => "sunny in Paris" },
    });
    t.start({ operation: "execute_tool", tool: { name: "list" }, content: { toolArguments: "[1,2]" } }).end({
      content: { toolResult: 42 },
    });
    t.start({ operation: "execute_tool", tool: { name: "obj" }, content: { toolArguments: '{"a":1}' } }).end({
      content: { toolResult: '{"temp":21}' },
    });
    const spans = h.spans();
    assertConformance(spans);
    const attrs = (name: string) => spans.find((s) => s.name === `execute_tool ${name}`)?.attributes ?? {};
    expect(attrs("echo")["gen_ai.tool.call.arguments"]).toBe('{"input":"Paris"}');
    expect(attrs("echo")["gen_ai.tool.call.result"]).toBe('{"output":"sunny in Paris"}');
    expect(attrs("list")["gen_ai.tool.call.arguments"]).toBe('{"input":[1,2]}');
    expect(attrs("list")["gen_ai.tool.call.result"]).toBe('{"output":42}');
    expect(attrs("obj")["gen_ai.tool.call.arguments"]).toBe('{"a":1}');
    expect(attrs("obj")["gen_ai.tool.call.result"]).toBe('{"temp":21}');
  });
});
