import { Agent, run, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { assistantMessage, ScriptedModel } from "@openai/agents-core/testing";
import { trace } from "@opentelemetry/api";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { usage } from "./fixtures.js";
import { checkedTrees, h } from "./setup.js";

beforeEach(() => h.reset());
afterEach(() => trace.disable());

/** A processor on the global providers, as `setup()` users have it. */
function installGlobal(): OpenTelemetryTracingProcessor {
  setTracingDisabled(false);
  const processor = new OpenTelemetryTracingProcessor();
  setTraceProcessors([processor]);
  return processor;
}

const greeter = () =>
  new Agent({
    name: "Greeter",
    instructions: "Greet.",
    model: new ScriptedModel([{ usage: usage(12, 4), output: [assistantMessage("Hello!")] }]),
  });

describe("a processor with nothing to record", () => {
  it("tracks nothing while no SDK is registered: same result, no spans, no open runs", async () => {
    const processor = installGlobal();
    const result = await run(greeter(), "hi");
    expect(result.finalOutput).toBe("Hello!");
    expect(processor.openRuns).toBe(0);
    expect(h.spans()).toEqual([]);
  });

  it("records the runs that start once a provider is registered", async () => {
    const processor = installGlobal();
    await run(greeter(), "hi");
    trace.setGlobalTracerProvider(h.tracerProvider);
    expect((await run(greeter(), "hi")).finalOutput).toBe("Hello!");
    expect(processor.openRuns).toBe(0);
    expect(shape(spanTree(h.spans()))).toEqual([{ "invoke_agent Greeter [INTERNAL]": ["chat [CLIENT]"] }]);
    await checkedTrees();
  });
});
