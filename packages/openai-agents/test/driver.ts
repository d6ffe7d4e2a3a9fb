import { Agent, run, setTraceProcessors, setTracingDisabled, tool } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import type { Attributes } from "@opentelemetry/api";
import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { type AdapterDriver, echoBody } from "@otel-agents/testing/contract";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { z } from "zod";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { usage } from "./fixtures.js";
import { h, install, withoutIds } from "./setup.js";
import { chat, executeTool, finished, invokeAgent, tools } from "./trees.js";

/** The OpenAI Agents adapter for the contract suite: operation i is a run of `Agent<i>` with one `echo` tool call. */
export const driver: AdapterDriver<OpenTelemetryTracingProcessor> = {
  harness: h,
  create: ({ captureContent } = {}) => install({ captureContent }),
  createGlobal: () => {
    // On the global providers, as `setup()` users have it.
    setTracingDisabled(false);
    const processor = new OpenTelemetryTracingProcessor();
    setTraceProcessors([processor]);
    return processor;
  },
  openRuns: (processor) => processor.openRuns,
  endOpenRuns: (processor) => processor.shutdown(),
  trees: (spans) => {
    assertConformance(spans);
    return spanTree(spans, withoutIds);
  },
  checkMetrics: async () => assertMetricConformance(await h.metrics()),
  run: async (_processor, i, { signal, tool: body } = {}) => {
    const echo = tool({
      name: "echo",
      description: "Echo",
      parameters: z.object({ i: z.number() }),
      execute: body ?? echoBody(i),
    });
    const agent = new Agent({
      name: `Agent${i}`,
      model: new ScriptedModel([
        { usage: usage(1000 + i, 1), output: [functionCall("echo", { i }, { callId: `call_${i}` })] },
        { usage: usage(2000 + i, 2), output: [assistantMessage(`done ${i}`)] },
      ]),
      tools: [echo],
    });
    return (await run(agent, `go ${i}`, { signal })).finalOutput;
  },
  expected: (i, { captureContent = false, toolChildren = [], toolResult = `echo ${i}` } = {}) => {
    const content: Attributes = captureContent
      ? { "gen_ai.tool.call.arguments": JSON.stringify({ i }), "gen_ai.tool.call.result": JSON.stringify({ output: toolResult }) }
      : {};
    return invokeAgent(`Agent${i}`, { ...finished(["tool_call", "stop"], 3000 + 2 * i, 3), ...tools("echo") }, [
      chat(finished(["tool_call"], 1000 + i, 1)),
      executeTool(
        `Agent${i}`,
        "echo",
        { "gen_ai.tool.call.id": `call_${i}`, "gen_ai.tool.description": "Echo", ...content },
        toolChildren,
      ),
      chat(finished(["stop"], 2000 + i, 2)),
    ]);
  },
};

/** Operation `i` cut off after its tool call: the first model call and the tool; the agent has that call's usage only. */
export function firstTurn(i: number): TreeNode {
  const whole = driver.expected(i);
  return {
    ...whole,
    attributes: { ...whole.attributes, ...finished(["tool_call"], 1000 + i, 1) },
    children: whole.children.slice(0, 2),
  };
}
