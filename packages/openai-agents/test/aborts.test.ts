import { Agent, Runner, run, tool, withTrace } from "@openai/agents";
import type { StreamEvent } from "@openai/agents-core";
import { assistantMessage, functionCall, modelStream, ScriptedModel } from "@openai/agents-core/testing";
import { abortContract } from "@otel-agents/testing/contract";
import type { TreeNode } from "@otel-agents/testing/span-tree";
import { shape } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { instrumentModel } from "../src/index.js";
import { driver, firstTurn } from "./driver.js";
import { drained, usage } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";
import { chat, executeTool, failed, failedRun, finished, lostAnswer, tools } from "./trees.js";

beforeEach(() => h.reset());

function slowTool(onEnter: () => void) {
  return tool({
    name: "slow",
    description: "Waits",
    parameters: z.object({}),
    execute: async () => {
      onEnter();
      await new Promise((resolve) => setImmediate(resolve));
      return "late";
    },
  });
}

const slowScript = () =>
  new ScriptedModel([
    { usage: usage(10, 1), output: [functionCall("slow", {}, { callId: "call_slow" })] },
    { usage: usage(20, 2), output: [assistantMessage("never")] },
  ]);

function slowAgent(onEnter: () => void, wrap: (m: ScriptedModel) => ScriptedModel = (m) => m) {
  return new Agent({ name: "Slow", model: wrap(slowScript()), tools: [slowTool(onEnter)] });
}

/**
 * A streamed run of the slow agent whose model is watched: wrapped with instrumentModel, or named by
 * string and handed out by the runner's own provider (which the processor watches by itself).
 */
function runSlowWatched(watched: string, onEnter: () => void, options: { stream: true; signal?: AbortSignal }) {
  if (watched === "instrumentModel") return run(slowAgent(onEnter, instrumentModel), "go", options);
  const runner = new Runner({ modelProvider: { getModel: () => slowScript() } });
  return runner.run(new Agent({ name: "Slow", model: "scripted", tools: [slowTool(onEnter)] }), "go", options);
}

/** Name, status and error.type of every span, nested: what a cancellation changes. */
function outcome(nodes: TreeNode[]): unknown[] {
  return nodes.map((n) => {
    const own = `${n.name} ${n.status}${n.attributes["error.type"] ? ` ${String(n.attributes["error.type"])}` : ""}`;
    return n.children.length > 0 ? { [own]: outcome(n.children) } : own;
  });
}

/** The trees with the time to first chunk (checked to be a duration) as "<ttfc>", for whole-tree snapshots. */
function stable(nodes: TreeNode[]): TreeNode[] {
  return nodes.map((n) => {
    const attributes = { ...n.attributes };
    const ttfc = attributes["gen_ai.response.time_to_first_chunk"];
    if (ttfc !== undefined) {
      expect(typeof ttfc === "number" && ttfc >= 0).toBe(true);
      attributes["gen_ai.response.time_to_first_chunk"] = "<ttfc>";
    }
    return { ...n, attributes, children: stable(n.children) };
  });
}

/** What an instrumented model's chat span in a streamed run carries (its time to first chunk as `stable` leaves it). */
const streamed = { "gen_ai.request.stream": true, "gen_ai.response.time_to_first_chunk": "<ttfc>" };

/**
 * A streamed run of the slow agent whose consumer cancels the stream before the model answers, as
 * a response helper does when the client disconnects: the tool never runs, and once `completed`
 * settles (the SDK ends the trace after it) nothing stays open.
 */
async function cancelBeforeModel(wrap?: (m: ScriptedModel) => ScriptedModel): Promise<void> {
  const processor = install();
  let entered = false;
  const result = await run(
    slowAgent(() => {
      entered = true;
    }, wrap),
    "go",
    { stream: true },
  );
  // The SDK types its web stream with its own shim; at runtime it is the platform's ReadableStream.
  const stream = result.toTextStream() as unknown as globalThis.ReadableStream<string>;
  await stream.getReader().cancel(new Error("Client disconnected."));
  await result.completed;
  expect(entered).toBe(false);
  await expect.poll(() => processor.openRuns).toBe(0);
}

