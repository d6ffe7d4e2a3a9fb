import { CallbackManager } from "@langchain/core/callbacks/manager";
import { AIMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { fakeModel } from "@langchain/core/testing";
import { trace } from "@opentelemetry/api";
import { idleContract } from "@otel-agents/testing/contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LangChainInstrumentation, OpenTelemetryCallbackHandler } from "../src/index.js";
import { driver, firstTurn } from "./driver.js";
import { FW, h, n, tree } from "./helpers.js";

beforeEach(() => h.reset());
afterEach(() => trace.disable());

const chainOf = (model: ReturnType<typeof fakeModel>, before?: () => void) =>
  RunnableLambda.from(async (q: string) => {
    before?.();
    return (await model.invoke(q)).content;
  }).withConfig({ runName: "greet" });

describe("a handler with nothing to record", () => {
  it("tells LangChain to skip it while no SDK is registered: same result, no spans, no hook called", async () => {
    const handler = new OpenTelemetryCallbackHandler();
    expect([handler.ignoreLLM, handler.ignoreChain, handler.ignoreRetriever, handler.ignoreAgent]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const starts = vi.spyOn(handler, "handleChainStart");
    const modelStarts = vi.spyOn(handler, "handleChatModelStart");
    const model = fakeModel().respond(new AIMessage("hi"));
    expect(await chainOf(model).invoke("hello", { callbacks: [handler] })).toBe("hi");
    expect(starts).not.toHaveBeenCalled();
    expect(modelStarts).not.toHaveBeenCalled();
    expect(handler.openRuns).toBe(0);
    expect(h.spans()).toEqual([]);
  });

  it("starts recording the runs that start after an SDK is registered mid-run", async () => {
    const handler = new OpenTelemetryCallbackHandler();
    const model = fakeModel().respond(new AIMessage({ content: "hi", response_metadata: { finish_reason: "stop" } }));
    // The chain started unseen; the model call inside it starts after the provider is registered.
    const chain = chainOf(model, () => trace.setGlobalTracerProvider(h.tracerProvider));
    expect(await chain.invoke("hello", { callbacks: [handler] })).toBe("hi");
    expect(handler.ignoreChain).toBe(false);
    expect(handler.openRuns).toBe(0);
    expect(tree()).toEqual([
      n("chat", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "fakebuiltmodel",
        "gen_ai.response.finish_reasons": ["stop"],
        ...FW,
      }),
    ]);
  });

  it("keeps receiving the events of open runs after the SDK goes away, so the spans that started end", async () => {
    trace.setGlobalTracerProvider(h.tracerProvider);
    const handler = new OpenTelemetryCallbackHandler();
    const model = fakeModel().respond(new AIMessage({ content: "hi", response_metadata: { finish_reason: "stop" } }));
    const chain = chainOf(model, () => trace.disable());
    expect(await chain.invoke("hello", { callbacks: [handler] })).toBe("hi");
    expect(handler.openRuns).toBe(0);
    // Idle again once the last run ended.
    expect(handler.ignoreChain).toBe(true);
    // The model call started after the SDK went away: not recorded; the chain step that was open ended.
    expect(tree().map((t) => [t.name, t.status, t.children.length])).toEqual([["greet", "UNSET", 0]]);
  });
});

describe("the instrumentation with nothing to record", () => {
  it("adds no handler to LangChain's runs while no SDK is registered, and joins the runs that start after one is", async () => {
    const instrumentation = new LangChainInstrumentation();
    try {
      // No handler: LangChain builds no callback manager at all for a run without callbacks.
      expect(CallbackManager.configure()).toBeUndefined();
      const model = fakeModel()
        .respond(new AIMessage("unseen"))
        .respond(new AIMessage({ content: "hi", response_metadata: { finish_reason: "stop" } }));
      expect(await chainOf(model).invoke("hello")).toBe("unseen");
      expect(h.spans()).toEqual([]);

      trace.setGlobalTracerProvider(h.tracerProvider);
      expect(CallbackManager.configure()?.handlers.map((x) => x.name)).toEqual(["otel-agents"]);
      expect(await chainOf(model).invoke("hello")).toBe("hi");
      expect(tree()).toEqual([
        n("greet", "INTERNAL", { "otel_agents.step.type": "chain", ...FW }, [
          n("chat", "CLIENT", {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "fakebuiltmodel",
            "gen_ai.response.finish_reasons": ["stop"],
            ...FW,
          }),
        ]),
      ]);
    } finally {
      instrumentation.disable();
    }
  });
});

// The tool unregisters the provider: the second model call is not recorded.
idleContract(driver, { providerGone: [firstTurn(0)] });
