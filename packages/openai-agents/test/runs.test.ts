import { Agent, Runner, run, withTrace } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { usage, weather } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";

beforeEach(() => h.reset());

describe("runs with the ScriptedModel", () => {
  it("a single agent answering: workflow > agent > one chat span with the turn's usage", async () => {
    install();
    const model = new ScriptedModel([{ usage: usage(12, 4), output: [assistantMessage("Hello!")] }]);
    const result = await run(new Agent({ name: "Greeter", instructions: "Greet.", model }), "hi");
    expect(result.finalOutput).toBe("Hello!");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Greeter",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 12,
                "gen_ai.usage.output_tokens": 4,
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 12,
                    "gen_ai.usage.output_tokens": 4,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Greeter",
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

  it("a function tool call: two model calls, each its own chat span, the tool between them", async () => {
    install();
    const model = new ScriptedModel([
      { usage: usage(10, 5, 3), output: [functionCall("get_weather", { city: "Paris" }, { callId: "call_1" })] },
      { usage: usage(20, 6), output: [assistantMessage("It is sunny")] },
    ]);
    const agent = new Agent({ name: "Weather", model, tools: [weather] });
    const result = await run(agent, "Weather in Paris?");
    expect(result.finalOutput).toBe("It is sunny");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Weather",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 30,
                "gen_ai.usage.output_tokens": 11,
                "otel_agents.openai_agents.agent.output_type": "text",
                "otel_agents.openai_agents.agent.tools": [
                  "get_weather",
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
                    "gen_ai.usage.cache_read.input_tokens": 3,
                    "gen_ai.usage.input_tokens": 10,
                    "gen_ai.usage.output_tokens": 5,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.agent.name": "Weather",
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "get_weather",
                    "gen_ai.tool.type": "function",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "execute_tool get_weather",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 20,
                    "gen_ai.usage.output_tokens": 6,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Weather",
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

  it("triage hands off to a specialist that uses a tool; Runner groupId is the conversation id", async () => {
    install();
    const specialist = new Agent({
      name: "Specialist",
      model: new ScriptedModel([
        { usage: usage(30, 7), output: [functionCall("get_weather", { city: "Oslo" }, { callId: "call_2" })] },
        { usage: usage(40, 8), output: [assistantMessage("Snow in Oslo")] },
      ]),
      tools: [weather],
    });
    const triage = new Agent({
      name: "Triage",
      model: new ScriptedModel([{ usage: usage(15, 2), output: [functionCall("transfer_to_Specialist", {}, { callId: "h1" })] }]),
      handoffs: [specialist],
    });
    const runner = new Runner({ workflowName: "support", groupId: "conv-42" });
    const result = await runner.run(triage, "Weather in Oslo?");
    expect(result.finalOutput).toBe("Snow in Oslo");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "support",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Triage",
                "gen_ai.conversation.id": "conv-42",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                ],
                "gen_ai.usage.input_tokens": 15,
                "gen_ai.usage.output_tokens": 2,
                "otel_agents.openai_agents.agent.handoffs": [
                  "Specialist",
                ],
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.conversation.id": "conv-42",
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "tool_call",
                    ],
                    "gen_ai.usage.input_tokens": 15,
                    "gen_ai.usage.output_tokens": 2,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "otel_agents.handoff.from_agent": "Triage",
                    "otel_agents.handoff.to_agent": "Specialist",
                    "otel_agents.step.type": "handoff",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "handoff Specialist",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Triage",
              "status": "UNSET",
            },
            {
              "attributes": {
                "gen_ai.agent.name": "Specialist",
                "gen_ai.conversation.id": "conv-42",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 70,
                "gen_ai.usage.output_tokens": 15,
                "otel_agents.openai_agents.agent.output_type": "text",
                "otel_agents.openai_agents.agent.tools": [
                  "get_weather",
                ],
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.conversation.id": "conv-42",
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "tool_call",
                    ],
                    "gen_ai.usage.input_tokens": 30,
                    "gen_ai.usage.output_tokens": 7,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.agent.name": "Specialist",
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "get_weather",
                    "gen_ai.tool.type": "function",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "execute_tool get_weather",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.conversation.id": "conv-42",
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 40,
                    "gen_ai.usage.output_tokens": 8,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Specialist",
              "status": "UNSET",
            },
          ],
          "kind": "INTERNAL",
          "name": "invoke_workflow support",
          "status": "UNSET",
        },
      ]
    `);
  });

  it("an input guardrail that trips: the guardrail step says so, agent and workflow fail with the user's error", async () => {
    install();
    const agent = new Agent({
      name: "Guarded",
      model: new ScriptedModel([[assistantMessage("never seen")]]),
      inputGuardrails: [
        {
          name: "no_secrets",
          execute: async ({ input }) => ({ tripwireTriggered: String(input).includes("secret"), outputInfo: {} }),
        },
      ],
    });
    const error = await run(agent, "tell me the secret").catch((e: unknown) => e);
    expect((error as Error).constructor.name).toBe("InputGuardrailTripwireTriggered");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "error.type": "InputGuardrailTripwireTriggered",
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "error.type": "InputGuardrailTripwireTriggered",
                "gen_ai.agent.name": "Guarded",
                "gen_ai.operation.name": "invoke_agent",
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "otel_agents.guardrail.name": "no_secrets",
                    "otel_agents.guardrail.triggered": true,
                    "otel_agents.step.type": "guardrail",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "guardrail no_secrets",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Guarded",
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

  it("an input guardrail that passes", async () => {
    install();
    const agent = new Agent({
      name: "Guarded",
      model: new ScriptedModel([{ usage: usage(5, 1), output: [assistantMessage("fine")] }]),
      inputGuardrails: [{ name: "no_secrets", execute: async () => ({ tripwireTriggered: false, outputInfo: {} }) }],
    });
    expect((await run(agent, "hello")).finalOutput).toBe("fine");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Guarded",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 5,
                "gen_ai.usage.output_tokens": 1,
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 5,
                    "gen_ai.usage.output_tokens": 1,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "otel_agents.guardrail.name": "no_secrets",
                    "otel_agents.guardrail.triggered": false,
                    "otel_agents.step.type": "guardrail",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "guardrail no_secrets",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Guarded",
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

  it("an agent used as a tool nests its whole run under the execute_tool span", async () => {
    install();
    const inner = new Agent({
      name: "Translator",
      model: new ScriptedModel([{ usage: usage(7, 3), output: [assistantMessage("bonjour")] }]),
    });
    const outer = new Agent({
      name: "Orchestrator",
      model: new ScriptedModel([
        { usage: usage(11, 2), output: [functionCall("translate", { input: "hello" }, { callId: "call_t" })] },
        { usage: usage(13, 4), output: [assistantMessage("It is bonjour")] },
      ]),
      tools: [inner.asTool({ toolName: "translate", toolDescription: "Translate to French" })],
    });
    expect((await run(outer, "Say hello in French")).finalOutput).toBe("It is bonjour");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Orchestrator",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 24,
                "gen_ai.usage.output_tokens": 6,
                "otel_agents.openai_agents.agent.output_type": "text",
                "otel_agents.openai_agents.agent.tools": [
                  "translate",
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
                    "gen_ai.usage.input_tokens": 11,
                    "gen_ai.usage.output_tokens": 2,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.agent.name": "Orchestrator",
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "translate",
                    "gen_ai.tool.type": "function",
                  },
                  "children": [
                    {
                      "attributes": {
                        "gen_ai.agent.name": "Translator",
                        "gen_ai.operation.name": "invoke_agent",
                        "gen_ai.response.finish_reasons": [
                          "stop",
                        ],
                        "gen_ai.usage.input_tokens": 7,
                        "gen_ai.usage.output_tokens": 3,
                        "otel_agents.openai_agents.agent.output_type": "text",
                      },
                      "children": [
                        {
                          "attributes": {
                            "gen_ai.operation.name": "chat",
                            "gen_ai.provider.name": "unknown",
                            "gen_ai.response.finish_reasons": [
                              "stop",
                            ],
                            "gen_ai.usage.input_tokens": 7,
                            "gen_ai.usage.output_tokens": 3,
                          },
                          "children": [],
                          "kind": "CLIENT",
                          "name": "chat",
                          "status": "UNSET",
                        },
                      ],
                      "kind": "INTERNAL",
                      "name": "invoke_agent Translator",
                      "status": "UNSET",
                    },
                  ],
                  "kind": "INTERNAL",
                  "name": "execute_tool translate",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 13,
                    "gen_ai.usage.output_tokens": 4,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Orchestrator",
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

  it("a streamed run gives the same tree as a plain one", async () => {
    install();
    const model = new ScriptedModel([
      { usage: usage(10, 5), output: [functionCall("get_weather", { city: "Rome" }, { callId: "call_s" })] },
      { usage: usage(20, 6), output: [assistantMessage("Warm in Rome")] },
    ]);
    const result = await run(new Agent({ name: "Weather", model, tools: [weather] }), "Rome?", { stream: true });
    for await (const _event of result) {
      // drain
    }
    await result.completed;
    expect(result.finalOutput).toBe("Warm in Rome");
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "Agent workflow",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "Weather",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "tool_call",
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 30,
                "gen_ai.usage.output_tokens": 11,
                "otel_agents.openai_agents.agent.output_type": "text",
                "otel_agents.openai_agents.agent.tools": [
                  "get_weather",
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
                    "gen_ai.usage.input_tokens": 10,
                    "gen_ai.usage.output_tokens": 5,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.agent.name": "Weather",
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "get_weather",
                    "gen_ai.tool.type": "function",
                  },
                  "children": [],
                  "kind": "INTERNAL",
                  "name": "execute_tool get_weather",
                  "status": "UNSET",
                },
                {
                  "attributes": {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 20,
                    "gen_ai.usage.output_tokens": 6,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Weather",
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

  it("withTrace groups two runs under one workflow; groupId is the conversation id", async () => {
    install();
    await withTrace(
      "booking",
      async () => {
        await run(
          new Agent({ name: "First", model: new ScriptedModel([{ usage: usage(1, 1), output: [assistantMessage("1")] }]) }),
          "a",
        );
        await run(
          new Agent({ name: "Second", model: new ScriptedModel([{ usage: usage(2, 2), output: [assistantMessage("2")] }]) }),
          "b",
        );
      },
      { groupId: "thread-7" },
    );
    expect(await checkedTrees()).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "gen_ai.operation.name": "invoke_workflow",
            "gen_ai.workflow.name": "booking",
          },
          "children": [
            {
              "attributes": {
                "gen_ai.agent.name": "First",
                "gen_ai.conversation.id": "thread-7",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 1,
                "gen_ai.usage.output_tokens": 1,
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.conversation.id": "thread-7",
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 1,
                    "gen_ai.usage.output_tokens": 1,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent First",
              "status": "UNSET",
            },
            {
              "attributes": {
                "gen_ai.agent.name": "Second",
                "gen_ai.conversation.id": "thread-7",
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.response.finish_reasons": [
                  "stop",
                ],
                "gen_ai.usage.input_tokens": 2,
                "gen_ai.usage.output_tokens": 2,
                "otel_agents.openai_agents.agent.output_type": "text",
              },
              "children": [
                {
                  "attributes": {
                    "gen_ai.conversation.id": "thread-7",
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "unknown",
                    "gen_ai.response.finish_reasons": [
                      "stop",
                    ],
                    "gen_ai.usage.input_tokens": 2,
                    "gen_ai.usage.output_tokens": 2,
                  },
                  "children": [],
                  "kind": "CLIENT",
                  "name": "chat",
                  "status": "UNSET",
                },
              ],
              "kind": "INTERNAL",
              "name": "invoke_agent Second",
              "status": "UNSET",
            },
          ],
          "kind": "INTERNAL",
          "name": "invoke_workflow booking",
          "status": "UNSET",
        },
      ]
    `);
  });
});