/**
 * A streamed run of a model that sends the start of its answer, then waits (a slow model), whose
 * consumer reads the first words and cancels, as a response helper does when the client
 * disconnects. Returns the trees once every span ended.
 */
async function cancelMidAnswer(wrap: (m: ScriptedModel) => ScriptedModel = (m) => m): Promise<TreeNode[]> {
  const processor = install();
  let release: () => void = () => {};
  const stalled = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* answer(): AsyncIterable<StreamEvent> {
    yield { type: "response_started" } as StreamEvent;
    yield { type: "output_text_delta", delta: "Once upon" } as StreamEvent;
    await stalled;
  }
  const agent = new Agent({ name: "Teller", model: wrap(new ScriptedModel([modelStream(answer())])) });
  const result = await run(agent, "Tell me a story", { stream: true });
  const reader = (result.toTextStream() as unknown as globalThis.ReadableStream<string>).getReader();
  expect((await reader.read()).value).toBe("Once upon");
  await reader.cancel(new Error("Client disconnected."));
  release();
  await result.completed;
  expect(result.cancelled).toBe(true);
  await expect.poll(() => processor.openRuns).toBe(0);
  return checkedTrees();
}

// The SDK fails the run with AbortError; the finished model call stays UNSET. The tool ends after
// the run's signal fired (its late result is discarded): ERROR AbortError, as in a streamed run.
const cutOff = firstTurn(0);
abortContract(driver, {
  expected: [
    failed("AbortError", { ...cutOff, children: cutOff.children.map((c, i) => (i === 1 ? failed("AbortError", c) : c)) }),
  ],
});

describe("runs cancelled with an AbortSignal", () => {
  it.each(["instrumentModel", "the runner's provider"])(
    "a streamed run aborted while its tool runs (model watched through %s): what ends after the abort ends as ERROR AbortError",
    async (watched) => {
      const processor = install();
      const controller = new AbortController();
      const result = await runSlowWatched(watched, () => controller.abort(), { stream: true, signal: controller.signal });
      await drained(result);
      // The SDK stops the run gracefully: no error for the caller, every span ended without one.
      expect(result.cancelled).toBe(true);
      await expect.poll(() => processor.openRuns).toBe(0);
      const trees = await checkedTrees();
      expect(outcome(trees)).toEqual([
        { "invoke_agent Slow ERROR AbortError": ["chat UNSET", "execute_tool slow ERROR AbortError"] },
      ]);
      expect(stable(trees)).toStrictEqual([
        failedRun("AbortError", "Slow", { ...finished(["tool_call"], 10, 1), ...tools("slow") }, [
          // The watched model saw the response id, the call id and the tool's description.
          chat({ ...streamed, ...finished(["tool_call"], 10, 1), "gen_ai.response.id": "scripted-response-1" }),
          failed(
            "AbortError",
            executeTool("Slow", "slow", { "gen_ai.tool.call.id": "call_slow", "gen_ai.tool.description": "Waits" }),
          ),
        ]),
      ]);
    },
  );

  it("the abort reason's own kind is the error.type (AbortSignal.timeout() gives TimeoutError)", async () => {
    const processor = install();
    const controller = new AbortController();
    const result = await run(
      slowAgent(() => controller.abort(new DOMException("The operation timed out.", "TimeoutError")), instrumentModel),
      "go",
      { stream: true, signal: controller.signal },
    );
    await drained(result);
    await expect.poll(() => processor.openRuns).toBe(0);
    expect(outcome(await checkedTrees())).toEqual([
      { "invoke_agent Slow ERROR TimeoutError": ["chat UNSET", "execute_tool slow ERROR TimeoutError"] },
    ]);
  });

  it("a streamed run whose consumer cancels mid-answer (instrumented model): the cut-off model call and the run end as ERROR AbortError", async () => {
    const trees = await cancelMidAnswer(instrumentModel);
    expect(outcome(trees)).toEqual([{ "invoke_agent Teller ERROR AbortError": ["chat ERROR AbortError"] }]);
    expect(stable(trees)).toStrictEqual([failedRun("AbortError", "Teller", lostAnswer, [failed("AbortError", chat(streamed))])]);
  });

  it("a streamed run whose consumer cancels before the model answers (instrumented model): the model call it cut off and the run end as ERROR AbortError", async () => {
    await cancelBeforeModel(instrumentModel);
    // The SDK still asks the model, with the run's signal already aborted (the model gives up).
    expect(outcome(await checkedTrees())).toEqual([{ "invoke_agent Slow ERROR AbortError": ["chat ERROR AbortError"] }]);
  });
  it("only the cancelled run is marked: a later run in the same withTrace workflow ends UNSET", async () => {
    const processor = install();
    const controller = new AbortController();
    await withTrace("Two runs", async () => {
      await drained(
        await run(
          slowAgent(() => controller.abort(), instrumentModel),
          "go",
          { stream: true, signal: controller.signal },
        ),
      );
      const agent = new Agent({
        name: "Next",
        model: instrumentModel(new ScriptedModel([{ usage: usage(5, 1), output: [assistantMessage("done")] }])),
      });
      await drained(await run(agent, "again", { stream: true }));
    });
    await expect.poll(() => processor.openRuns).toBe(0);
    // As with a failed run, the workflow ends with the cancelled run (README "Traps"); the next run nests under it.
    expect(outcome(await checkedTrees())).toEqual([
      {
        "invoke_workflow Two runs ERROR AbortError": [
          { "invoke_agent Slow ERROR AbortError": ["chat UNSET", "execute_tool slow ERROR AbortError"] },
          { "invoke_agent Next UNSET": ["chat UNSET"] },
        ],
      },
    ]);
  });
});

