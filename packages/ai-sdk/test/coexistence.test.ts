import { LegacyOpenTelemetry, OpenTelemetry } from "@ai-sdk/otel";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText, registerTelemetry } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isAiSdkOtel } from "../src/compat.js";
import { otelAgentsTelemetry } from "../src/index.js";
import { textResult } from "./fixtures.js";

const h = createHarness();
const ours = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
const model = () =>
  new MockLanguageModelV4({ provider: "openai.chat", modelId: "gpt-4o", doGenerate: textResult("Hi.", "resp_1") });
const globals = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };

let warnings: string[] = [];
beforeEach(() => {
  h.reset();
  warnings = [];
  const collect = (m: string) => warnings.push(m);
  diag.setLogger({ warn: collect, error: collect, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
});
afterEach(() => {
  globals.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  diag.disable();
  vi.restoreAllMocks();
});
afterAll(() => h.shutdown());

describe("@ai-sdk/otel registered too", () => {
  it("both registered globally: one warning, however many calls; both trees are emitted", async () => {
    registerTelemetry(ours(), new OpenTelemetry({ tracer: h.tracerProvider.getTracer("gen_ai") }));
    await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "a" } });
    await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "a" } });
    expect(warnings).toEqual([
      "@otel-agents/ai-sdk: @ai-sdk/otel is registered with registerTelemetry() as well; both will emit a trace tree for every AI SDK call (each model call traced twice). Register only one of them.",
    ]);
    // What the warning is about: per call, our tree and @ai-sdk/otel's.
    const roots = spanTree(h.spans()).map((r) => r.name);
    expect(roots.filter((n) => n === "invoke_agent a")).toHaveLength(2);
    expect(roots.length).toBe(4);
  });

  it("recognises both @ai-sdk/otel integrations, also by shape (a minified bundle renames classes), and not ours", () => {
    const renamed = new OpenTelemetry();
    Object.defineProperty(renamed, "constructor", { value: class X {} });
    expect([new OpenTelemetry(), new LegacyOpenTelemetry(), renamed, ours(), {}, null].map(isAiSdkOtel)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("per-call integrations replace the global ones: a global @ai-sdk/otel beside a per-call otel-agents is no duplicate", async () => {
    registerTelemetry(new OpenTelemetry({ tracer: h.tracerProvider.getTracer("gen_ai") }));
    await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "a", integrations: [ours()] } });
    expect(warnings).toEqual([]);
    assertConformance(h.spans());
    expect(shape(spanTree(h.spans()))).toEqual([{ "invoke_agent a [INTERNAL]": ["chat gpt-4o [CLIENT]"] }]);
  });
});
