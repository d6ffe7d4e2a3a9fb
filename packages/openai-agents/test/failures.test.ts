import { Agent, run, tool } from "@openai/agents";
import { assistantMessage, functionCall, modelError, ScriptedModel } from "@openai/agents-core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { usage } from "./fixtures.js";
import { checkedTrees, h, install, onAgents017 } from "./setup.js";
import { chat, executeTool, failed, failedRun, finished, invokeAgent, lostAnswer, tools } from "./trees.js";

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
    expect(await checkedTrees()).toStrictEqual([failedRun("BoomError", "Fragile", lostAnswer, [failed("BoomError", chat({}))])]);
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
    expect(await checkedTrees()).toStrictEqual([
      failedRun("ToolCallError", "Caller", { ...finished(["tool_call"], 9, 2), ...tools("broken") }, [
        chat(finished(["tool_call"], 9, 2)),
        failed(
          "TypeError",
          executeTool("Caller", "broken", { "gen_ai.tool.call.id": "call_b", "gen_ai.tool.description": "Always fails" }),
        ),
      ]),
    ]);
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
    const toolSpan = trees[0]?.children[1];
    expect(toolSpan?.attributes["error.type"]).toBe(onAgents017 ? "TypeError" : "_OTHER");
    if (toolSpan) toolSpan.attributes["error.type"] = "<by SDK version>";
    expect(trees).toStrictEqual([
      invokeAgent("Caller", { ...finished(["tool_call", "stop"], 21, 5), ...tools("flaky") }, [
        chat(finished(["tool_call"], 9, 2)),
        failed(
          "<by SDK version>",
          executeTool("Caller", "flaky", {
            "gen_ai.tool.call.id": "call_f",
            "gen_ai.tool.description": "Fails, the model recovers",
          }),
        ),
        chat(finished(["stop"], 12, 3)),
      ]),
    ]);
  });
});
