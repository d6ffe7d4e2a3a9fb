import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { shape } from "@otel-agents/testing/span-tree";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { trackedRunCount } from "../src/step-context.js";
import { h, makeHandler, tree } from "./helpers.js";

beforeEach(() => h.reset());

describe("aborted runs", () => {
  it("an agent run aborted with an AbortSignal while its tool runs: every span ends as ERROR with error.type, nothing stays open", async () => {
    const handler = makeHandler();
    const controller = new AbortController();
    let release: () => void = () => {};
    const slow = tool(
      async () => {
        controller.abort();
        // The tool outlives the abort; its late result must not reopen anything.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return "late";
      },
      { name: "slow", description: "Waits", schema: z.object({}) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "slow", args: {}, id: "call_slow" }])
      .respond(new AIMessage("never"));
    const agent = createAgent({ model, tools: [slow], name: "aborted_agent" });
    const error = await agent
      .invoke({ messages: [{ role: "user", content: "go" }] }, { callbacks: [handler], signal: controller.signal })
      .catch((err: unknown) => err);
    expect((error as Error).name).toBe("AbortError");
    release();
    await new Promise((resolve) => setImmediate(resolve));

    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);
    const roots = tree();
    expect(shape(roots)).toEqual([
      {
        "invoke_agent aborted_agent [INTERNAL]": [
          { "model_request [INTERNAL]": ["chat [CLIENT]"] },
          { "tools [INTERNAL]": ["execute_tool slow [INTERNAL]"] },
        ],
      },
    ]);
    const root = roots[0];
    const tools = root?.children[1];
    const toolSpan = tools?.children[0];
    for (const span of [root, tools, toolSpan]) {
      expect(span?.status).toBe("ERROR");
      expect(span?.attributes["error.type"]).toBe("AbortError");
    }
  });
});
