import { AIMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { fakeModel } from "@langchain/core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { OpenTelemetryCallbackHandler, registerGlobalHandler } from "../src/index.js";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

// In an app, registerGlobalHandler() belongs at module top level. LangChain keeps the hook in its
// AsyncLocalStorage via `enterWith`, which reaches the rest of the current async scope: on Node 24
// each vitest test body is its own scope, on Node 22 it is not (the registration would leak into
// later tests). So each test registers inside a scope of its own.
const inOwnScope = <T>(fn: () => Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    setImmediate(() => fn().then(resolve, reject));
  });

describe("registerGlobalHandler", () => {
  it("adds the handler to runs that pass no callbacks, nested runs included", () =>
    inOwnScope(async () => {
      const handler = registerGlobalHandler({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });
      expect(handler).toBeInstanceOf(OpenTelemetryCallbackHandler);
      const model = fakeModel().respond(new AIMessage({ content: "hi", response_metadata: { finish_reason: "stop" } }));
      const chain = RunnableLambda.from(async (q: string) => (await model.invoke(q)).content).withConfig({ runName: "greet" });
      expect(await chain.invoke("hello")).toBe("hi");
      expect(tree()).toEqual([
        // An LCEL chain is a step, not a workflow (README "Mapping").
        n("greet", "INTERNAL", { "otel_agents.step.type": "chain", ...FW }, [
          n("chat", "CLIENT", {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "fakebuiltmodel",
            "gen_ai.response.finish_reasons": ["stop"],
            ...FW,
          }),
        ]),
      ]);
    }));

  it("is scoped to the async context it was called in: another test's runs do not see it", async () => {
    await fakeModel().respond(new AIMessage("hi")).invoke("hello");
    expect(h.spans()).toEqual([]);
  });

  it("does not add a second copy when an otel-agents handler is also passed explicitly", () =>
    inOwnScope(async () => {
      registerGlobalHandler({ tracerProvider: h.tracerProvider });
      await fakeModel()
        .respond(new AIMessage("hi"))
        .invoke("hello", { callbacks: [makeHandler()] });
      expect(tree().map((t) => t.name)).toEqual(["chat"]);
    }));
});
