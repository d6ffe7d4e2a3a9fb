import { Agent, type Model, type ModelRequest, type ModelResponse, run, tool } from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { trace } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { usage, weather } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";

beforeEach(() => h.reset());

const toolAgent = (name: string, city: string) =>
  new Agent({
    name,
    model: new ScriptedModel([
      { usage: usage(10, 1), output: [functionCall("get_weather", { city }, { callId: `call_${name}` })] },
      { usage: usage(20, 2), output: [assistantMessage(`done ${city}`)] },
    ]),
    tools: [weather],
  });

/** A run of agent `name` whose one tool call waits until released; resolves once the tool is entered. */
async function runHeldInTool(name: string, toolName: string) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered: () => void = () => {};
  const inTool = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const held = tool({
    name: toolName,
    description: "Waits",
    parameters: z.object({}),
    execute: async () => {
      entered();
      await gate;
      return "late";
    },
  });
  const agent = new Agent({
    name,
    model: new ScriptedModel([[functionCall(toolName, {}, { callId: `call_${toolName}` })], [assistantMessage("finally")]]),
    tools: [held],
  });
  const pending = run(agent, "go");
  await inTool;
  return { pending, release };
}

describe("OpenTelemetryTracingProcessor", () => {
  it("10 concurrent runs: 10 separate traces, each with its own agent, tool and model calls", async () => {
    install({ captureContent: true });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => run(toolAgent(`Agent${i}`, `City${i}`), `go ${i}`)));
    expect(results.map((r) => r.finalOutput)).toEqual(Array.from({ length: 10 }, (_, i) => `done City${i}`));
    const trees = await checkedTrees();
    expect(trees).toHaveLength(10);
    const spans = h.spans();
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(10);
    for (const tree of trees) {
      const agent = tree;
      const name = String(agent?.attributes["gen_ai.agent.name"]);
      const i = name.replace("Agent", "");
      expect(shape([tree])).toEqual([
        { [`invoke_agent ${name} [INTERNAL]`]: ["chat [CLIENT]", "execute_tool get_weather [INTERNAL]", "chat [CLIENT]"] },
      ]);
      // No cross-talk: the tool span of this agent saw this agent's arguments and result.
      expect(agent?.children[1]?.attributes).toMatchObject({
        "gen_ai.agent.name": name,
        "gen_ai.tool.call.arguments": `{"city":"City${i}"}`,
        "gen_ai.tool.call.result": `{"output":"sunny in City${i}"}`,
      });
      expect(agent?.attributes).toMatchObject({ "gen_ai.usage.input_tokens": 30, "gen_ai.usage.output_tokens": 3 });
    }
  });

  it("content capture off (the default): no arguments or results; on: both, as content attributes", async () => {
    install();
    await run(toolAgent("Quiet", "Lima"), "go");
    const off = h.spans().find((s) => s.name === "execute_tool get_weather");
    expect(Object.keys(off?.attributes ?? {}).filter((k) => k.includes("call.arguments") || k.includes("call.result"))).toEqual(
      [],
    );
    h.reset();
    install({ captureContent: true, redact: ({ value }) => (typeof value === "object" ? value : "[redacted]") });
    await run(toolAgent("Loud", "Lima"), "go");
    const on = h.spans().find((s) => s.name === "execute_tool get_weather");
    expect(on?.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Lima"}');
    assertConformance(h.spans());
  });

  it("a standalone run's agent nests under the caller's active span (no workflow), and the Agents ids are kept as attributes", async () => {
    install();
    const tracer = h.tracerProvider.getTracer("app");
    await tracer.startActiveSpan("request", async (span) => {
      await run(new Agent({ name: "Inner", model: new ScriptedModel([[assistantMessage("ok")]]) }), "x");
      span.end();
    });
    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([
      {
        "request [INTERNAL]": [{ "invoke_agent Inner [INTERNAL]": ["chat [CLIENT]"] }],
      },
    ]);
    const agent = spans.find((s) => s.name.startsWith("invoke_agent"));
    expect(agent?.attributes["otel_agents.framework.trace_id"]).toMatch(/^trace_[0-9a-f]{32}$/);
    expect(agent?.attributes["otel_agents.framework.run_id"]).toMatch(/^span_[0-9a-f]{24}$/);
    expect(agent?.attributes["otel_agents.framework.name"]).toBe("openai-agents");
    // The caller's trace wins over the Agents trace id.
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it("useAgentsTraceId: with no caller span the OpenTelemetry trace id is the Agents trace id's hex", async () => {
    install({ useAgentsTraceId: true });
    await run(new Agent({ name: "Solo", model: new ScriptedModel([[assistantMessage("ok")]]) }), "x");
    // A standalone run: its agent is the root span.
    const agent = h.spans().find((s) => s.name.startsWith("invoke_agent"));
    const agentsTraceId = String(agent?.attributes["otel_agents.framework.trace_id"]);
    expect(agent?.spanContext().traceId).toBe(agentsTraceId.slice("trace_".length));
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("a custom Model (no generation span): one chat span per call, provider and model from customModelInfo", async () => {
    install({ customModelInfo: (agent) => (agent === "Local" ? { provider: "ollama", model: "llama3.2" } : undefined) });
    class LocalModel implements Model {
      async getResponse(_request: ModelRequest): Promise<ModelResponse> {
        return {
          usage: new Usage({ requests: 1, inputTokens: 8, outputTokens: 3, totalTokens: 11 }),
          output: [assistantMessage("local answer")],
          responseId: "local-1",
        };
      }
      // biome-ignore lint/correctness/useYield: the test never streams
      async *getStreamedResponse(): AsyncIterable<never> {
        throw new Error("not streamed in this test");
      }
    }
    const result = await run(new Agent({ name: "Local", model: new LocalModel() }), "hi");
    expect(result.finalOutput).toBe("local answer");
    const [tree] = await checkedTrees();
    expect(tree?.children).toEqual([
      {
        name: "chat llama3.2",
        kind: "CLIENT",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "ollama",
          "gen_ai.request.model": "llama3.2",
          "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.usage.input_tokens": 8,
          "gen_ai.usage.output_tokens": 3,
        },
        children: [],
      },
    ]);
  });

  it("shutdown ends the spans of a run still in flight as orphaned; the run itself is untouched", async () => {
    const processor = install();
    const { pending, release } = await runHeldInTool("Slow", "slow");
    await processor.shutdown();
    const orphaned = h
      .spans()
      .filter((s) => s.attributes["error.type"] === "otel_agents.orphaned")
      .map((s) => s.name)
      .sort();
    expect(orphaned).toEqual(["execute_tool slow", "invoke_agent Slow"]);
    release();
    expect((await pending).finalOutput).toBe("finally");
    // Late events of the cut-off run start nothing new. The model call of the cut-off turn is lost:
    // a custom model's call is only known when its turn ends.
    expect(
      h
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(["execute_tool slow", "invoke_agent Slow"]);
    assertConformance(h.spans());
  });

  it("endOpenRuns ends a run in flight as orphaned and says how many; the next run is recorded in full", async () => {
    const processor = install();
    const { pending, release } = await runHeldInTool("Held", "held");
    expect(processor.openRuns).toBe(2);
    expect(processor.endOpenRuns()).toBe(2);
    expect(processor.openRuns).toBe(0);
    release();
    expect((await pending).finalOutput).toBe("finally");
    expect((await run(toolAgent("Next", "Oslo"), "go")).finalOutput).toBe("done Oslo");
    const keys = new Set(["gen_ai.operation.name", "gen_ai.agent.name", "gen_ai.tool.name", "error.type"]);
    const trees = spanTree(h.spans(), (k) => keys.has(k));
    expect(trees).toEqual([
      {
        name: "invoke_agent Held",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "Held",
          "error.type": "otel_agents.orphaned",
        },
        children: [
          {
            name: "execute_tool held",
            kind: "INTERNAL",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "execute_tool",
              "gen_ai.agent.name": "Held",
              "gen_ai.tool.name": "held",
              "error.type": "otel_agents.orphaned",
            },
            children: [],
          },
        ],
      },
      {
        name: "invoke_agent Next",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Next" },
        children: [
          { name: "chat", kind: "CLIENT", status: "UNSET", attributes: { "gen_ai.operation.name": "chat" }, children: [] },
          {
            name: "execute_tool get_weather",
            kind: "INTERNAL",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "execute_tool",
              "gen_ai.agent.name": "Next",
              "gen_ai.tool.name": "get_weather",
            },
            children: [],
          },
          { name: "chat", kind: "CLIENT", status: "UNSET", attributes: { "gen_ai.operation.name": "chat" }, children: [] },
        ],
      },
    ]);
    assertConformance(h.spans());
  });

  it("never throws or rejects, whatever it is handed", async () => {
    const processor = new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
    const junk = [undefined, null, {}, { spanData: null }, { traceId: "t", spanId: "s", spanData: { type: "agent" } }];
    for (const value of junk) {
      const v = value as never;
      await expect(processor.onTraceStart(v)).resolves.toBeUndefined();
      await expect(processor.onSpanStart(v)).resolves.toBeUndefined();
      await expect(processor.onSpanEnd(v)).resolves.toBeUndefined();
      await expect(processor.onTraceEnd(v)).resolves.toBeUndefined();
    }
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });
});
