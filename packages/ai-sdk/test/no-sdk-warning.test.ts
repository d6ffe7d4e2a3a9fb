import { diag, trace } from "@opentelemetry/api";
import { captureDiag } from "@otel-agents/testing/diag";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { otelAgentsTelemetry } from "../src/index.js";
import { textResult } from "./fixtures.js";

// Nothing registered globally: the harness's providers are only handed over in the last test.
const h = createHarness();
let said: string[] = [];
beforeEach(() => {
  h.reset();
  said = captureDiag();
});
afterEach(() => {
  diag.disable();
  trace.disable();
});
afterAll(() => h.shutdown());

const NO_SDK =
  "warn: otel-agents/ai-sdk: an AI SDK call ran, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start one before the first call, e.g. new NodeSDK({ instrumentations: [new AiSdkInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to otelAgentsTelemetry().";

const call = (integration: ReturnType<typeof otelAgentsTelemetry>) =>
  generateText({
    model: new MockLanguageModelV4({ modelId: "gpt-4o", doGenerate: textResult("Hi.", "r1") }),
    prompt: "Hello?",
    telemetry: { functionId: "greeter", integrations: [integration] },
  });

describe("an AI SDK app with no OpenTelemetry SDK registered", () => {
  it("gets one diag line at its first call, naming the fix, and the call's result unchanged", async () => {
    const integration = otelAgentsTelemetry();
    expect(said).toEqual([]);
    expect((await call(integration)).text).toBe("Hi.");
    expect((await call(otelAgentsTelemetry())).text).toBe("Hi.");
    expect(said).toEqual([NO_SDK]);
    expect(h.spans()).toEqual([]);
  });

  it("records the next call in full once a provider is registered, and says nothing more", async () => {
    const integration = otelAgentsTelemetry();
    trace.setGlobalTracerProvider(h.tracerProvider);
    expect((await call(integration)).text).toBe("Hi.");
    expect(shape(spanTree(h.spans()))).toEqual([{ "invoke_agent greeter [INTERNAL]": ["chat gpt-4o [CLIENT]"] }]);
    expect(said).toEqual([]);
  });
});
