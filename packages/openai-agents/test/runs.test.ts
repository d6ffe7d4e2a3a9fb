import { Agent, Runner, run, withTrace } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { usage, weather } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";
import { chat, executeTool, failedRun, finished, guardrail, handoff, invokeAgent, tools, workflow } from "./trees.js";

beforeEach(() => h.reset());

describe("runs with the ScriptedModel", () => {
  it("a single agent answering: workflow > agent > one chat span with the turn's usage", async () => {
    install();
    const model = new ScriptedModel([{ usage: usage(12, 4), output: [assistantMessage("Hello!")] }]);
    const result = await run(new Agent({ name: "Greeter", instructions: "Greet.", model }), "hi");
    expect(result.finalOutput).toBe("Hello!");
    expect(await checkedTrees()).toStrictEqual([
      workflow([invokeAgent("Greeter", finished(["stop"], 12, 4), [chat(finished(["stop"], 12, 4))])]),
    ]);
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
    expect(await checkedTrees()).toStrictEqual([
      workflow([
        invokeAgent("Weather", { ...finished(["tool_call", "stop"], 30, 11), ...tools("get_weather") }, [
          chat({ ...finished(["tool_call"], 10, 5), "gen_ai.usage.cache_read.input_tokens": 3 }),
          executeTool("Weather", "get_weather"),
          chat(finished(["stop"], 20, 6)),
        ]),
      ]),
    ]);
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
    const conversation = { "gen_ai.conversation.id": "conv-42" };
    expect(result.finalOutput).toBe("Snow in Oslo");
    expect(await checkedTrees()).toStrictEqual([
      workflow(
        [
          invokeAgent(
            "Triage",
            {
              ...conversation,
              ...finished(["tool_call"], 15, 2),
              "otel_agents.openai_agents.agent.handoffs": ["Specialist"],
            },
            [chat({ ...conversation, ...finished(["tool_call"], 15, 2) }), handoff("Triage", "Specialist")],
          ),
          invokeAgent("Specialist", { ...conversation, ...finished(["tool_call", "stop"], 70, 15), ...tools("get_weather") }, [
            chat({ ...conversation, ...finished(["tool_call"], 30, 7) }),
            executeTool("Specialist", "get_weather", conversation),
            chat({ ...conversation, ...finished(["stop"], 40, 8) }),
          ]),
        ],
        "support",
        conversation,
      ),
    ]);
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
    expect(await checkedTrees()).toStrictEqual([
      failedRun("InputGuardrailTripwireTriggered", "Guarded", {}, [guardrail("no_secrets", true)]),
    ]);
  });

  it("an input guardrail that passes", async () => {
    install();
    const agent = new Agent({
      name: "Guarded",
      model: new ScriptedModel([{ usage: usage(5, 1), output: [assistantMessage("fine")] }]),
      inputGuardrails: [{ name: "no_secrets", execute: async () => ({ tripwireTriggered: false, outputInfo: {} }) }],
    });
    expect((await run(agent, "hello")).finalOutput).toBe("fine");
    expect(await checkedTrees()).toStrictEqual([
      workflow([
        invokeAgent("Guarded", finished(["stop"], 5, 1), [chat(finished(["stop"], 5, 1)), guardrail("no_secrets", false)]),
      ]),
    ]);
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
    expect(await checkedTrees()).toStrictEqual([
      workflow([
        invokeAgent("Orchestrator", { ...finished(["tool_call", "stop"], 24, 6), ...tools("translate") }, [
          chat(finished(["tool_call"], 11, 2)),
          executeTool("Orchestrator", "translate", {}, [
            invokeAgent("Translator", finished(["stop"], 7, 3), [chat(finished(["stop"], 7, 3))]),
          ]),
          chat(finished(["stop"], 13, 4)),
        ]),
      ]),
    ]);
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
    expect(await checkedTrees()).toStrictEqual([
      workflow([
        invokeAgent("Weather", { ...finished(["tool_call", "stop"], 30, 11), ...tools("get_weather") }, [
          chat(finished(["tool_call"], 10, 5)),
          executeTool("Weather", "get_weather"),
          chat(finished(["stop"], 20, 6)),
        ]),
      ]),
    ]);
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
    const thread = { "gen_ai.conversation.id": "thread-7" };
    expect(await checkedTrees()).toStrictEqual([
      workflow(
        [
          invokeAgent("First", { ...thread, ...finished(["stop"], 1, 1) }, [chat({ ...thread, ...finished(["stop"], 1, 1) })]),
          invokeAgent("Second", { ...thread, ...finished(["stop"], 2, 2) }, [chat({ ...thread, ...finished(["stop"], 2, 2) })]),
        ],
        "booking",
        thread,
      ),
    ]);
  });
});
