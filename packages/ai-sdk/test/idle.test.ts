import { trace } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { textResult, toolCallResult } from "./fixtures.js";
import { conforms } from "./helpers.js";

const h = createHarness();
beforeEach(() => h.reset());
afterEach(() => trace.disable());
afterAll(() => h.shutdown());

const run = (integration: ReturnType<typeof otelAgentsTelemetry>) =>
  generateText({
    model: new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: [
        toolCallResult([{ id: "call_1", name: "weather", input: { city: "Paris" } }], "r1"),
        textResult("Sunny.", "r2"),
      ],
    }),
    prompt: "Weather in Paris?",
    stopWhen: stepCountIs(3),
    tools: { weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` }) },
    telemetry: { functionId: "weather", integrations: [integration] },
  });

describe("an integration with nothing to record", () => {
  it("offers ai no hooks while no SDK is registered: same result, no spans, nothing tracked", async () => {
    const integration = otelAgentsTelemetry();
    expect([integration.onStart, integration.onEnd, integration.executeLanguageModelCall, integration.executeTool]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const result = await run(integration);
    expect(result.text).toBe("Sunny.");
    expect(result.steps).toHaveLength(2);
    expect(integration.openCalls).toBe(0);
    expect(h.spans()).toEqual([]);
  });

  it("offers them as soon as a provider is registered, and records the next call in full", async () => {
    const integration = otelAgentsTelemetry();
    trace.setGlobalTracerProvider(h.tracerProvider);
    expect(typeof integration.onStart).toBe("function");
    expect((await run(integration)).text).toBe("Sunny.");
    expect(integration.openCalls).toBe(0);
    conforms(h.spans());
    expect(shape(spanTree(h.spans()))).toEqual([
      { "invoke_agent weather [INTERNAL]": ["chat gpt-4o [CLIENT]", "execute_tool weather [INTERNAL]", "chat gpt-4o [CLIENT]"] },
    ]);
  });

  it("a call that started while recording gets all its events after the provider goes away", async () => {
    const integration = otelAgentsTelemetry();
    trace.setGlobalTracerProvider(h.tracerProvider);
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: [
        toolCallResult([{ id: "call_1", name: "weather", input: { city: "Paris" } }], "r1"),
        textResult("Sunny.", "r2"),
      ],
    });
    const result = await generateText({
      model,
      prompt: "Weather in Paris?",
      stopWhen: stepCountIs(3),
      tools: {
        weather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            trace.disable();
            return `sunny in ${city}`;
          },
        }),
      },
      telemetry: { functionId: "weather", integrations: [integration] },
    });
    expect(result.text).toBe("Sunny.");
    expect(integration.openCalls).toBe(0);
    expect(integration.onStart).toBeUndefined();
    // Every span that started ended. The second model call started after the provider went away:
    // not recorded, and nothing of it reached the agent span it passed through.
    assertConformance(h.spans());
    expect(shape(spanTree(h.spans()))).toEqual([
      { "invoke_agent weather [INTERNAL]": ["chat gpt-4o [CLIENT]", "execute_tool weather [INTERNAL]"] },
    ]);
    const agent = h.spans().find((s) => s.name === "invoke_agent weather");
    expect(agent?.attributes["gen_ai.response.id"]).toBeUndefined();
    expect(agent?.attributes["gen_ai.usage.input_tokens"]).toBe(10);
  });
});
