import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { generateObject, streamObject } from "ai";
import { MockLanguageModelV4, simulateReadableStream } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type OtelAgentsTelemetryOptions, otelAgentsTelemetry } from "../src/index.js";
import { retryableError, textResult, textStream, usage } from "./fixtures.js";
import { aiAtLeast, conforms, tree } from "./helpers.js";

// `generateObject` and `streamObject`: deprecated in `ai` 7 (generateText's `output` replaces them)
// and still what many apps call. One model call each, under the call's agent span, as in `ai` 6.

const h = createHarness();
const integration = (options: OtelAgentsTelemetryOptions = {}) =>
  otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, ...options });

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

const forecast = z.object({ city: z.string(), sky: z.string() });
const ANSWER = '{"city":"Paris","sky":"sunny"}';

const request = { "gen_ai.request.model": "gpt-4o", "gen_ai.request.temperature": 0.2, "gen_ai.output.type": "json" };
const agent = (extra: Record<string, unknown> = {}) => ({
  "gen_ai.operation.name": "invoke_agent",
  "gen_ai.agent.name": "forecaster",
  ...request,
  "gen_ai.usage.input_tokens": 30,
  "gen_ai.usage.output_tokens": 9,
  "gen_ai.response.finish_reasons": ["stop"],
  ...extra,
});
const chat = (responseId: string, extra: Record<string, unknown> = {}) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "openai.api.type": "chat_completions",
  ...request,
  "gen_ai.response.model": "mock-model-2025-01-01",
  "gen_ai.response.id": responseId,
  "gen_ai.response.finish_reasons": ["stop"],
  "gen_ai.usage.input_tokens": 30,
  "gen_ai.usage.output_tokens": 9,
  ...extra,
});

type Status = "UNSET" | "ERROR";

/** The one tree an object call exports: its agent span over the chat span of its model call. */
const objectCall = (agentStatus: Status, agentAttributes: object, chatStatus: Status, chatAttributes: object) => [
  {
    name: "invoke_agent forecaster",
    kind: "INTERNAL",
    status: agentStatus,
    attributes: agentAttributes,
    children: [{ name: "chat gpt-4o", kind: "CLIENT", status: chatStatus, attributes: chatAttributes, children: [] }],
  },
];
// The agent and chat attributes every object call has, without the request settings the tests above set.
const bareAgent = (failed: object) => ({
  "gen_ai.operation.name": "invoke_agent",
  "gen_ai.agent.name": "forecaster",
  ...failed,
});
const streamedResponse = (id: string, ttfc: unknown) => ({
  "gen_ai.request.stream": true,
  "gen_ai.response.id": id,
  "gen_ai.response.model": "mock-model-2025-01-01",
  "gen_ai.response.time_to_first_chunk": ttfc,
});
const bareChat = (failed: object) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "openai.api.type": "chat_completions",
  ...failed,
});

describe("generateObject", () => {
  it("reports the call as invoke_agent (output.type json) with its one chat child; the object is unchanged", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: textResult(ANSWER, "resp_o1", usage(30, 9)),
    });
    const { object } = await generateObject({
      model,
      schema: forecast,
      prompt: "Weather in Paris?",
      temperature: 0.2,
      telemetry: { functionId: "forecaster", integrations: [integration()] },
    });
    expect(object).toEqual({ city: "Paris", sky: "sunny" });

    const spans = h.spans();
    expect(tree(spans)).toEqual(objectCall("UNSET", agent(), "UNSET", chat("resp_o1")));
    conforms(spans);
    assertMetricConformance(await h.metrics());
  });

  it("records the prompt and the JSON answer as semconv content when capture is on", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: textResult(ANSWER, "resp_o2", usage(30, 9)),
    });
    await generateObject({
      model,
      schema: forecast,
      system: "You forecast.",
      prompt: "Weather in Paris?",
      temperature: 0.2,
      telemetry: { functionId: "forecaster", integrations: [integration({ captureContent: true })] },
    });
    const content = {
      "gen_ai.system_instructions": [{ type: "text", content: "You forecast." }],
      "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] }],
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: ANSWER }] }],
    };
    const spans = h.spans();
    expect(tree(spans)).toEqual(objectCall("UNSET", agent(content), "UNSET", chat("resp_o2", content)));
    conforms(spans);
  });

  it("fails the chat and agent spans of a failing model call; the caller gets the same error", async () => {
    const failure = retryableError(503);
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: async () => {
        throw failure;
      },
    });
    const call = generateObject({
      model,
      schema: forecast,
      prompt: "Weather in Paris?",
      maxRetries: 0,
      telemetry: { functionId: "forecaster", integrations: [integration()] },
    });
    await expect(call).rejects.toBe(failure);
    const spans = h.spans();
    // No finish reason arrived: `error`, as for generateText. The server comes from the API error.
    const failed = {
      "error.type": "503",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.output.type": "json",
      "gen_ai.response.finish_reasons": ["error"],
    };
    expect(tree(spans)).toEqual(
      objectCall(
        "ERROR",
        bareAgent(failed),
        "ERROR",
        bareChat({ ...failed, "server.address": "api.example.com", "server.port": 443 }),
      ),
    );
    // A failed call has no response: the registry's checks, without the expected response attributes.
    assertConformance(spans);
    assertMetricConformance(await h.metrics());
  });
});

