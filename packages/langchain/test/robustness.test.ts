import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { OpenTelemetryCallbackHandler } from "../src/index.js";
import { h, makeHandler, tree } from "./helpers.js";

beforeEach(() => h.reset());

describe("robustness", () => {
  it("never throws on malformed or out-of-order events", () => {
    const handler = makeHandler({ captureContent: true }) as unknown as Record<string, (...args: unknown[]) => unknown>;
    const junk = [undefined, null, 42, "x", {}, [], { generations: "no" }, { id: 5 }];
    const hooks = Object.getOwnPropertyNames(OpenTelemetryCallbackHandler.prototype).filter((k) => k.startsWith("handle"));
    expect(hooks.length).toBeGreaterThanOrEqual(14);
    for (const hook of hooks) {
      for (const value of junk) {
        expect(() =>
          handler[hook]?.(value, value, "019a0000-0000-7000-8000-000000000001", value, value, value, value, value, value),
        ).not.toThrow();
      }
    }
    // Ends of runs never started, and a second end of the same run, are ignored.
    expect(() => handler.handleLLMEnd?.({ generations: [[{ text: "x" }]] }, "unknown")).not.toThrow();
    (handler as unknown as OpenTelemetryCallbackHandler).endOpenRuns();
    tree();
  });

  it("keeps no state once a run has ended", async () => {
    const handler = makeHandler();
    const agent = createAgent({ model: fakeModel().respond(new AIMessage("hi")), tools: [], name: "a" });
    await agent.invoke({ messages: [{ role: "user", content: "hello" }] }, { callbacks: [handler] });
    expect(handler.endOpenRuns()).toBe(0);
  });

  it("shares its state with the copies LangChain makes", () => {
    const handler = makeHandler();
    const copy = handler.copy() as OpenTelemetryCallbackHandler;
    expect(copy).toBeInstanceOf(OpenTelemetryCallbackHandler);
    copy.handleChatModelStart(
      { lc: 1, type: "not_implemented", id: ["x", "Fake"] },
      [[]],
      "019a0000-0000-7000-8000-00000000000c",
    );
    expect(handler.endOpenRuns()).toBe(1);
    const [span] = tree();
    expect(span?.attributes["error.type"]).toBe("otel_agents.orphaned");
  });
});
