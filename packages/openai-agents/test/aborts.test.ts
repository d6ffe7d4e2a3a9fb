import { Agent, run, tool } from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { shape } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { usage } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";

beforeEach(() => h.reset());

function slowAgent(onEnter: () => void) {
  const slow = tool({
    name: "slow",
    description: "Waits",
    parameters: z.object({}),
    execute: async () => {
      onEnter();
      await new Promise((resolve) => setImmediate(resolve));
      return "late";
    },
  });
  return new Agent({
    name: "Slow",
    model: new ScriptedModel([
      { usage: usage(10, 1), output: [functionCall("slow", {}, { callId: "call_slow" })] },
      { usage: usage(20, 2), output: [assistantMessage("never")] },
    ]),
    tools: [slow],
  });
}

// The Agents SDK stops a cancelled run gracefully: it ends every span itself, without an error,
// and the caller gets no error either. The processor has nothing that says "cancelled" (the
// signal never reaches it), so these spans end UNSET; what is proven here is that none stays open.
describe("abandoned runs", () => {
  it("a streamed run aborted with an AbortSignal while its tool runs: every span ends, nothing stays open", async () => {
    const processor = install();
    const controller = new AbortController();
    const result = await run(
      slowAgent(() => controller.abort()),
      "go",
      { stream: true, signal: controller.signal },
    );
    for await (const _ of result) {
      // drain
    }
    await result.completed;
    expect(result.cancelled).toBe(true);
    // The SDK ends the trace after `completed` settles.
    await expect.poll(() => processor.openRuns).toBe(0);
    expect(shape(await checkedTrees())).toEqual([
      {
        "invoke_workflow Agent workflow [INTERNAL]": [
          { "invoke_agent Slow [INTERNAL]": ["chat [CLIENT]", "execute_tool slow [INTERNAL]"] },
        ],
      },
    ]);
  });

  it("a streamed run whose consumer cancels the stream before its tool runs: every span ends, nothing stays open", async () => {
    const processor = install();
    let entered = false;
    const result = await run(
      slowAgent(() => {
        entered = true;
      }),
      "go",
      { stream: true },
    );
    // What a response helper does when the client disconnects.
    // The SDK types its web stream with its own shim; at runtime it is the platform's ReadableStream.
    const stream = result.toTextStream() as unknown as globalThis.ReadableStream<string>;
    await stream.getReader().cancel(new Error("Client disconnected."));
    await result.completed;
    expect(entered).toBe(false);
    // The SDK ends the trace after `completed` settles.
    await expect.poll(() => processor.openRuns).toBe(0);
    // The turn was cut off before the custom model's call was known: no chat span.
    expect(shape(await checkedTrees())).toEqual([
      { "invoke_workflow Agent workflow [INTERNAL]": ["invoke_agent Slow [INTERNAL]"] },
    ]);
  });
});
