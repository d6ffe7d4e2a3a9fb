import { Agent, run, tool } from "@openai/agents";
import { assistantMessage, functionCall, modelError, ScriptedModel } from "@openai/agents-core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { usage } from "./fixtures.js";
import { checkedTrees, h, install, onAgents017 } from "./setup.js";

beforeEach(() => h.reset());

class BoomError extends Error {
  override name = "BoomError";
}

describe("failures", () => {
  it("a failing model: the user gets the model's error; chat, agent and workflow are ERROR with its class name", async () => {
    install();
    const boom = new BoomError("upstream exploded");
    const agent = new Agent({ name: "Fragile", model: new ScriptedModel([modelError(boom)]) });
    const error = await run(agent, "hi").catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "error.type": "BoomError",
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "error.type": "BoomError",
                "gen_ai.agent.name": "Fragile",
                "gen_ai.operation.name": "invoke_agent",
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "error.type": "BoomError",
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "ERROR",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Fragile",
              "status": "ERROR",
            },
          ],
          "kind": "INTERNAL",
          "name": "invoke_workflow Agent workflow",
          "status": "ERROR",
        },
      ]
    `);
  });

  it("a failing tool with errorFunction null: the user gets the SDK's ToolCallError; the tool span says TypeError", async () => {
    install();
    const broken = tool({
      name: "broken",
      description: "Always fails",
      parameters: z.object({}),
      errorFunction: null,
      execute: async () => {
        throw new TypeError("tool broke");
      },
    });
    const agent = new Agent({
      name: "Caller",
      model: new ScriptedModel([{ usage: usage(9, 2), output: [functionCall("broken", {}, { callId: "call_b" })] }]),
      tools: [broken],
    });
    const error = await run(agent, "go").catch((e: unknown) => e);
    expect((error as Error).constructor.name).toBe("ToolCallError");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "error.type": "ToolCallError",
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "error.type": "ToolCallError",
                "gen_ai.agent.name": "Caller",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                ],
                "gen_ai.usage.input_tokens": 9,
                "gen_ai.usage.output_tokens": 2,
                "otel_agents.openai_agents.agent.output_type": "text",
                "otel_agents.openai_agents.agent.tools": [
                  "broken",
                ],
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "tool_call",
                    ],
                    "gen_ai.usage.input_tokens": 9,
                    "gen_ai.usage.output_tokens": 2,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "error.type": "TypeError",
                    "gen_ai.agent.name": "Caller",
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "broken",
                    "gen_ai.tool.type": "function",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "execute_tool broken",
                  "status": "ERROR",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Caller",
              "status": "ERROR",
            },
          ],
          "kind": "INTERNAL",
          "name": "invoke_workflow Agent workflow",
          "status": "ERROR",
        },
      ]
    `);
  });

  it("a tool error the SDK turns into a message for the model: the tool span is ERROR, the run goes on", async () => {
    install();
    const flaky = tool({
      name: "flaky",
      description: "Fails, the model recovers",
      parameters: z.object({}),
      execute: async () => {
        throw new TypeError("tool broke");
      },
    });
    const agent = new Agent({
      name: "Caller",
      model: new ScriptedModel([
        { usage: usage(9, 2), output: [functionCall("flaky", {}, { callId: "call_f" })] },
        { usage: usage(12, 3), output: [assistantMessage("Sorry, the tool failed")] },
      ]),
      tools: [flaky],
    });
    expect((await run(agent, "go")).finalOutput).toBe("Sorry, the tool failed");
    const trees = await checkedTrees();
    // 0.17 puts `TypeError: tool broke` into the span error; 0.20 only the error function's message.
    const toolSpan = trees[0]?.children[0]?.children[1];
    expect(toolSpan?.attributes["error.type"]).toBe(onAgents017 ? "TypeError" : "_OTHER");
    if (toolSpan) toolSpan.attributes["error.type"] = "<by SDK version>";
    expect(trees).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Caller",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 21,
                "gen_ai.usage.output_tokens": 5,
                "otel_agents.openai_agents.agent.output_type": "text",
                "otel_agents.openai_agents.agent.tools": [
                  "flaky",
                ],
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "tool_call",
                    ],
                    "gen_ai.usage.input_tokens": 9,
                    "gen_ai.usage.output_tokens": 2,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "error.type": "<by SDK version>",
                    "gen_ai.agent.name": "Caller",
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "flaky",
                    "gen_ai.tool.type": "function",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "execute_tool flaky",
                  "status": "ERROR",
                },
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 12,
                    "gen_ai.usage.output_tokens": 3,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Caller",
              "status": "UNSET",
            },
          ],
          "kind": "INTERNAL",
          "name": "invoke_workflow Agent workflow",
          "status": "UNSET",
        },
      ]
    `);
  });
});
