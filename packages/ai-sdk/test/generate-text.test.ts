import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { generateText, stepCountIs, ToolLoopAgent, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type OtelAgentsTelemetryOptions, otelAgentsTelemetry } from "../src/index.js";
import { retryableError, textResult, toolCallResult, usage } from "./fixtures.js";
import { conforms, contentKeysOf, tree } from "./helpers.js";

const h = createHarness();
const integration = (options: OtelAgentsTelemetryOptions = {}) =>
  otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, ...options });

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

const weather = tool({
  description: "Gets the weather",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: "sunny" }),
});

/** Step 1 asks for the weather tool, step 2 answers. */
function toolLoopModel() {
  return new MockLanguageModelV4({
    provider: "openai.chat",
    modelId: "gpt-4o",
    doGenerate: [
      toolCallResult(
        [{ id: "call_1", name: "weather", input: { city: "Paris" } }],
        "resp_1",
        usage(100, 20, { cacheRead: 40, cacheWrite: 10, reasoning: 5 }),
      ),
      textResult("Sunny in Paris.", "resp_2", usage(150, 8)),
    ],
  });
}

describe("generateText", () => {
  it("reports a single call as invoke_agent with one chat child, with request, response and usage", async () => {
    const model = new MockLanguageModelV4({
      provider: "anthropic.messages",
      modelId: "claude-sonnet",
      doGenerate: textResult("Hello!", "msg_1", usage(11, 2)),
    });
    const result = await generateText({
      model,
      prompt: "Say hello",
      temperature: 0.3,
      maxOutputTokens: 64,
      topP: 0.9,
      stopSequences: ["END"],
      seed: 7,
      telemetry: { functionId: "greeter", integrations: [integration()] },
    });
    expect(result.text).toBe("Hello!");

    const spans = h.spans();
    const request = {
      "gen_ai.request.model": "claude-sonnet",
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.request.seed": 7,
    };
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent greeter",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "greeter",
          ...request,
          "gen_ai.usage.input_tokens": 11,
          "gen_ai.usage.output_tokens": 2,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat claude-sonnet",
            kind: "CLIENT",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "anthropic",
              ...request,
              "gen_ai.response.model": "mock-model-2025-01-01",
              "gen_ai.response.id": "msg_1",
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.usage.input_tokens": 11,
              "gen_ai.usage.output_tokens": 2,
            },
            children: [],
          },
        ],
      },
    ]);
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });

  it("reports a two-step tool loop: chat, execute_tool, chat under one invoke_agent, usage summed on the agent", async () => {
    const result = await generateText({
      model: toolLoopModel(),
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      telemetry: { functionId: "support-agent", integrations: [integration()] },
    });
    expect(result.text).toBe("Sunny in Paris.");

    const spans = h.spans();
    const chat = (id: string, reasons: string[], tokens: Record<string, number>) => ({
      name: "chat gpt-4o",
      kind: "CLIENT",
      status: "UNSET",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "openai.api.type": "chat_completions",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "mock-model-2025-01-01",
        "gen_ai.response.id": id,
        "gen_ai.response.finish_reasons": reasons,
        ...tokens,
      },
      children: [],
    });
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent support-agent",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "support-agent",
          "gen_ai.request.model": "gpt-4o",
          // The agent's model calls, summed; no cache usage on the internal agent span (#469).
          "gen_ai.usage.input_tokens": 250,
          "gen_ai.usage.output_tokens": 28,
          "gen_ai.response.finish_reasons": ["tool_call", "stop"],
        },
        children: [
          chat("resp_1", ["tool_call"], {
            "gen_ai.usage.input_tokens": 100,
            "gen_ai.usage.output_tokens": 20,
            "gen_ai.usage.cache_read.input_tokens": 40,
            "gen_ai.usage.cache_write.input_tokens": 10,
            "gen_ai.usage.reasoning.output_tokens": 5,
          }),
          {
            name: "execute_tool weather",
            kind: "INTERNAL",
            status: "UNSET",
            attributes: {
              "gen_ai.operation.name": "execute_tool",
              "gen_ai.tool.name": "weather",
              "gen_ai.tool.call.id": "call_1",
              "gen_ai.tool.type": "function",
              "gen_ai.tool.description": "Gets the weather",
              "gen_ai.agent.name": "support-agent",
            },
            children: [],
          },
          chat("resp_2", ["stop"], { "gen_ai.usage.input_tokens": 150, "gen_ai.usage.output_tokens": 8 }),
        ],
      },
    ]);
    // Capture is off by default: no prompt, output or tool data anywhere.
    expect(contentKeysOf(spans)).toEqual([]);
    conforms(spans);

    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const names = new Set(metrics.map((m) => m.descriptor.name));
    for (const name of [
      "gen_ai.client.inference.duration",
      "gen_ai.client.inference.usage.input_tokens",
      "gen_ai.client.inference.usage.cache_read.input_tokens",
      "gen_ai.client.inference.usage.cache_write.input_tokens",
      "gen_ai.client.inference.usage.reasoning.output_tokens",
      "gen_ai.execute_tool.duration",
      "gen_ai.invoke_agent.duration",
      "gen_ai.invoke_agent.tool_calls",
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it("reports a three-step tool loop (two tools in turn, then the answer) in call order, usage summed on the agent", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: [
        toolCallResult([{ id: "call_1", name: "weather", input: { city: "Paris" } }], "resp_1", usage(100, 20)),
        toolCallResult([{ id: "call_2", name: "weather", input: { city: "Lyon" } }], "resp_2", usage(130, 18)),
        textResult("Sunny in Paris and Lyon.", "resp_3", usage(160, 9)),
      ],
    });
    const result = await generateText({
      model,
      prompt: "Weather in Paris and Lyon?",
      tools: { weather },
      stopWhen: stepCountIs(5),
      telemetry: { functionId: "support-agent", integrations: [integration()] },
    });
    expect(result.steps).toHaveLength(3);
    const spans = h.spans();
    conforms(spans);
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_agent support-agent [INTERNAL]": [
          "chat gpt-4o [CLIENT]",
          "execute_tool weather [INTERNAL]",
          "chat gpt-4o [CLIENT]",
          "execute_tool weather [INTERNAL]",
          "chat gpt-4o [CLIENT]",
        ],
      },
    ]);
    const [agent] = spanTree(spans);
    expect(agent?.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 390,
      "gen_ai.usage.output_tokens": 47,
      "gen_ai.response.finish_reasons": ["tool_call", "stop"],
    });
    expect(agent?.children.map((c) => c.attributes["gen_ai.response.id"] ?? c.attributes["gen_ai.tool.call.id"])).toEqual([
      "resp_1",
      "call_1",
      "resp_2",
      "call_2",
      "resp_3",
    ]);
  });

  it("records instructions, messages, tool definitions, arguments and results as semconv content when capture is on", async () => {
    await generateText({
      model: toolLoopModel(),
      instructions: "You are terse.",
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
      telemetry: { functionId: "support-agent", integrations: [integration({ captureContent: true })] },
    });
    const spans = h.spans();
    const [root] = tree(spans);
    const system = [{ type: "text", content: "You are terse." }];
    const user = { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] };
    const call = { type: "tool_call", id: "call_1", name: "weather", arguments: { city: "Paris" } };
    const answer = [{ role: "assistant", parts: [{ type: "text", content: "Sunny in Paris." }] }];
    const parameters = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    };
    const definitions = [{ type: "function", name: "weather", description: "Gets the weather", parameters }];

    expect(root?.attributes).toMatchObject({
      "gen_ai.system_instructions": system,
      "gen_ai.input.messages": [user],
      // The call's tool set holds validator objects, not JSON schemas: names and descriptions only.
      "gen_ai.tool.definitions": [{ type: "function", name: "weather", description: "Gets the weather" }],
      "gen_ai.output.messages": answer,
    });
    const [first, toolSpan, second] = root?.children ?? [];
    expect(first?.attributes).toMatchObject({
      "gen_ai.system_instructions": system,
      "gen_ai.input.messages": [user],
      "gen_ai.tool.definitions": definitions,
      "gen_ai.output.messages": [{ role: "assistant", parts: [call] }],
    });
    expect(toolSpan?.attributes).toMatchObject({
      "gen_ai.tool.call.arguments": { city: "Paris" },
      "gen_ai.tool.call.result": { city: "Paris", sky: "sunny" },
    });
    expect(second?.attributes).toMatchObject({
      "gen_ai.input.messages": [
        user,
        { role: "assistant", parts: [call] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: { city: "Paris", sky: "sunny" } }] },
      ],
      "gen_ai.output.messages": answer,
    });
    expect(contentKeysOf(spans)).toEqual([
      "gen_ai.input.messages",
      "gen_ai.output.messages",
      "gen_ai.system_instructions",
      "gen_ai.tool.call.arguments",
      "gen_ai.tool.call.result",
      "gen_ai.tool.definitions",
    ]);
    conforms(spans);
  });

  it("honours recordInputs=false and recordOutputs=false on top of content capture", async () => {
    const t = integration({ captureContent: true });
    const run = (flags: { recordInputs?: boolean; recordOutputs?: boolean }) =>
      generateText({
        model: toolLoopModel(),
        instructions: "You are terse.",
        prompt: "Weather in Paris?",
        tools: { weather },
        stopWhen: stepCountIs(3),
        telemetry: { functionId: "support-agent", integrations: [t], ...flags },
      });

    await run({ recordInputs: false });
    expect(contentKeysOf(h.spans())).toEqual(["gen_ai.output.messages", "gen_ai.tool.call.result"]);
    conforms(h.spans());

    h.reset();
    await run({ recordOutputs: false });
    expect(contentKeysOf(h.spans())).toEqual([
      "gen_ai.input.messages",
      "gen_ai.system_instructions",
      "gen_ai.tool.call.arguments",
      "gen_ai.tool.definitions",
    ]);
    conforms(h.spans());
  });

  it("reports a failing model call as ERROR with error.type on the chat and agent spans; the caller gets the same error", async () => {
    class RateLimitError extends Error {
      override name = "RateLimitError";
    }
    const boom = new RateLimitError("429: quota exceeded for prompt 'secret'");
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: async () => {
        throw boom;
      },
    });
    await expect(
      generateText({ model, prompt: "secret", maxRetries: 0, telemetry: { functionId: "a", integrations: [integration()] } }),
    ).rejects.toBe(boom);

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent a",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "a",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "RateLimitError",
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "ERROR",
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.provider.name": "mock-provider",
              "gen_ai.request.model": "gpt-4o",
              "gen_ai.response.finish_reasons": ["error"],
              "error.type": "RateLimitError",
            },
            children: [],
          },
        ],
      },
    ]);
    // Error messages can quote prompts: without capture only the type is recorded.
    expect(JSON.stringify(spans.map((s) => [s.attributes, s.events, s.status]))).not.toContain("secret");
    assertMetricConformance(await h.metrics());
    // A failed call has no response, so the expected response attributes cannot be there.
    assertConformance(spans);
  });

  it("keeps the real error.type when recordInputs=false hands integrations a placeholder error", async () => {
    class TimeoutError extends Error {
      override name = "TimeoutError";
    }
    const boom = new TimeoutError("took too long");
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: async () => {
        throw boom;
      },
    });
    await expect(
      generateText({
        model,
        prompt: "x",
        maxRetries: 0,
        telemetry: { functionId: "a", recordInputs: false, integrations: [integration({ captureContent: true })] },
      }),
    ).rejects.toBe(boom);
    expect(
      tree(h.spans()).map((root) => [root.status, root.attributes["error.type"], root.children[0]?.attributes["error.type"]]),
    ).toEqual([["ERROR", "TimeoutError", "TimeoutError"]]);
    assertConformance(h.spans());
  });

  it("reports a failing tool as an ERROR execute_tool span while the loop goes on; the SDK hands the same error back", async () => {
    class LookupError extends Error {
      override name = "LookupError";
    }
    const boom = new LookupError("city not found");
    const model = new MockLanguageModelV4({
      modelId: "gpt-4o",
      doGenerate: [
        toolCallResult([{ id: "call_9", name: "lookup", input: { city: "Atlantis" } }], "resp_1"),
        textResult("I could not find it.", "resp_2"),
      ],
    });
    const result = await generateText({
      model,
      prompt: "Where is Atlantis?",
      stopWhen: stepCountIs(3),
      tools: {
        lookup: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async (): Promise<string> => {
            throw boom;
          },
        }),
      },
      telemetry: { functionId: "geo", integrations: [integration()] },
    });
    expect(result.text).toBe("I could not find it.");
    const toolError = result.steps[0]?.content.find((p) => p.type === "tool-error");
    expect(toolError && "error" in toolError ? toolError.error : undefined).toBe(boom);

    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([
      { "invoke_agent geo [INTERNAL]": ["chat gpt-4o [CLIENT]", "execute_tool lookup [INTERNAL]", "chat gpt-4o [CLIENT]"] },
    ]);
    const [root] = tree(spans);
    expect(root?.status).toBe("UNSET");
    expect(root?.children.map((c) => c.status)).toEqual(["UNSET", "ERROR", "UNSET"]);
    expect(root?.children[1]?.attributes).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "call_9",
      "gen_ai.tool.type": "function",
      "gen_ai.agent.name": "geo",
      "error.type": "LookupError",
    });
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });
});

