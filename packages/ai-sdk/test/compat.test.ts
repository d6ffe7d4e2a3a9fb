import { readFileSync } from "node:fs";
import { compatContract } from "@otel-agents/testing/contract";
import { fakeVersions } from "@otel-agents/testing/fake-versions";
import { generateText, type Telemetry } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, describe, expect, it, vi } from "vitest";
import { checkAiVersion, SUPPORTED, SUPPORTED_TELEMETRY_INTERFACE } from "../src/compat.js";
import type { OtelAgentsTelemetry } from "../src/index.js";
import { otelAgentsTelemetry } from "../src/index.js";
import { AiSdkInstrumentation } from "../src/instrumentation.js";
import { otelAgentsTracer } from "../src/v6/index.js";
import { driver, h } from "./driver.js";
import { textResult } from "./fixtures.js";

// Only the version readers are faked: the framework, the integration and the warning are real.
vi.mock("@otel-agents/core/adapter", async (original) =>
  (await import("@otel-agents/testing/fake-versions")).fakeVersionReaders(original),
);

afterAll(() => h.shutdown());

const ours = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
const model = () =>
  new MockLanguageModelV4({ provider: "openai.chat", modelId: "gpt-4o", doGenerate: textResult("Hi.", "resp_1") });

/** Our integration as an `ai` release that stamps another version on its events would reach it. */
function reportingVersion(integration: Telemetry, aiVersion: string | undefined): Telemetry {
  if (aiVersion === undefined) return integration;
  return new Proxy(integration, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (event: unknown) =>
        value.call(target, typeof event === "object" && event !== null ? { ...event, aiVersion } : event);
    },
  });
}

/** Both entries registered, then one call: `ai` reports its version on the call's events. */
async function register(): Promise<void> {
  otelAgentsTracer({ tracerProvider: h.tracerProvider });
  const integration = reportingVersion(ours(), fakeVersions.framework);
  await generateText({ model: model(), prompt: "hi", telemetry: { functionId: "a", integrations: [integration] } });
}

const versions = compatContract({
  harness: h,
  adapter: "@otel-agents/ai-sdk",
  framework: "ai",
  supported: SUPPORTED,
  // This entry's range; ai 6 goes through /v6.
  frameworkRange: SUPPORTED_TELEMETRY_INTERFACE,
  peerDependencies: (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { peerDependencies: Record<string, string> }
  ).peerDependencies,
  rangeOf: (name, peer) => (name === "ai" ? peer : undefined),
  outside: ["8.0.1", "9.1.0"],
  register,
  traced: async () => {
    h.reset();
    await driver.run(reportingVersion(ours(), fakeVersions.framework) as OtelAgentsTelemetry, 0);
    return driver.trees(h.spans());
  },
  expected: [driver.expected(0)],
});

describe("version check, AI SDK only", () => {
  it("an `ai` that stamps no version on its events (before 7.0.154) is checked by the installed one", () => {
    checkAiVersion(undefined, () => "7.0.43");
    checkAiVersion(undefined, () => "7.0.44");
    checkAiVersion(undefined, () => undefined);
    expect(versions.warnings()).toEqual([
      "@otel-agents/ai-sdk: ai version 7.0.43 is outside the tested range >=7.0.44 <8.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("AiSdkInstrumentation with ai 6 installed says once that ai 6 traces only the calls that turn telemetry on", () => {
    fakeVersions.framework = "6.0.326";
    for (let i = 0; i < 2; i++) {
      const instrumentation = new AiSdkInstrumentation({ enabled: false });
      instrumentation.setTracerProvider(h.tracerProvider);
      instrumentation.enable();
      instrumentation.disable();
    }
    expect(versions.warnings()).toEqual([
      "@otel-agents/ai-sdk: ai 6.0.326 is installed. AiSdkInstrumentation traces the ai 6 calls that turn telemetry on (experimental_telemetry: { isEnabled: true }, or in a ToolLoopAgent's settings): ai 6 has no switch for every call, so calls without it are not traced.",
    ]);
    fakeVersions.framework = "7.0.173";
    const seven = new AiSdkInstrumentation();
    seven.disable();
    expect(versions.warnings()).toHaveLength(1);
  });

  it("this entry's range is the top of the peer range (ai 6 goes through /v6)", () => {
    expect(SUPPORTED.ai.endsWith(` || ${SUPPORTED_TELEMETRY_INTERFACE}`)).toBe(true);
  });
});
