import { Agent, Runner, run, withTrace } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import type { HrTime } from "@opentelemetry/api";
import type { TreeNode } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { drained, usage, weather } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";
import { chat, executeTool, failedRun, finished, guardrail, handoff, invokeAgent, tools, workflow } from "./trees.js";

beforeEach(() => h.reset());

const hrMs = (t: HrTime | undefined): number => (t ? t[0] * 1e3 + t[1] / 1e6 : Number.NaN);

/** An orchestrator whose one tool is a translator agent (`asTool`), each on its own script. */
function orchestratorWithTranslator(): Agent {
  const inner = new Agent({
    name: "Translator",
    model: new ScriptedModel([{ usage: usage(7, 3), output: [assistantMessage("bonjour")] }]),
  });
  return new Agent({
    name: "Orchestrator",
    model: new ScriptedModel([
      { usage: usage(11, 2), output: [functionCall("translate", { input: "hello" }, { callId: "call_t" })] },
      { usage: usage(13, 4), output: [assistantMessage("It is bonjour")] },
    ]),
    tools: [inner.asTool({ toolName: "translate", toolDescription: "Translate to French" })],
  });
}

describe("runs with the ScriptedModel", () => {
  it("a single agent answering: no workflow (a standalone run), agent > one chat span with the turn's usage", async () => {
    install();
    const model = new ScriptedModel([{ usage: usage(12, 4), output: [assistantMessage("Hello!")] }]);
    const result = await run(new Agent({ name: "Greeter", instructions: "Greet.", model }), "hi");
    expect(result.finalOutput).toBe("Hello!");
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Greeter", finished(["stop"], 12, 4), [chat(finished(["stop"], 12, 4))]),
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
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 30, 11), ...tools("get_weather") }, [
        chat({ ...finished(["tool_call"], 10, 5), "gen_ai.usage.cache_read.input_tokens": 3 }),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_1",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat(finished(["stop"], 20, 6)),
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
            executeTool("Specialist", "get_weather", {
              ...conversation,
              "gen_ai.tool.call.id": "call_2",
              "gen_ai.tool.description": "Weather for a city",
            }),
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
      invokeAgent("Guarded", finished(["stop"], 5, 1), [chat(finished(["stop"], 5, 1)), guardrail("no_secrets", false)]),
    ]);
  });

  it("an agent used as a tool: a workflow named by the entry agent; the inner run nests under the execute_tool span", async () => {
    install();
    const outer = orchestratorWithTranslator();
    expect((await run(outer, "Say hello in French")).finalOutput).toBe("It is bonjour");
    expect(await checkedTrees()).toStrictEqual([
      workflow(
        [
          invokeAgent("Orchestrator", { ...finished(["tool_call", "stop"], 24, 6), ...tools("translate") }, [
            chat(finished(["tool_call"], 11, 2)),
            executeTool(
              "Orchestrator",
              "translate",
              { "gen_ai.tool.call.id": "call_t", "gen_ai.tool.description": "Translate to French" },
              [invokeAgent("Translator", finished(["stop"], 7, 3), [chat(finished(["stop"], 7, 3))])],
            ),
            chat(finished(["stop"], 13, 4)),
          ]),
        ],
        "Orchestrator",
      ),
    ]);
    // Decided once the tool ran an agent, the workflow still starts before its agent and ends after it.
    const [wf, agent] = ["invoke_workflow Orchestrator", "invoke_agent Orchestrator"].map((n) =>
      h.spans().find((s) => s.name === n),
    );
    expect(hrMs(wf?.startTime)).toBeLessThanOrEqual(hrMs(agent?.startTime));
    expect(hrMs(wf?.endTime)).toBeGreaterThanOrEqual(hrMs(agent?.endTime));
  });

  it("a tool's call id comes from the runner, sensitive data off, two calls of one tool apart; the runner's listeners hear every event", async () => {
    install();
    const model = new ScriptedModel([
      {
        usage: usage(10, 5),
        output: [
          functionCall("get_weather", { city: "Oslo" }, { callId: "call_o" }),
          functionCall("get_weather", { city: "Rome" }, { callId: "call_r" }),
        ],
      },
      { usage: usage(20, 6), output: [assistantMessage("Cold and warm")] },
    ]);
    const runner = new Runner({ traceIncludeSensitiveData: false });
    const heard: string[] = [];
    runner.on("agent_tool_start", (_ctx, _agent, _tool, details) =>
      heard.push("callId" in details.toolCall ? details.toolCall.callId : "?"),
    );
    const result = await runner.run(new Agent({ name: "Weather", model, tools: [weather] }), "Oslo and Rome?");
    expect(result.finalOutput).toBe("Cold and warm");
    expect(heard.sort()).toEqual(["call_o", "call_r"]);
    // The two tools run at once: their spans in call-id order.
    const trees = await checkedTrees();
    const byCallId = (a: TreeNode | undefined, b: TreeNode | undefined) =>
      String(a?.attributes["gen_ai.tool.call.id"]).localeCompare(String(b?.attributes["gen_ai.tool.call.id"]));
    const [first, toolA, toolB, last] = trees[0]?.children ?? [];
    expect([{ ...trees[0], children: [first, ...[toolA, toolB].sort(byCallId), last] }]).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 30, 11), ...tools("get_weather") }, [
        chat(finished(["tool_call"], 10, 5)),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_o",
          "gen_ai.tool.description": "Weather for a city",
        }),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_r",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat(finished(["stop"], 20, 6)),
      ]),
    ]);
  });

  it("a streamed run gives the same tree as a plain one, its model calls marked streamed", async () => {
    install();
    const model = new ScriptedModel([
      { usage: usage(10, 5), output: [functionCall("get_weather", { city: "Rome" }, { callId: "call_s" })] },
      { usage: usage(20, 6), output: [assistantMessage("Warm in Rome")] },
    ]);
    const result = await drained(await run(new Agent({ name: "Weather", model, tools: [weather] }), "Rome?", { stream: true }));
    expect(result.finalOutput).toBe("Warm in Rome");
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 30, 11), ...tools("get_weather") }, [
        chat({ ...finished(["tool_call"], 10, 5), "gen_ai.request.stream": true }),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_s",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat({ ...finished(["stop"], 20, 6), "gen_ai.request.stream": true }),
      ]),
    ]);
  });

  it("an agent used as a tool inside a streamed run runs plain: only the streamed run's model calls are marked", async () => {
    install();
    const outer = orchestratorWithTranslator();
    const result = await drained(await run(outer, "Say hello in French", { stream: true }));
    expect(result.finalOutput).toBe("It is bonjour");
    const streamed = { "gen_ai.request.stream": true };
    expect(await checkedTrees()).toStrictEqual([
      workflow(
        [
          invokeAgent("Orchestrator", { ...finished(["tool_call", "stop"], 24, 6), ...tools("translate") }, [
            chat({ ...finished(["tool_call"], 11, 2), ...streamed }),
            executeTool(
              "Orchestrator",
              "translate",
              { "gen_ai.tool.call.id": "call_t", "gen_ai.tool.description": "Translate to French" },
              [invokeAgent("Translator", finished(["stop"], 7, 3), [chat(finished(["stop"], 7, 3))])],
            ),
            chat({ ...finished(["stop"], 13, 4), ...streamed }),
          ]),
        ],
        "Orchestrator",
      ),
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

  // When a run is a workflow (conventions #354): both sides of the rule, as whole trees.
  describe("invoke_workflow only for runs that coordinate agents", () => {
    const answer = (name: string, text: string, input = 3, output = 1) =>
      new Agent({ name, model: new ScriptedModel([{ usage: usage(input, output), output: [assistantMessage(text)] }]) });

    it("handoffs without a workflowName: the workflow is named by the entry agent, never 'Agent workflow'", async () => {
      install();
      const billing = answer("Billing", "paid");
      const triage = new Agent({
        name: "Triage",
        model: new ScriptedModel([{ usage: usage(4, 1), output: [functionCall("transfer_to_Billing", {}, { callId: "h2" })] }]),
        handoffs: [billing],
      });
      expect((await run(triage, "my invoice")).finalOutput).toBe("paid");
      expect(await checkedTrees()).toStrictEqual([
        workflow(
          [
            invokeAgent("Triage", { ...finished(["tool_call"], 4, 1), "otel_agents.openai_agents.agent.handoffs": ["Billing"] }, [
              chat(finished(["tool_call"], 4, 1)),
              handoff("Triage", "Billing"),
            ]),
            invokeAgent("Billing", finished(["stop"], 3, 1), [chat(finished(["stop"], 3, 1))]),
          ],
          "Triage",
        ),
      ]);
    });

    it("a standalone agent run stays invoke_agent even when the Runner names a workflow and a conversation", async () => {
      install();
      const result = await new Runner({ workflowName: "support", groupId: "conv-9" }).run(answer("Solo", "done"), "hi");
      expect(result.finalOutput).toBe("done");
      const conversation = { "gen_ai.conversation.id": "conv-9" };
      expect(await checkedTrees()).toStrictEqual([
        invokeAgent("Solo", { ...conversation, ...finished(["stop"], 3, 1) }, [
          chat({ ...conversation, ...finished(["stop"], 3, 1) }),
        ]),
      ]);
    });

    it("an agent used as a tool under a Runner workflowName: the app's name, under the caller's span", async () => {
      install();
      const inner = answer("Summariser", "short");
      const outer = new Agent({
        name: "Editor",
        model: new ScriptedModel([
          { usage: usage(5, 1), output: [functionCall("summarise", { input: "long text" }, { callId: "call_s1" })] },
          { usage: usage(6, 2), output: [assistantMessage("Summary: short")] },
        ]),
        tools: [inner.asTool({ toolName: "summarise", toolDescription: "Summarise a text" })],
      });
      const caller = h.tracerProvider.getTracer("app");
      await caller.startActiveSpan("request", async (span) => {
        await new Runner({ workflowName: "editing" }).run(outer, "Summarise this");
        span.end();
      });
      expect(await checkedTrees()).toStrictEqual([
        {
          name: "request",
          kind: "INTERNAL",
          status: "UNSET",
          attributes: {},
          children: [
            workflow(
              [
                invokeAgent("Editor", { ...finished(["tool_call", "stop"], 11, 3), ...tools("summarise") }, [
                  chat(finished(["tool_call"], 5, 1)),
                  executeTool(
                    "Editor",
                    "summarise",
                    { "gen_ai.tool.call.id": "call_s1", "gen_ai.tool.description": "Summarise a text" },
                    [invokeAgent("Summariser", finished(["stop"], 3, 1), [chat(finished(["stop"], 3, 1))])],
                  ),
                  chat(finished(["stop"], 6, 2)),
                ]),
              ],
              "editing",
            ),
          ],
        },
      ]);
      const byName = (n: string) => h.spans().find((s) => s.name === n);
      const [request, wf, agent] = [byName("request"), byName("invoke_workflow editing"), byName("invoke_agent Editor")];
      expect(wf?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
      expect(agent?.parentSpanContext?.spanId).toBe(wf?.spanContext().spanId);
      expect(new Set([request, wf, agent].map((s) => s?.spanContext().traceId)).size).toBe(1);
    });

    it("without task and turn spans an agent used as a tool still makes the run a workflow", async () => {
      install();
      const inner = answer("Checker", "ok");
      const outer = new Agent({
        name: "Lead",
        model: new ScriptedModel([
          { usage: usage(2, 1), output: [functionCall("check", { input: "x" }, { callId: "call_c" })] },
          { usage: usage(3, 1), output: [assistantMessage("checked")] },
        ]),
        tools: [inner.asTool({ toolName: "check", toolDescription: "Check it" })],
      });
      const runner = new Runner({ tracing: { includeTaskAndTurnSpans: false } });
      expect((await runner.run(outer, "go")).finalOutput).toBe("checked");
      const names = h.spans().map((s) => s.name);
      expect(names.filter((n) => n.startsWith("invoke_"))).toEqual([
        "invoke_agent Checker",
        "invoke_agent Lead",
        "invoke_workflow Lead",
      ]);
      const [wf, lead] = ["invoke_workflow Lead", "invoke_agent Lead"].map((n) => h.spans().find((s) => s.name === n));
      expect(lead?.parentSpanContext?.spanId).toBe(wf?.spanContext().spanId);
      expect(wf?.parentSpanContext).toBeUndefined();
    });

    it("one run in a withTrace the app named is that app-defined workflow", async () => {
      install();
      await withTrace("nightly-report", async () => {
        await run(answer("Reporter", "report"), "go");
      });
      expect(await checkedTrees()).toStrictEqual([
        workflow([invokeAgent("Reporter", finished(["stop"], 3, 1), [chat(finished(["stop"], 3, 1))])], "nightly-report"),
      ]);
    });
  });
});
