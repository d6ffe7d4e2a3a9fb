import { setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { diag } from "@opentelemetry/api";
import { captureDiag } from "@otel-agents/testing/diag";
import { createHarness } from "@otel-agents/testing/harness";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { tracingDisabledMessage } from "../src/tracing-disabled.js";

// vitest sets NODE_ENV=test, so the Agents SDK created its trace provider with tracing off.
const h = createHarness();
let said: string[] = [];
beforeEach(() => {
  said = captureDiag();
});
afterEach(() => diag.disable());

/** One turn of the event loop: the check runs on the next one after registration. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const NODE_ENV_TEST =
  "warn: otel-agents/openai-agents: the OpenAI Agents SDK's tracing is disabled (NODE_ENV=test turns it off when its trace provider is created), so the OpenTelemetry processor receives no events and Agents runs are not recorded. Call setTracingDisabled(false) (from @openai/agents) at startup to record them.";

describe("Agents tracing disabled while our processor is registered", () => {
  it("is said once through diag, naming setTracingDisabled(false)", async () => {
    setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider })]);
    await nextTurn();
    setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider })]);
    await nextTurn();
    expect(said).toEqual([NODE_ENV_TEST]);
  });

  it("is not said when the app enables tracing right after registering", async () => {
    vi.resetModules();
    const fresh = await import("../src/tracing-disabled.js");
    setTracingDisabled(true);
    fresh.checkTracingEnabledSoon();
    setTracingDisabled(false);
    await nextTurn();
    expect(said).toEqual([]);
    expect(fresh.warnIfTracingDisabled()).toBe(false);
    setTracingDisabled(true);
    expect(fresh.warnIfTracingDisabled()).toBe(true);
    expect(said).toEqual([NODE_ENV_TEST]);
    setTracingDisabled(false);
  });

  it("names the cause it can see", () => {
    expect([{ NODE_ENV: "test" }, { OPENAI_AGENTS_DISABLE_TRACING: "1" }, {}].map((env) => tracingDisabledMessage(env))).toEqual([
      NODE_ENV_TEST.slice("warn: ".length),
      "otel-agents/openai-agents: the OpenAI Agents SDK's tracing is disabled (OPENAI_AGENTS_DISABLE_TRACING=1 turns it off), so the OpenTelemetry processor receives no events and Agents runs are not recorded. Call setTracingDisabled(false) (from @openai/agents) at startup to record them.",
      "otel-agents/openai-agents: the OpenAI Agents SDK's tracing is disabled (setTracingDisabled(true) was called), so the OpenTelemetry processor receives no events and Agents runs are not recorded. Call setTracingDisabled(false) (from @openai/agents) at startup to record them.",
    ]);
  });
});
