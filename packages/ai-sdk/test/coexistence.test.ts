import { readFileSync } from "node:fs";
import { LegacyOpenTelemetry, OpenTelemetry } from "@ai-sdk/otel";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText, registerTelemetry, type Telemetry } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkAiVersion, isAiSdkOtel, SUPPORTED, SUPPORTED_TELEMETRY_INTERFACE } from "../src/compat.js";
import { otelAgentsTelemetry } from "../src/index.js";
import { otelAgentsTracer } from "../src/v6/index.js";
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

/** Our integration as an `ai` release that stamps another version on its events would reach it. */
function reportingVersion(integration: Telemetry, aiVersion: string): Telemetry {
  return new Proxy(integration, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (event: unknown) =>
        value.call(target, typeof event === "object" && event !== null ? { ...event, aiVersion } : event);
    },
  });
}

describe("version check", () => {
  it("an `ai` outside the tested range gives exactly one warning naming it, and the call is still traced", async () => {
    const integration = reportingVersion(ours(), "8.0.1");
    await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "a", integrations: [integration] } });
    await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "a", integrations: [integration] } });
    expect(warnings).toEqual([
      "@otel-agents/ai-sdk: ai version 8.0.1 is outside the tested range >=7.0.44 <8.0.0; spans may be missing or incomplete.",
    ]);
    assertConformance(h.spans());
    expect(shape(spanTree(h.spans()))).toEqual([
      { "invoke_agent a [INTERNAL]": ["chat gpt-4o [CLIENT]"] },
      { "invoke_agent a [INTERNAL]": ["chat gpt-4o [CLIENT]"] },
    ]);
  });

  it("an `ai` that stamps no version on its events (before 7.0.154) is checked by the installed one", () => {
    checkAiVersion(undefined, () => "7.0.43");
    checkAiVersion(undefined, () => "7.0.44");
    checkAiVersion(undefined, () => undefined);
    expect(warnings).toEqual([
      "@otel-agents/ai-sdk: ai version 7.0.43 is outside the tested range >=7.0.44 <8.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("the installed `ai` and API are in range: no warning at all, from either entry", async () => {
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    otelAgentsTracer({ tracerProvider: h.tracerProvider });
    await generateText({ model: model(), prompt: "hi", telemetry: { integrations: [ours()] } });
    expect(warnings).toEqual([]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it("the tested ranges are the peerDependencies of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    expect(Object.keys(SUPPORTED).sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
    expect(SUPPORTED.ai).toBe(pkg.peerDependencies.ai);
    expect(caretToRange(pkg.peerDependencies["@opentelemetry/api"])).toBe(SUPPORTED["@opentelemetry/api"]);
    // This entry's range is the top of the peer range (ai 6 goes through /v6).
    expect(SUPPORTED.ai.endsWith(` || ${SUPPORTED_TELEMETRY_INTERFACE}`)).toBe(true);
  });
});

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

/** `^1.9.0` -> `>=1.9.0 <2.0.0`. */
function caretToRange(range: string | undefined): string | undefined {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range ?? "");
  return m ? `>=${m[1]}.${m[2]}.${m[3]} <${Number(m[1]) + 1}.0.0` : range;
}