describe("generateText retries", () => {
  /**
   * A model whose attempts each start an app span first (as an HTTP instrumentation would) and
   * fail while `fail` says so, with an HTTP error from `host`.
   */
  function flakyModel(host: string, fail: (attempt: number) => boolean) {
    const appTracer = h.tracerProvider.getTracer("app");
    let attempt = 0;
    return new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: async () => {
        attempt++;
        appTracer.startSpan(`POST attempt ${attempt}`).end();
        if (fail(attempt)) throw retryableError(503, `https://${host}/v1/chat/completions`);
        return textResult("Hello!", "resp_r", usage(11, 2));
      },
    });
  }
  const attemptSpan = (n: number) => ({
    name: `POST attempt ${n}`,
    kind: "INTERNAL",
    status: "UNSET",
    attributes: {},
    children: [],
  });
  const chatBase = (host: string) => ({
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "openai.api.type": "chat_completions",
    "gen_ai.request.model": "gpt-4o",
    // From the failed attempt's error: the mock's success reports no request URL.
    "server.address": host,
    "server.port": 443,
  });
  /** The inference-duration points of this test's calls (metrics are cumulative across tests): their error.type. */
  const durationErrorTypes = async (host: string) => {
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const duration = metrics.find((m) => m.descriptor.name === "gen_ai.client.inference.duration");
    return duration?.dataPoints.filter((p) => p.attributes["server.address"] === host).map((p) => p.attributes["error.type"]);
  };

  it("a failed attempt that ai retries stays inside the one chat span, which the successful retry ends with its response", async () => {
    // ai's default maxRetries (2); the error's retry-after-ms: 0 spares the 2 s backoff.
    const result = await generateText({
      model: flakyModel("flaky.example.com", (n) => n === 1),
      prompt: "Say hello",
      telemetry: { functionId: "retrier", integrations: [integration()] },
    });
    expect(result.text).toBe("Hello!");

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent retrier",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "retrier",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.input_tokens": 11,
          "gen_ai.usage.output_tokens": 2,
          "gen_ai.response.finish_reasons": ["stop"],
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "UNSET",
            attributes: {
              ...chatBase("flaky.example.com"),
              "gen_ai.response.model": "mock-model-2025-01-01",
              "gen_ai.response.id": "resp_r",
              "gen_ai.response.finish_reasons": ["stop"],
              "gen_ai.usage.input_tokens": 11,
              "gen_ai.usage.output_tokens": 2,
            },
            // Each attempt's provider request runs under the chat span.
            children: [attemptSpan(1), attemptSpan(2)],
          },
        ],
      },
    ]);
    expect(spans.find((s) => s.name === "chat gpt-4o")?.events).toEqual([]);
    assertConformance(spans);
    // One model call, and it succeeded: one duration point without error.type.
    expect(await durationErrorTypes("flaky.example.com")).toEqual([undefined]);
  });

  it("when every attempt fails, the one chat span ends after the last attempt with ai's RetryError", async () => {
    const error = await generateText({
      model: flakyModel("down.example.com", () => true),
      prompt: "Say hello",
      maxRetries: 1,
      telemetry: { functionId: "retrier", integrations: [integration()] },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ name: "AI_RetryError", reason: "maxRetriesExceeded" });

    const spans = h.spans();
    expect(tree(spans)).toEqual([
      {
        name: "invoke_agent retrier",
        kind: "INTERNAL",
        status: "ERROR",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "retrier",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.finish_reasons": ["error"],
          "error.type": "503",
        },
        children: [
          {
            name: "chat gpt-4o",
            kind: "CLIENT",
            status: "ERROR",
            // A RetryError's kind is its last attempt's HTTP status.
            attributes: { ...chatBase("down.example.com"), "gen_ai.response.finish_reasons": ["error"], "error.type": "503" },
            children: [attemptSpan(1), attemptSpan(2)],
          },
        ],
      },
    ]);
    const chat = spans.find((s) => s.name === "chat gpt-4o");
    // The call's error, not the first attempt's.
    expect(chat?.events.map((e) => e.attributes)).toEqual([{ "exception.type": "AI_RetryError" }]);
    const endNs = (s: (typeof spans)[number]) => BigInt(s.endTime[0]) * 1_000_000_000n + BigInt(s.endTime[1]);
    expect(endNs(chat!) >= endNs(spans.find((s) => s.name === "POST attempt 2")!)).toBe(true);
    assertConformance(spans);
    expect(await durationErrorTypes("down.example.com")).toEqual(["503"]);
  });
});

describe("ToolLoopAgent", () => {
  it("reports agent.generate() as invoke_agent named by telemetry.functionId", async () => {
    const agent = new ToolLoopAgent({
      model: toolLoopModel(),
      instructions: "You answer weather questions.",
      tools: { weather },
      telemetry: { functionId: "weather-agent", integrations: [integration()] },
    });
    const result = await agent.generate({ prompt: "Weather in Paris?" });
    expect(result.text).toBe("Sunny in Paris.");

    const spans = h.spans();
    expect(shape(spanTree(spans))).toEqual([
      {
        "invoke_agent weather-agent [INTERNAL]": [
          "chat gpt-4o [CLIENT]",
          "execute_tool weather [INTERNAL]",
          "chat gpt-4o [CLIENT]",
        ],
      },
    ]);
    const [root] = tree(spans);
    expect(root?.attributes).toEqual({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "weather-agent",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": 250,
      "gen_ai.usage.output_tokens": 28,
      "gen_ai.response.finish_reasons": ["tool_call", "stop"],
    });
    expect(root?.children.map((c) => c.attributes["gen_ai.response.id"])).toEqual(["resp_1", undefined, "resp_2"]);
    conforms(spans);
  });
});
