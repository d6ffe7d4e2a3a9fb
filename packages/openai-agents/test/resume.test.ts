import { Agent, Runner, RunState } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { beforeEach, describe, expect, it } from "vitest";
import { instrumentModel, type OpenTelemetryTracingProcessor } from "../src/index.js";
import { refund, usage } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";
import { chat, executeTool, finished, invokeAgent, tools, workflow } from "./trees.js";

beforeEach(() => h.reset());

// Human in the loop: a tool that needs approval (`refund`) pauses the run (its result lists the
// interruption, its RunState keeps the Agents trace); the app approves and runs the state again.

/** The model watched by `instrumentModel`, as a model named by string is: it says it asked for a tool. */
function supportAgent(): Agent {
  return new Agent({
    name: "Support",
    model: instrumentModel(
      new ScriptedModel([
        { usage: usage(10, 3), output: [functionCall("refund", { order: "A1" }, { callId: "call_r" })] },
        { usage: usage(20, 4), output: [assistantMessage("Refunded A1")] },
      ]),
    ),
    tools: [refund],
  });
}

/**
 * The paused run, then the resumed one: two traces (the resume runs in its caller's context), both
 * with the Runner's `groupId` as the conversation when it has one.
 */
const pausedAndResumed = (conversation: Record<string, string> = {}) => [
  invokeAgent("Support", { ...finished(["tool_call"], 10, 3), ...tools("refund"), ...conversation }, [
    chat({ ...finished(["tool_call"], 10, 3), ...conversation }),
  ]),
  invokeAgent("Support", { ...finished(["stop"], 20, 4), ...tools("refund"), ...conversation }, [
    // The call id and description from the runner: the model was given the tools in the paused run.
    executeTool("Support", "refund", {
      "gen_ai.tool.call.id": "call_r",
      "gen_ai.tool.description": "Refund an order",
      ...conversation,
    }),
    chat({ ...finished(["stop"], 20, 4), ...conversation }),
  ]),
];

const roots = (): ReadableSpan[] => h.spans().filter((s) => s.parentSpanContext === undefined);

/** Nothing of either run is kept once the resumed one ended (the bench reads the same fields). */
function drainedStore(processor: OpenTelemetryTracingProcessor): boolean {
  const store = (processor as unknown as { store: { empty: boolean } }).store;
  return processor.openRuns === 0 && store.empty;
}

describe("a run paused for a tool approval and resumed", () => {
  it("from its RunState in memory: the resumed run links to the paused one, and its trace ends with it", async () => {
    const processor = install();
    const agent = supportAgent();
    const runner = new Runner({ groupId: "conv-7" });
    const paused = await runner.run(agent, "Refund A1");
    expect(paused.interruptions.map((i) => i.name)).toEqual(["refund"]);
    for (const interruption of paused.interruptions) paused.state.approve(interruption);
    // The SDK runs this in the paused run's (ended) Agents trace, without starting it again.
    const resumed = await runner.run(agent, paused.state);
    expect(resumed.finalOutput).toBe("Refunded A1");

    expect(await checkedTrees()).toStrictEqual(pausedAndResumed({ "gen_ai.conversation.id": "conv-7" }));
    const [first, second] = roots();
    expect(first?.links).toEqual([]);
    expect(second?.links.map((l) => l.context)).toEqual([first?.spanContext()]);
    expect(second?.spanContext().traceId).not.toBe(first?.spanContext().traceId);
    expect(drainedStore(processor)).toBe(true);
  });

  it("from a RunState saved as a string: the same, the trace started again", async () => {
    const processor = install();
    const agent = supportAgent();
    const runner = new Runner();
    const paused = await runner.run(agent, "Refund A1");
    const state = await RunState.fromString(agent, paused.state.toString());
    for (const interruption of state.getInterruptions()) state.approve(interruption);
    const resumed = await runner.run(agent, state);
    expect(resumed.finalOutput).toBe("Refunded A1");

    expect(await checkedTrees()).toStrictEqual(pausedAndResumed());
    const [first, second] = roots();
    expect(second?.links.map((l) => l.context.spanId)).toEqual([first?.spanContext().spanId]);
    expect(drainedStore(processor)).toBe(true);
  });

  it("with useAgentsTraceId: both runs in the one trace the Agents SDK shows", async () => {
    install({ useAgentsTraceId: true });
    const agent = supportAgent();
    const runner = new Runner();
    const paused = await runner.run(agent, "Refund A1");
    for (const interruption of paused.interruptions) paused.state.approve(interruption);
    await runner.run(agent, paused.state);

    expect(await checkedTrees()).toStrictEqual(pausedAndResumed());
    const agentSpans = h.spans().filter((s) => s.name === "invoke_agent Support");
    expect(new Set(agentSpans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(agentSpans[0]?.spanContext().traceId).toBe(paused.state._trace?.traceId.slice("trace_".length));
    expect(agentSpans[1]?.links.map((l) => l.context.spanId)).toEqual([agentSpans[0]?.spanContext().spanId]);
  });

  it("in a workflow (a hand-off before the approval): the resumed run links to the paused workflow", async () => {
    install();
    const specialist = supportAgent();
    const triage = new Agent({
      name: "Triage",
      model: new ScriptedModel([{ usage: usage(5, 1), output: [functionCall("transfer_to_Support", {}, { callId: "h1" })] }]),
      handoffs: [specialist],
    });
    const runner = new Runner({ workflowName: "refunds" });
    const paused = await runner.run(triage, "Refund A1");
    for (const interruption of paused.interruptions) paused.state.approve(interruption);
    const resumed = await runner.run(triage, paused.state);
    expect(resumed.finalOutput).toBe("Refunded A1");

    const trees = await checkedTrees();
    expect(trees.map((t) => [t.name, t.children.map((c) => c.name)])).toEqual([
      ["invoke_workflow refunds", ["invoke_agent Triage", "invoke_agent Support"]],
      ["invoke_agent Support", ["execute_tool refund", "chat"]],
    ]);
    const [pausedWorkflow, resumedAgent] = roots();
    expect(pausedWorkflow?.name).toBe("invoke_workflow refunds");
    expect(resumedAgent?.links.map((l) => l.context.spanId)).toEqual([pausedWorkflow?.spanContext().spanId]);
    expect(trees[0]).toStrictEqual(workflow(trees[0]?.children ?? [], "refunds", trees[0]?.attributes));
  });
});
