import type { Attributes } from "@opentelemetry/api";
import { type AdapterDriver, echoBody } from "@otel-agents/testing/contract";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import type { OtelAgentsTelemetry } from "../src/index.js";
import { otelAgentsTelemetry } from "../src/index.js";
import { textResult, toolCallResult } from "./fixtures.js";
import { conforms } from "./helpers.js";

export const h = createHarness();

const hooks = (t: OtelAgentsTelemetry) => [t.onStart, t.onEnd, t.executeLanguageModelCall, t.executeTool];

/** The AI SDK adapter for the contract suite: operation i is `generateText` with functionId `agent-<i>` and one `echo` tool call. */
export const driver: AdapterDriver<OtelAgentsTelemetry> = {
  harness: h,
  create: ({ captureContent } = {}) =>
    otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, captureContent }),
  createGlobal: () => otelAgentsTelemetry(),
  openRuns: (t) => t.openRuns,
  endOpenRuns: (t) => t.endOpenRuns(),
  listening: (t) => {
    const offered = hooks(t).map((hook) => typeof hook === "function");
    // All four hooks or none: ai calls whichever it finds.
    if (new Set(offered).size > 1) throw new Error(`hooks offered in part: ${offered}`);
    return offered[0] === true;
  },
  trees: (spans) => {
    conforms(spans);
    return spanTree(spans);
  },
  run: async (t, i, { signal, tool: body } = {}) => {
    const result = await generateText({
      model: new MockLanguageModelV4({
        modelId: "gpt-4o",
        doGenerate: [
          toolCallResult([{ id: `call_${i}`, name: "echo", input: { i } }], `resp_${i}_1`),
          textResult(`done ${i}`, `resp_${i}_2`),
        ],
      }),
      prompt: `task ${i}`,
      stopWhen: stepCountIs(3),
      abortSignal: signal,
      tools: {
        echo: tool({
          description: "Echo",
          inputSchema: z.object({ i: z.number() }),
          execute: body ?? echoBody(i),
        }),
      },
      telemetry: { functionId: `agent-${i}`, integrations: [t] },
    });
    return result.text;
  },
  expected: (i, { captureContent = false, toolChildren = [], toolResult = `echo ${i}` } = {}) => {
    const content = (attributes: Attributes): Attributes => (captureContent ? attributes : {});
    const call = { type: "tool_call", id: `call_${i}`, name: "echo", arguments: { i } };
    const user = { role: "user", parts: [{ type: "text", content: `task ${i}` }] };
    const answer = [{ role: "assistant", parts: [{ type: "text", content: `done ${i}` }] }];
    const definitions = [{ type: "function", name: "echo", description: "Echo", parameters: ECHO_SCHEMA }];
    const chat = (step: 1 | 2, attributes: Attributes): TreeNode => ({
      name: "chat gpt-4o",
      kind: "CLIENT",
      status: "UNSET",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "mock-provider",
        "gen_ai.request.model": "gpt-4o",
        ...content({ "gen_ai.tool.definitions": JSON.stringify(definitions) }),
        "gen_ai.response.model": "mock-model-2025-01-01",
        "gen_ai.response.id": `resp_${i}_${step}`,
        ...attributes,
      },
      children: [],
    });
    return {
      name: `invoke_agent agent-${i}`,
      kind: "INTERNAL",
      status: "UNSET",
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": `agent-${i}`,
        "gen_ai.request.model": "gpt-4o",
        ...content({
          "gen_ai.input.messages": JSON.stringify([user]),
          "gen_ai.tool.definitions": JSON.stringify([{ type: "function", name: "echo", description: "Echo" }]),
        }),
        "gen_ai.usage.input_tokens": 30,
        "gen_ai.usage.output_tokens": 8,
        "gen_ai.response.finish_reasons": ["tool_call", "stop"],
        ...content({ "gen_ai.output.messages": JSON.stringify(answer) }),
      },
      children: [
        chat(1, {
          ...content({ "gen_ai.input.messages": JSON.stringify([user]) }),
          "gen_ai.response.finish_reasons": ["tool_call"],
          "gen_ai.usage.input_tokens": 10,
          "gen_ai.usage.output_tokens": 5,
          ...content({ "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [call] }]) }),
        }),
        {
          name: "execute_tool echo",
          kind: "INTERNAL",
          status: "UNSET",
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "echo",
            "gen_ai.tool.call.id": `call_${i}`,
            "gen_ai.tool.type": "function",
            "gen_ai.tool.description": "Echo",
            "gen_ai.agent.name": `agent-${i}`,
            ...content({
              "gen_ai.tool.call.arguments": JSON.stringify({ i }),
              "gen_ai.tool.call.result": JSON.stringify({ output: toolResult }),
            }),
          },
          children: toolChildren,
        },
        chat(2, {
          ...content({
            "gen_ai.input.messages": JSON.stringify([
              user,
              { role: "assistant", parts: [call] },
              { role: "tool", parts: [{ type: "tool_call_response", id: `call_${i}`, response: toolResult }] },
            ]),
          }),
          "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.usage.input_tokens": 20,
          "gen_ai.usage.output_tokens": 3,
          ...content({ "gen_ai.output.messages": JSON.stringify(answer) }),
        }),
      ],
    };
  },
};

// What the AI SDK sends as the echo tool's input schema.
const ECHO_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: { i: { type: "number" } },
  required: ["i"],
  additionalProperties: false,
};

/** Operation `i` cut off after its tool call (content off): the first model call and the tool; the agent sums that call only. */
export function firstTurn(i: number): TreeNode {
  const whole = driver.expected(i);
  return {
    ...whole,
    attributes: {
      ...whole.attributes,
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
      "gen_ai.response.finish_reasons": ["tool_call"],
    },
    children: whole.children.slice(0, 2),
  };
}
