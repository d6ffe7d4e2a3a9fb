import { assertConformance } from "@otel-agents/testing/conformance";
import { abortContract } from "@otel-agents/testing/contract";
import { streamText } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { driver, firstTurn, h } from "./driver.js";
import { textStream } from "./fixtures.js";
import { tree } from "./helpers.js";

// Runs abandoned mid-way. The aborted stream with an AbortSignal is in stream-text.test.ts.

const integration = () => driver.create();

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

abortContract(driver, {
  // The model call and the tool finished before the abort; the run fails with it.
  expected: [{ ...firstTurn(0), status: "ERROR", attributes: { ...firstTurn(0).attributes, "error.type": "AbortError" } }],
});

describe("aborted calls", () => {
  it("streamText whose consumer cancels the stream: the AI SDK reports no end, so endOpenCalls() ends the call as orphaned", async () => {
    const t = integration();
    const result = streamText({
      model: new MockLanguageModelV4({
        modelId: "gpt-4o",
        doStream: async () => textStream(["one ", "two ", "three ", "four"], "resp_c"),
      }),
      prompt: "Count",
      telemetry: { functionId: "cancelled", integrations: [t] },
    });
    const reader = result.textStream.getReader();
    expect((await reader.read()).value).toBe("one ");
    // What a response helper does when the client disconnects.
    await reader.cancel(new Error("Client disconnected."));
    // ai 7 sends no onAbort, onEnd or onError after a consumer cancel (only the model call's end):
    // the call stays open until the app ends it, as it would at shutdown.
    await expect.poll(() => h.spans().length).toBe(1);
    expect(t.openCalls).toBe(1);
    expect(t.endOpenCalls()).toBe(1);
    expect(t.openCalls).toBe(0);
    const [root] = tree(h.spans());
    expect(root).toMatchObject({
      name: "invoke_agent cancelled",
      status: "ERROR",
      attributes: { "error.type": "otel_agents.orphaned" },
      children: [{ name: "chat gpt-4o", status: "UNSET" }],
    });
    assertConformance(h.spans());
  });
});
