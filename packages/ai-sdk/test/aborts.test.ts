import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { otelAgentsTelemetry } from "../src/index.js";
import { textResult, textStream, toolCallResult } from "./fixtures.js";
import { tree } from "./helpers.js";

// Runs abandoned mid-way. The aborted stream with an AbortSignal is in stream-text.test.ts.

const h = createHarness();
const integration = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

describe("aborted calls", () => {
  it("generateText aborted with an AbortSignal while its tool runs: every span ends as ERROR with error.type, no call stays open", async () => {
    const t = integration();
    const controller = new AbortController();
    const result = generateText({
      model: new MockLanguageModelV4({
        modelId: "gpt-4o",
        doGenerate: [toolCallResult([{ id: "call_slow", name: "slow", input: {} }], "resp_1"), textResult("never", "resp_2")],
      }),
      prompt: "go",
      stopWhen: stepCountIs(3),
      abortSignal: controller.signal,
      tools: {
        slow: tool({
          inputSchema: z.object({}),
          execute: async () => {
            controller.abort();
            return "late";
          },
        }),
      },
      telemetry: { functionId: "aborted", integrations: [t] },
    });
    const error = await result.catch((err: unknown) => err);
    expect((error as Error).name).toBe("AbortError");
    expect(t.openCalls).toBe(0);
    const [root] = tree(h.spans());
    expect(root).toMatchObject({ name: "invoke_agent aborted", status: "ERROR", attributes: { "error.type": "AbortError" } });
    expect(root?.children.map((c) => [c.name, c.status, c.attributes["error.type"]])).toEqual([
      ["chat gpt-4o", "UNSET", undefined],
      ["execute_tool slow", "UNSET", undefined],
    ]);
    assertConformance(h.spans());
  });

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
