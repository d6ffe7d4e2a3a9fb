import type { TracerProvider } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { stepContextContract } from "@otel-agents/testing/contract";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText, registerTelemetry, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { driver, h } from "./driver.js";
import { textResult, toolCallResult } from "./fixtures.js";
import { conforms, tree } from "./helpers.js";

const integration = () => driver.create();

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

describe("context", () => {
  it("runs the provider call under its chat span and the tool body under its execute_tool span, nested generateText included", async () => {
    const t = integration();
    const appTracer = h.tracerProvider.getTracer("app");
    // Stands in for an HTTP instrumentation: it starts its span under whatever context is active.
    const httpSpan = <T>(name: string, fn: () => T): T =>
      appTracer.startActiveSpan(name, (span) => {
        try {
          return fn();
        } finally {
          span.end();
        }
      });

    const inner = new MockLanguageModelV4({
      modelId: "gpt-4o-mini",
      doGenerate: async () => httpSpan("POST /inner", () => textResult("Paris is in France.", "inner_1")),
    });
    const outer = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: [
        toolCallResult([{ id: "call_r", name: "research", input: { topic: "Paris" } }], "outer_1"),
        textResult("Done.", "outer_2"),
      ],
    });
    const outerModel = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: async (options) => httpSpan("POST /outer", () => outer.doGenerate(options)),
    });

    await generateText({
      model: outerModel,
      prompt: "Research Paris",
      stopWhen: stepCountIs(3),
      tools: {
        research: tool({
          inputSchema: z.object({ topic: z.string() }),
          execute: async ({ topic }) => {
            // The tool's own work and a nested AI SDK call both belong to this tool call.
            appTracer.startSpan("load notes").end();
            const { text } = await generateText({
              model: inner,
              prompt: `Where is ${topic}?`,
              telemetry: { functionId: "researcher", integrations: [t] },
            });
            return text;
          },
        }),
      },
      telemetry: { functionId: "lead", integrations: [t] },
    });

    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_agent lead [INTERNAL]": [
          { "chat gpt-4o [CLIENT]": ["POST /outer [INTERNAL]"] },
          {
            "execute_tool research [INTERNAL]": [
              "load notes [INTERNAL]",
              { "invoke_agent researcher [INTERNAL]": [{ "chat gpt-4o-mini [CLIENT]": ["POST /inner [INTERNAL]"] }] },
            ],
          },
          { "chat gpt-4o [CLIENT]": ["POST /outer [INTERNAL]"] },
        ],
      },
    ]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    // The inner agent's usage stays on the inner agent; the outer one sums only its own model calls.
    const [lead] = tree(spans);
    expect(lead?.attributes["gen_ai.usage.input_tokens"]).toBe(30);
    expect(lead?.children[1]?.children[1]?.attributes["gen_ai.usage.input_tokens"]).toBe(20);
    assertConformance(spans);
  });
});

// A tool body (the execute wrapper) runs under its execute_tool span; concurrent calls never see each other's.
stepContextContract(driver);

describe("registration", () => {
  it("reports calls through registerTelemetry; per-call integrations replace the registered ones; isEnabled=false turns both off", async () => {
    const other = createHarness();
    const globalIntegration = integration();
    const callIntegration = otelAgentsTelemetry({ tracerProvider: other.tracerProvider, meterProvider: other.meterProvider });
    const model = () => new MockLanguageModelV4({ modelId: "gpt-4o", doGenerate: textResult("ok", "r") });
    const previous = globalThis.AI_SDK_TELEMETRY_INTEGRATIONS;
    globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
    try {
      registerTelemetry(globalIntegration);

      await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "global" } });
      expect(shape(spanTree(h.spans()))).toEqual([{ "invoke_agent global [INTERNAL]": ["chat gpt-4o [CLIENT]"] }]);
      expect(other.spans()).toEqual([]);

      h.reset();
      await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "local", integrations: [callIntegration] } });
      expect(h.spans()).toEqual([]);
      expect(shape(spanTree(other.spans()))).toEqual([{ "invoke_agent local [INTERNAL]": ["chat gpt-4o [CLIENT]"] }]);

      other.reset();
      await generateText({ model: model(), prompt: "hi", telemetry: { isEnabled: false } });
      expect(h.spans()).toEqual([]);
      expect(other.spans()).toEqual([]);
    } finally {
      globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = previous;
      await other.shutdown();
    }
  });

  it("reports a call once when the same integration is registered twice", async () => {
    const t = integration();
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: [toolCallResult([{ id: "c1", name: "noop", input: {} }], "r1"), textResult("ok", "r2")],
    });
    await generateText({
      model,
      prompt: "hi",
      stopWhen: stepCountIs(3),
      tools: { noop: tool({ inputSchema: z.object({}), execute: async () => "done" }) },
      telemetry: { functionId: "twice", integrations: [t, t] },
    });
    expect(shape(spanTree(h.spans()))).toEqual([
      { "invoke_agent twice [INTERNAL]": ["chat gpt-4o [CLIENT]", "execute_tool noop [INTERNAL]", "chat gpt-4o [CLIENT]"] },
    ]);
    conforms(h.spans());
  });

  it("never breaks the call when the tracing pipeline throws", async () => {
    const broken = () => {
      throw new Error("broken tracing pipeline");
    };
    const throwingTracer = { startSpan: broken, startActiveSpan: broken };
    const calls: number[] = [];
    for (const tracerProvider of [{ getTracer: broken }, { getTracer: () => throwingTracer }]) {
      const t = otelAgentsTelemetry({ tracerProvider: tracerProvider as unknown as TracerProvider, metrics: false });
      const model = new MockLanguageModelV4({
        modelId: "gpt-4o",
        doGenerate: [toolCallResult([{ id: "c1", name: "noop", input: {} }], "r1"), textResult("still fine", "r2")],
      });
      const result = await generateText({
        model,
        prompt: "hi",
        stopWhen: stepCountIs(3),
        tools: { noop: tool({ inputSchema: z.object({}), execute: async () => "done" }) },
        telemetry: { integrations: [t] },
      });
      expect(result.text).toBe("still fine");
      expect(result.toolResults.map((r) => r.output)).toEqual(["done"]);
      calls.push(model.doGenerateCalls.length);
    }
    expect(calls).toEqual([2, 2]);
  });
});
