import { createRequire } from "node:module";
import { context, trace } from "@opentelemetry/api";
import { createHarness } from "@otel-agents/testing/harness";
import { n, spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GenAITelemetry } from "../src/telemetry.js";

// How an operation finds the operation it runs in: through its parent context, whichever copy of
// the core started either one, and after the parent ended.
const h = createHarness();
const scope = { name: "@otel-agents/core-test", version: "0.0.0" };
const options = () => ({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

beforeEach(() => h.reset());
afterEach(() => h.reset());

describe("parent operation lookup", () => {
  it("finds a parent started by the CommonJS build of the core (agent name inherited, usage rolled up)", () => {
    const cjs = createRequire(import.meta.url)("../dist/adapter.cjs") as { GenAITelemetry: typeof GenAITelemetry };
    const esm = new GenAITelemetry(scope, options());
    const other = new cjs.GenAITelemetry(scope, options());
    const agent = esm.start({ operation: "invoke_agent", agent: { name: "Triage" }, conversationId: "conv-1" }, null);
    const chat = other.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o" }, agent);
    chat.end({ usage: { inputTokens: 10, outputTokens: 2 }, finishReasons: ["stop"] });
    other.start({ operation: "execute_tool", tool: { name: "lookup" } }, agent).end();
    agent.end();
    expect(spanTree(h.spans())).toEqual([
      n(
        "invoke_agent Triage",
        "INTERNAL",
        {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "Triage",
          "gen_ai.conversation.id": "conv-1",
          "gen_ai.usage.input_tokens": 10,
          "gen_ai.usage.output_tokens": 2,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        [
          n("chat gpt-4o", "CLIENT", {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.conversation.id": "conv-1",
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 2,
            "gen_ai.response.finish_reasons": ["stop"],
          }),
          n("execute_tool lookup", "INTERNAL", {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "lookup",
            "gen_ai.agent.name": "Triage",
            "gen_ai.conversation.id": "conv-1",
          }),
        ],
      ),
    ]);
  });

  it("finds a parent whose context is first read after it ended (a late tool keeps the agent's name)", () => {
    const t = new GenAITelemetry(scope, options());
    const agent = t.start({ operation: "invoke_agent", agent: { name: "Late" }, conversationId: "conv-2" }, null);
    agent.end();
    t.start({ operation: "execute_tool", tool: { name: "cleanup" } }, agent.context).end();
    expect(spanTree(h.spans())).toEqual([
      n("invoke_agent Late", "INTERNAL", expect.objectContaining({ "gen_ai.agent.name": "Late" }), [
        n("execute_tool cleanup", "INTERNAL", {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": "cleanup",
          "gen_ai.agent.name": "Late",
          "gen_ai.conversation.id": "conv-2",
        }),
      ]),
    ]);
  });

  it("reports an operation as active only while its own span is the active one", () => {
    const t = new GenAITelemetry(scope, options());
    const agent = t.start({ operation: "invoke_agent", agent: { name: "A" } }, null);
    expect(t.activeOperation(agent.context)).toBe(agent);
    const http = h.tracerProvider.getTracer("http").startSpan("GET", {}, agent.context);
    const below = trace.setSpan(agent.context, http);
    expect(t.activeOperation(below)).toBeUndefined();
    expect(context.with(agent.context, () => t.activeOperation())).toBe(agent);
    http.end();
    agent.end();
  });
});
