import type { LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { DiagLogLevel, diag, type Tracer, trace } from "@opentelemetry/api";
import { AiSdkInstrumentation } from "@otel-agents/ai-sdk";
import { otelAgentsTracer } from "@otel-agents/ai-sdk/v6";
import { assertConformance, missingExpected } from "@otel-agents/testing/conformance";
import { fakeVersions } from "@otel-agents/testing/fake-versions";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { generateText, stepCountIs } from "ai";
import aiPackage from "ai/package.json" with { type: "json" };
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chatAttrs, weatherAgentTree, weatherTool } from "./weather-loop.js";

// The adapter reads the `ai` installed next to it, which in this workspace is its own ai 7 dev
// copy: report the ai 6 under test instead, as an app with ai 6 installed would.
vi.mock("@otel-agents/core/adapter", async (original) =>
  (await import("@otel-agents/testing/fake-versions")).fakeVersionReaders(original),
);

// AiSdkInstrumentation wired as NodeSDK wires it (constructed, then the provider registered, then
// handed the API's global proxy), with ai 6 installed: a call that turns telemetry on, with no
// tracer of its own, gives the same tree as `otelAgentsTracer()` passed per call.

const h = createHarness();
const warnings: string[] = [];
beforeEach(() => {
  h.reset();
  warnings.length = 0;
  fakeVersions.framework = aiPackage.version;
  diag.setLogger(
    { error: () => {}, warn: (m) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
});
afterEach(() => {
  fakeVersions.framework = undefined;
  diag.disable();
  trace.disable();
});
afterAll(() => h.shutdown());

type Usage = LanguageModelV3GenerateResult["usage"];
const usage = (input: number, output: number): Usage => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const response = (id: string) => ({ id, modelId: "gpt-4o-2024-08-06", timestamp: new Date(0) });

function weatherModel(): MockLanguageModelV3 {
  const results: LanguageModelV3GenerateResult[] = [
    {
      content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: JSON.stringify({ city: "Paris" }) }],
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      usage: usage(100, 20),
      warnings: [],
      response: response("chatcmpl-1"),
    },
    {
      content: [{ type: "text", text: "Sunny in Paris." }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(150, 8),
      warnings: [],
      response: response("chatcmpl-2"),
    },
  ];
  let call = 0;
  return new MockLanguageModelV3({
    provider: "openai.chat",
    modelId: "gpt-4o",
    doGenerate: async () => {
      const result = results[call++];
      if (!result) throw new Error(`no answer scripted for call ${call}`);
      return result;
    },
  });
}

const chat = (id: string, reasons: string[], input: number, output: number): TreeNode => ({
  name: "chat gpt-4o",
  kind: "CLIENT",
  status: "UNSET",
  attributes: chatAttrs(id, reasons, input, output),

  children: [],
});

/** What NodeSDK does: the instrumentation first, then the provider, then the API's proxy handed over. */
function nodeSdkWiring(): AiSdkInstrumentation {
  const instrumentation = new AiSdkInstrumentation();
  trace.setGlobalTracerProvider(h.tracerProvider);
  instrumentation.setTracerProvider(trace.getTracerProvider());
  return instrumentation;
}

async function weatherCall(telemetry: { isEnabled?: boolean; tracer?: Tracer } | undefined): Promise<string | undefined> {
  // The app's own spans, through the same global provider the route sits on.
  const { weather, traceparent } = weatherTool(trace.getTracer("app"));
  const result = await generateText({
    model: weatherModel(),
    prompt: "Weather in Paris?",
    tools: { weather },
    stopWhen: stepCountIs(3),
    experimental_telemetry: telemetry && { ...telemetry, functionId: "weather-agent" },
  });
  expect(result.text).toBe("Sunny in Paris.");
  return traceparent();
}

describe("ai 6 through AiSdkInstrumentation (NodeSDK's wiring)", () => {
  it("traces a call with telemetry on and no tracer of its own as the GenAI tree; says once what ai 6 needs", async () => {
    const instrumentation = nodeSdkWiring();
    try {
      const traceparent = await weatherCall({ isEnabled: true });
      const spans = h.spans();
      expect(spanTree(spans)).toEqual(
        weatherAgentTree(chat("chatcmpl-1", ["tool_call"], 100, 20), chat("chatcmpl-2", ["stop"], 150, 8)),
      );
      expect(traceparent?.split("-")[2]).toBe(spans.find((s) => s.name === "execute_tool weather")?.spanContext().spanId);
      assertConformance(spans);
      for (const span of spans) expect(missingExpected(span), span.name).toEqual([]);
      // Registered again (a new provider, a new config): still one warning.
      instrumentation.setConfig({ captureContent: false });
      expect(warnings).toEqual([
        `@otel-agents/ai-sdk: ai ${aiPackage.version} is installed. AiSdkInstrumentation traces the ai 6 calls that turn telemetry on (experimental_telemetry: { isEnabled: true }, or in a ToolLoopAgent's settings): ai 6 has no switch for every call, so calls without it are not traced.`,
      ]);
    } finally {
      instrumentation.disable();
    }
  });

  it("leaves a call without telemetry on untraced, as ai 6 does; the app's own tracers are untouched", async () => {
    const instrumentation = nodeSdkWiring();
    try {
      await weatherCall(undefined);
      expect(spanTree(h.spans())).toEqual([
        { name: "fetch forecast", kind: "INTERNAL", status: "UNSET", attributes: {}, children: [] },
      ]);
    } finally {
      instrumentation.disable();
    }
  });

  it("once disabled, ai 6 gets its own tracer back: the same call exports ai's own ai.* spans", async () => {
    const instrumentation = nodeSdkWiring();
    instrumentation.disable();
    await weatherCall({ isEnabled: true });
    const names = h
      .spans()
      .map((s) => s.name)
      .sort();
    expect(names).toEqual([
      "ai.generateText",
      "ai.generateText.doGenerate",
      "ai.generateText.doGenerate",
      "ai.toolCall",
      "fetch forecast",
    ]);
  });
});

describe("ai 6 with no OpenTelemetry SDK registered", () => {
  it("otelAgentsTracer() says once, naming the fix, that nothing is recorded; the call's result is unchanged", async () => {
    // No provider registered or given. (Through AiSdkInstrumentation the same holds where ai and the
    // app share one @opentelemetry/api: ai 6.0.0 pins its own, whose unregistered proxy no one can reach.)
    const tracer = otelAgentsTracer();
    await weatherCall({ isEnabled: true, tracer });
    await weatherCall({ isEnabled: true, tracer: otelAgentsTracer() });
    expect(h.spans()).toEqual([]);
    expect(warnings).toEqual([
      "otel-agents/ai-sdk: an AI SDK call ran, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start one before the first call, e.g. new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to otelAgentsTracer().",
    ]);
  });
});