// Without `instrumentModel` the SDK ends every span of a cancelled streamed run itself, without an
// error, and the caller gets none either. The run's signal still reaches the processor (the app's,
// through the runner's options, and the streamed result's own, which the SDK aborts when the
// consumer cancels the stream): what ends after it fired ends as ERROR AbortError.
describe("cancelled streamed runs, model not instrumented", () => {
  it("a streamed run aborted with an AbortSignal while its tool runs: what ends after the abort ends as ERROR AbortError, nothing stays open", async () => {
    const processor = install();
    const controller = new AbortController();
    const result = await run(
      slowAgent(() => controller.abort()),
      "go",
      { stream: true, signal: controller.signal },
    );
    await drained(result);
    expect(result.cancelled).toBe(true);
    // The SDK ends the trace after `completed` settles.
    await expect.poll(() => processor.openRuns).toBe(0);
    expect(shape(await checkedTrees())).toEqual([
      { "invoke_agent Slow [INTERNAL]": ["chat [CLIENT]", "execute_tool slow [INTERNAL]"] },
    ]);
    expect(outcome(await checkedTrees())).toEqual([
      { "invoke_agent Slow ERROR AbortError": ["chat UNSET", "execute_tool slow ERROR AbortError"] },
    ]);
  });

  it("a streamed run whose consumer cancels the stream before its model call: the model call and the run end as ERROR AbortError, nothing stays open", async () => {
    await cancelBeforeModel();
    // As with an instrumented model: the SDK still asks the model, with the run's signal aborted.
    expect(outcome(await checkedTrees())).toEqual([{ "invoke_agent Slow ERROR AbortError": ["chat ERROR AbortError"] }]);
  });

  it("a streamed run whose consumer cancels mid-answer: the cut-off model call and the run end as ERROR AbortError", async () => {
    const trees = await cancelMidAnswer();
    expect(outcome(trees)).toEqual([{ "invoke_agent Teller ERROR AbortError": ["chat ERROR AbortError"] }]);
    // As with an instrumented model, except for the time to first chunk, which only a wrapper sees.
    expect(stable(trees)).toStrictEqual([
      failedRun("AbortError", "Teller", lostAnswer, [failed("AbortError", chat({ "gen_ai.request.stream": true }))]),
    ]);
  });
});
