import { context, propagation, trace } from "@opentelemetry/api";
import { assertConformance, missingExpected, spanViolations } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { n, shape, spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setConversationId } from "../src/propagation/conversation.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
const scope = { name: "@otel-agents/core-test", version: "0.0.0" };
const telemetry = () => new GenAITelemetry(scope, { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

beforeEach(() => h.reset());
afterEach(() => h.reset());

/** A scripted two-step agent: plan with the model, call a tool, answer. */
async function scriptedAgent(t: GenAITelemetry) {
  return t.run({ operation: "invoke_workflow", workflowName: "support" }, () =>
    t.run({ operation: "invoke_agent", agent: { name: "Triage", description: "Routes requests" } }, async () => {
      const first = t.start({
        operation: "chat",
        provider: "openai.chat",
        requestModel: "gpt-4o",
        request: { temperature: 0.2, maxTokens: 256 },
        server: { address: "api.openai.com", port: 443 },
      });
      first.end({
        responseModel: "gpt-4o-2024-08-06",
        responseId: "chatcmpl-1",
        finishReasons: ["tool_calls"],
        usage: { inputTokens: 100, outputTokens: 20, cacheReadInputTokens: 40, reasoningOutputTokens: 5 },
      });
      await t.run(
        { operation: "execute_tool", tool: { name: "get_weather", callId: "call_1", type: "function" } },
        async () => "sunny",
      );
      const second = t.start({
        operation: "chat",
        provider: "openai",
        requestModel: "gpt-4o",
        server: { address: "api.openai.com", port: 443 },
      });
      second.end({
        responseModel: "gpt-4o-2024-08-06",
        responseId: "chatcmpl-2",
        finishReasons: ["stop"],
        usage: { inputTokens: 150, outputTokens: 30 },
      });
      return "It is sunny.";
    }),
  );
}

describe("operations", () => {
  it("produces the whole tree of a scripted agent with the registry's names, kinds and attributes", async () => {
    const result = await scriptedAgent(telemetry());
    expect(result).toBe("It is sunny.");
    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_workflow support [INTERNAL]": [
          {
            "invoke_agent Triage [INTERNAL]": [
              "chat gpt-4o [CLIENT]",
              "execute_tool get_weather [INTERNAL]",
              "chat gpt-4o [CLIENT]",
            ],
          },
        ],
      },
    ]);
    const [workflow] = spanTree(spans);
    const agent = workflow?.children[0];
    expect(workflow?.attributes).toEqual({ "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "support" });
    expect(agent?.attributes).toEqual({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "Triage",
      "gen_ai.agent.description": "Routes requests",
      // The agent's own model calls, summed; no cache usage on the internal agent span (#469).
      "gen_ai.usage.input_tokens": 250,
      "gen_ai.usage.output_tokens": 50,
      "gen_ai.response.finish_reasons": ["tool_call", "stop"],
    });
    expect(agent?.children[0]?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 256,
      "server.address": "api.openai.com",
      "server.port": 443,
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["tool_call"],
      "gen_ai.usage.input_tokens": 100,
      "gen_ai.usage.output_tokens": 20,
      "gen_ai.usage.cache_read.input_tokens": 40,
      "gen_ai.usage.reasoning.output_tokens": 5,
    });
    expect(agent?.children[1]?.attributes).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.call.id": "call_1",
      "gen_ai.tool.type": "function",
      "gen_ai.agent.name": "Triage",
    });
    for (const node of [workflow, agent, ...(agent?.children ?? [])]) expect(node?.status).toBe("UNSET");
    assertConformance(spans);
    for (const span of spans) expect(missingExpected(span), span.name).toEqual([]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(spans[0]?.instrumentationScope).toMatchObject({
      ...scope,
      schemaUrl: "https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev",
    });
  });

  it("records a failure as ERROR with error.type, rethrows the same error, and ends every span", async () => {
    const t = telemetry();
    class RateLimitError extends Error {}
    const boom = new RateLimitError("429 too many requests: secret prompt");
    await expect(
      t.run({ operation: "invoke_agent", agent: { name: "A" } }, async () => {
        const chat = t.start({ operation: "chat", provider: "anthropic", requestModel: "claude" });
        chat.fail(boom);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const tree = spanTree(h.spans());
    expect(tree).toMatchObject([
      {
        name: "invoke_agent A",
        status: "ERROR",
        attributes: { "error.type": "RateLimitError" },
        children: [{ name: "chat claude", status: "ERROR", attributes: { "error.type": "RateLimitError" } }],
      },
    ]);
    // Without content capture the message (which may quote content) is not recorded.
    const chat = h.spans().find((s) => s.name === "chat claude");
    expect(chat?.status.message).toBe("RateLimitError");
    expect(chat?.events.map((e) => [e.name, e.attributes])).toEqual([["exception", { "exception.type": "RateLimitError" }]]);
    expect(JSON.stringify(h.spans().map((s) => [s.attributes, s.events, s.status]))).not.toContain("secret prompt");
    assertConformance(h.spans());
  });

  it("records the error message and stack when content capture is on", () => {
    const t = new GenAITelemetry(scope, { tracerProvider: h.tracerProvider, captureContent: true });
    t.start({ operation: "execute_tool", tool: { name: "x" } }).fail(new TypeError("bad input"));
    const [span] = h.spans();
    expect(span?.status).toEqual({ code: 2, message: "bad input" });
    expect(span?.attributes["error.type"]).toBe("TypeError");
    expect(span?.events[0]?.attributes?.["exception.message"]).toBe("bad input");
    expect(String(span?.events[0]?.attributes?.["exception.stacktrace"])).toContain("TypeError: bad input");
  });

  it("names an inference span by the model learned at the end, and records streaming timing", () => {
    const t = telemetry();
    const op = t.start({ operation: "chat", provider: "openai" });
    op.recordChunk();
    op.recordChunk();
    op.end({
      requestModel: "gpt-4o-mini",
      responseModel: "gpt-4o-mini",
      responseId: "r1",
      finishReasons: ["length"],
      usage: { inputTokens: 1, outputTokens: 2 },
    });
    const [span] = h.spans();
    expect(span?.name).toBe("chat gpt-4o-mini");
    expect(span?.attributes["gen_ai.request.stream"]).toBe(true);
    expect(span?.attributes["gen_ai.response.finish_reasons"]).toEqual(["length"]);
    expect(typeof span?.attributes["gen_ai.response.time_to_first_chunk"]).toBe("number");
    expect(spanViolations(span as never)).toEqual([]);
  });

  it("places a first chunk reported past the span's end at the end (a framework's clock started before ours)", async () => {
    const t = telemetry();
    const start = Date.now();
    const op = t.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", startTime: start });
    op.recordFirstChunk(start + 500);
    op.end({ responseModel: "gpt-4o" }, start + 100);
    const [span] = h.spans();
    expect(span?.attributes["gen_ai.response.time_to_first_chunk"]).toBe(0.1);
    const ttfc = (await h.metrics()).find((m) => m.descriptor.name === "gen_ai.client.inference.time_to_first_chunk");
    // The harness keeps metric points across tests: this span's are the gpt-4o ones.
    const points = ttfc?.dataPoints.filter((p) => p.attributes["gen_ai.request.model"] === "gpt-4o");
    expect(points?.map((p) => (p.value as { sum: number }).sum)).toEqual([0.1]);
  });

  it("ignores a second end, updates after the end, and facts of the wrong type", () => {
    const t = telemetry();
    const op = t.start({ operation: "chat", requestModel: "m", provider: "openai" });
    op.end({ usage: { inputTokens: Number.NaN, outputTokens: -3 }, finishReasons: [42 as never, "stop"] });
    op.end({ responseId: "late" });
    op.fail(new Error("late"));
    op.update({ responseModel: "late" });
    const spans = h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "m",
      // The unreadable reason keeps its position, as `error`: the list stays aligned with the generations.
      "gen_ai.response.finish_reasons": ["error", "stop"],
    });
    expect(spans[0]?.status.code).toBe(0);
  });

  it("starts under the active context, under an explicit parent, or as a new trace", () => {
    const t = telemetry();
    const outer = h.tracerProvider.getTracer("app").startSpan("request");
    const ctx = trace.setSpan(context.active(), outer);
    const underActive = context.with(ctx, () => t.start({ operation: "invoke_agent", agent: { name: "A" } }));
    const underHandle = t.start({ operation: "chat", requestModel: "m", provider: "openai", parent: underActive });
    const root = context.with(ctx, () => t.start({ operation: "invoke_agent", parent: null }));
    underHandle.end();
    underActive.end();
    root.end();
    outer.end();
    const byName = Object.fromEntries(h.spans().map((s) => [s.name, s]));
    expect(byName["invoke_agent A"]?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(byName["chat m"]?.parentSpanContext?.spanId).toBe(underActive.span.spanContext().spanId);
    expect(byName.invoke_agent?.parentSpanContext).toBeUndefined();
    expect(byName.invoke_agent?.spanContext().traceId).not.toBe(outer.spanContext().traceId);
  });

  it("gives the span the links it starts with, and keeps them out of the facts", () => {
    const t = telemetry();
    const paused = t.start({ operation: "invoke_agent", agent: { name: "Support" }, parent: null });
    paused.end();
    const link = { context: paused.span.spanContext(), attributes: { reason: "resumed" } };
    const resumed = t.start({ operation: "invoke_agent", agent: { name: "Support" }, parent: null, links: [link] });
    resumed.end();
    const [first, second] = h.spans();
    expect(first?.links).toEqual([]);
    // SDK 3 adds droppedAttributesCount to each link.
    expect(second?.links.map(({ context, attributes }) => ({ context, attributes }))).toEqual([link]);
    expect(second?.spanContext().traceId).not.toBe(first?.spanContext().traceId);
    expect(second?.attributes).toStrictEqual(first?.attributes);
  });

  it("stamps the conversation id from baggage on spans that may carry it, and only those", () => {
    const t = telemetry();
    const ctx = setConversationId(context.active(), "conv-42");
    context.with(ctx, () => {
      const agent = t.start({ operation: "invoke_agent", agent: { name: "A" } });
      t.start({ operation: "execute_tool", tool: { name: "x" }, parent: agent }).end();
      t.start({ operation: "chat", requestModel: "m", provider: "openai", parent: agent }).end();
      agent.end();
    });
    const byName = Object.fromEntries(h.spans().map((s) => [s.name, s.attributes]));
    expect(byName["invoke_agent A"]?.["gen_ai.conversation.id"]).toBe("conv-42");
    expect(byName["chat m"]?.["gen_ai.conversation.id"]).toBe("conv-42");
    // An attribute of execute_tool since the 2026-12-04 registry refresh (#518).
    expect(byName["execute_tool x"]?.["gen_ai.conversation.id"]).toBe("conv-42");
    expect(propagation.getBaggage(context.active())).toBeUndefined();
    assertConformance(h.spans());
  });

  it("gives tools, plans and nested operations the enclosing run's conversation id and agent name at start, never a made-up id", () => {
    const t = telemetry();
    const started: Record<string, Record<string, unknown>> = {};
    const record = <T extends { span: unknown }>(handle: T, name: string): T => {
      started[name] = { ...(handle.span as { attributes: Record<string, unknown> }).attributes };
      return handle;
    };
    const workflow = record(t.start({ operation: "invoke_workflow", workflowName: "support", conversationId: "thread-7" }), "w");
    const agent = record(t.start({ operation: "invoke_agent", agent: { name: "A" }, parent: workflow }), "a");
    const tool = record(t.start({ operation: "execute_tool", tool: { name: "x" }, parent: agent }), "t");
    const plan = record(t.start({ operation: "plan", parent: agent }), "p");
    const inner = record(t.start({ operation: "invoke_workflow", workflowName: "sub", parent: tool }), "sw");
    for (const op of [inner, plan, tool, agent, workflow]) op.end();
    const lone = t.start({ operation: "invoke_workflow", workflowName: "lone" });
    t.start({ operation: "execute_tool", tool: { name: "y" }, parent: lone }).end();
    lone.end();
    expect(started.t).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "x",
      "gen_ai.agent.name": "A",
      "gen_ai.conversation.id": "thread-7",
    });
    expect(started.p).toEqual({ "gen_ai.operation.name": "plan", "gen_ai.agent.name": "A" });
    expect(started.a?.["gen_ai.conversation.id"]).toBe("thread-7");
    expect(started.sw?.["gen_ai.conversation.id"]).toBe("thread-7");
    const byName = Object.fromEntries(h.spans().map((s) => [s.name, s.attributes]));
    expect(byName["plan A"]).toEqual({ "gen_ai.operation.name": "plan", "gen_ai.agent.name": "A" });
    expect(byName["invoke_workflow sub"]?.["gen_ai.conversation.id"]).toBe("thread-7");
    // No conversation anywhere around it: none is invented.
    expect(byName["invoke_workflow lone"]?.["gen_ai.conversation.id"]).toBeUndefined();
    expect(byName["execute_tool y"]?.["gen_ai.conversation.id"]).toBeUndefined();
    assertConformance(h.spans());
  });

  it("reports `error` for each generation whose finish reason never arrived", () => {
    const t = telemetry();
    t.start({ operation: "chat", requestModel: "a", provider: "openai" }).fail(new Error("boom"));
    const two = t.start({ operation: "chat", requestModel: "b", provider: "openai", request: { choiceCount: 2 } });
    two.update({ finishReasons: ["stop"] });
    two.failWithType("AbortError");
    const ok = t.start({ operation: "chat", requestModel: "c", provider: "openai", request: { choiceCount: 2 } });
    ok.end({ finishReasons: ["length", "stop"] });
    const byName = Object.fromEntries(h.spans().map((s) => [s.name, s.attributes]));
    expect(byName["chat a"]?.["gen_ai.response.finish_reasons"]).toEqual(["error"]);
    expect(byName["chat b"]?.["gen_ai.response.finish_reasons"]).toEqual(["stop", "error"]);
    expect(byName["chat c"]?.["gen_ai.response.finish_reasons"]).toEqual(["length", "stop"]);
    assertConformance(h.spans());
  });

  it("keeps framework steps free of gen_ai names, with their own attributes", () => {
    const t = telemetry();
    t.start({
      operation: "step",
      step: { type: "handoff", name: "handoff Triage -> Billing" },
      handoff: { fromAgent: "Triage", toAgent: "Billing" },
      agent: { name: "Triage" },
      attributes: { "langgraph.node": "triage", "gen_ai.sneaky": "x" },
    }).end();
    const [span] = h.spans();
    expect(span?.name).toBe("handoff Triage -> Billing");
    expect(span?.kind).toBe(0);
    expect(span?.attributes).toEqual({
      "otel_agents.step.type": "handoff",
      "otel_agents.handoff.from_agent": "Triage",
      "otel_agents.handoff.to_agent": "Billing",
      "langgraph.node": "triage",
    });
    assertConformance(h.spans());
  });

  it("maps provider ids and finish reasons to registry values", () => {
    const t = telemetry();
    for (const [provider, reason] of [
      ["anthropic.messages", "end_turn"],
      ["google.vertex.chat", "MAX_TOKENS"],
      ["amazon-bedrock", "tool_use"],
      ["azure-openai", "content-filter"],
      ["some-local-llm", "weird"],
    ] as const) {
      t.start({ operation: "chat", provider, requestModel: "m" }).end({ finishReasons: [reason] });
    }
    expect(h.spans().map((s) => [s.attributes["gen_ai.provider.name"], s.attributes["gen_ai.response.finish_reasons"]])).toEqual([
      ["anthropic", ["stop"]],
      ["gcp.vertex_ai", ["length"]],
      ["aws.bedrock", ["tool_call"]],
      ["azure.ai.openai", ["content_filter"]],
      ["some-local-llm", ["weird"]],
    ]);
  });

  it("run() keeps synchronous results and errors unchanged", () => {
    const t = telemetry();
    expect(t.run({ operation: "execute_tool", tool: { name: "sum" } }, () => 1 + 1)).toBe(2);
    const err = new Error("sync");
    expect(() =>
      t.run({ operation: "execute_tool", tool: { name: "bad" } }, () => {
        throw err;
      }),
    ).toThrow(err);
    expect(h.spans().map((s) => [s.name, s.status.code])).toEqual([
      ["execute_tool sum", 0],
      ["execute_tool bad", 2],
    ]);
  });

  it("writes the OpenAI refinement only for OpenAI, and no requested service tier for the API's default auto", () => {
    const t = telemetry();
    const call = (provider: string, requestServiceTier: string) =>
      t
        .start({ operation: "chat", provider, requestModel: "gpt-4o", openai: { apiType: "responses", requestServiceTier } })
        .end({ finishReasons: ["stop"] });
    call("openai", "flex");
    call("openai", "auto");
    call("anthropic", "flex");
    const base = {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.finish_reasons": ["stop"],
    };
    expect(spanTree(h.spans())).toEqual([
      n("chat gpt-4o", "CLIENT", {
        ...base,
        "gen_ai.provider.name": "openai",
        "openai.api.type": "responses",
        "openai.request.service_tier": "flex",
      }),
      n("chat gpt-4o", "CLIENT", { ...base, "gen_ai.provider.name": "openai", "openai.api.type": "responses" }),
      n("chat gpt-4o", "CLIENT", { ...base, "gen_ai.provider.name": "anthropic" }),
    ]);
  });
});