describe("streamObject", () => {
  it("reports request.stream, output.type json and time to first chunk; the streamed object is unchanged", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doStream: async () => textStream(['{"city":"Paris",', '"sky":"sunny"}'], "resp_s1", 20),
    });
    const result = streamObject({
      model,
      schema: forecast,
      prompt: "Weather in Paris?",
      temperature: 0.2,
      telemetry: { functionId: "forecaster", integrations: [integration()] },
    });
    for await (const _ of result.partialObjectStream) {
      // drain
    }
    expect(await result.object).toEqual({ city: "Paris", sky: "sunny" });
    const spans = h.spans();
    const ttfc = spans.find((s) => s.name === "chat gpt-4o")?.attributes["gen_ai.response.time_to_first_chunk"];
    // The mock waits 20 ms before its first chunk.
    expect(ttfc).toBeGreaterThanOrEqual(0.019);
    const streamed = { "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 2 };
    expect(tree(spans)).toEqual(
      objectCall(
        "UNSET",
        agent(streamed),
        "UNSET",
        chat("resp_s1", { ...streamed, "gen_ai.request.stream": true, "gen_ai.response.time_to_first_chunk": ttfc }),
      ),
    );
    conforms(spans);
  });

  it("fails the chat and agent spans with the error of an error part in the model's stream", async () => {
    const failure = retryableError(500);
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doStream: async () => ({
        stream: simulateReadableStream({
          chunks: [
            { type: "stream-start", warnings: [] },
            { type: "response-metadata", id: "resp_e1", modelId: "mock-model-2025-01-01", timestamp: new Date(0) },
            { type: "text-start", id: "t1" },
            { type: "text-delta", id: "t1", delta: '{"city":' },
            { type: "error", error: failure },
            { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(12, 1) },
          ],
        }),
      }),
    });
    const result = streamObject({
      model,
      schema: forecast,
      prompt: "Weather in Paris?",
      onError: () => {},
      telemetry: { functionId: "forecaster", integrations: [integration()] },
    });
    for await (const _ of result.partialObjectStream) {
      // drain
    }
    // `ai` 7.0.70 and later end the call on the error part and hand its error to the end event;
    // before, they kept the model's finish reason and failed the call on the unfinished JSON.
    const terminal = aiAtLeast("7.0.70");
    if (terminal) await expect(result.object).rejects.toBe(failure);
    else await expect(result.object).rejects.toThrow("No object generated");
    const spans = h.spans();
    const ttfc = spans.find((s) => s.name === "chat gpt-4o")?.attributes["gen_ai.response.time_to_first_chunk"];
    expect(ttfc).toBeGreaterThanOrEqual(0);
    // The API error's own type (its status), from the call's end event; what the model reported before it kept.
    const failed = {
      "error.type": terminal ? "500" : "AI_NoObjectGeneratedError",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.output.type": "json",
      "gen_ai.response.finish_reasons": [terminal ? "error" : "stop"],
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 1,
    };
    // Before 7.0.70 the model call itself ended as the model said: it is the call that failed.
    const { "error.type": _type, ...answered } = failed;
    expect(tree(spans)).toEqual(
      objectCall(
        "ERROR",
        bareAgent(failed),
        terminal ? "ERROR" : "UNSET",
        bareChat({ ...(terminal ? failed : answered), ...streamedResponse("resp_e1", ttfc) }),
      ),
    );
    assertConformance(spans);
  });

  it("fails the agent span, not the chat span, when the model's answer does not match the schema", async () => {
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doStream: async () => textStream(['{"city":"Paris"}'], "resp_s2"),
    });
    const result = streamObject({
      model,
      schema: forecast,
      prompt: "Weather in Paris?",
      telemetry: { functionId: "forecaster", integrations: [integration()] },
    });
    for await (const _ of result.partialObjectStream) {
      // drain
    }
    await expect(result.object).rejects.toThrow();
    const spans = h.spans();
    const ttfc = spans.find((s) => s.name === "chat gpt-4o")?.attributes["gen_ai.response.time_to_first_chunk"];
    expect(ttfc).toBeGreaterThanOrEqual(0);
    const answered = {
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.output.type": "json",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 1,
    };
    // The model answered; the operation failed on its answer (the SDK's NoObjectGeneratedError).
    expect(tree(spans)).toEqual(
      objectCall(
        "ERROR",
        bareAgent({ ...answered, "error.type": "AI_NoObjectGeneratedError" }),
        "UNSET",
        bareChat({ ...answered, ...streamedResponse("resp_s2", ttfc) }),
      ),
    );
    assertConformance(spans);
  });
});
