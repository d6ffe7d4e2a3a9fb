import { garbage, MAX_CONTENT, num, sometimes } from "@otel-agents/testing/adversarial";
import { adversarialContract } from "@otel-agents/testing/contract";
import { createHarness } from "@otel-agents/testing/harness";
import fc from "fast-check";
import { afterAll, expect } from "vitest";
import type { OtelAgentsTelemetry } from "../src/index.js";
import { otelAgentsTelemetry } from "../src/index.js";

// The integration's public Telemetry methods, driven directly with generated garbage and in any
// order: ends before starts, ends twice, unknown call and tool call ids, missing ids, errors that
// are strings, null or objects whose getters throw, circular and BigInt values, 10 MB strings,
// lone surrogates, NaN and negative token counts, timestamps that make durations negative. The
// execute wrappers get execute functions that resolve, reject or throw: the caller must get the
// same value or the same error. Nothing may throw, no promise may be left rejected, every span
// started must end (at the latest at `endOpenCalls()`), and only attribute values of supported
// types and sizes may reach the exporter.

const h = createHarness();

const time = fc.oneof(
  fc.constant(undefined),
  fc.constant(Number.NaN),
  fc.constant(-1),
  fc.constant(Number.NEGATIVE_INFINITY),
  // Before the start, or long after: negative and huge durations.
  fc.constant(0),
  fc.constant(performance.timeOrigin + performance.now() + 1e9),
  garbage,
);

const CALL_IDS = ["call-0", "call-1", "call-2"];
const TOOL_CALL_IDS = ["tc-0", "tc-1"];
const callId = fc.oneof({ arbitrary: fc.constantFrom(...CALL_IDS), weight: 12 }, { arbitrary: garbage, weight: 1 });
const toolCallId = fc.oneof({ arbitrary: fc.constantFrom(...TOOL_CALL_IDS), weight: 8 }, { arbitrary: garbage, weight: 1 });
const operationId = fc.oneof(
  { arbitrary: fc.constantFrom("ai.generateText", "ai.streamText", "ai.embed", "ai.embedMany", "ai.rerank"), weight: 8 },
  { arbitrary: garbage, weight: 1 },
);
const usage = sometimes(
  fc.record(
    {
      inputTokens: num,
      outputTokens: num,
      inputTokenDetails: sometimes(fc.record({ cacheReadTokens: num, cacheWriteTokens: num }, { requiredKeys: [] })),
      outputTokenDetails: sometimes(fc.record({ reasoningTokens: num }, { requiredKeys: [] })),
      tokens: num,
    },
    { requiredKeys: [] },
  ),
);
const messages = sometimes(
  fc.array(
    sometimes(
      fc.record(
        {
          role: fc.oneof(fc.constantFrom("system", "user", "assistant", "tool"), garbage),
          content: fc.oneof(
            garbage,
            fc.array(
              sometimes(
                fc.record(
                  { type: fc.oneof(fc.constantFrom("text", "tool-call", "file"), garbage), text: garbage },
                  { requiredKeys: [] },
                ),
              ),
              { maxLength: 2 },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    { maxLength: 3 },
  ),
);
const tools = sometimes(
  fc.dictionary(
    fc.constantFrom("echo", "search"),
    sometimes(fc.record({ description: garbage, inputSchema: garbage }, { requiredKeys: [] })),
    { maxKeys: 2 },
  ),
);
const content = sometimes(
  fc.array(
    sometimes(
      fc.record(
        {
          type: fc.oneof(fc.constantFrom("text", "tool-call", "tool-result", "reasoning"), garbage),
          text: garbage,
          toolCallId,
          toolName: garbage,
          input: garbage,
          output: garbage,
        },
        { requiredKeys: [] },
      ),
    ),
    { maxLength: 3 },
  ),
);
const error = fc.oneof(
  fc.constant(new Error("plain")),
  fc.constant(new Error("AI SDK operation failed")),
  fc.constant(
    Object.assign(new Error("429"), { name: "AI_APICallError", statusCode: 429, url: "https://api.openai.com/v1/chat" }),
  ),
  fc.constant(
    Object.assign(new Error("retry"), { name: "AI_RetryError", lastError: { name: "AI_APICallError", statusCode: Number.NaN } }),
  ),
  fc.constant(Object.assign(new Error("aborted"), { name: "AbortError" })),
  fc.constant("a string"),
  fc.constant(null),
  garbage,
);
const model = {
  provider: fc.oneof(fc.constantFrom("openai.responses", "anthropic.messages", "mock-provider"), garbage),
  modelId: garbage,
};

/** An event object: usually a record of the right fields with wrong values, sometimes not even an object. */
const ev = <T>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.oneof(
    { arbitrary: fc.record(fields, { requiredKeys: ["callId" as keyof T] }), weight: 12 },
    { arbitrary: garbage, weight: 1 },
  );

const event = fc.oneof(
  fc.tuple(
    fc.constant("onStart"),
    ev({
      callId,
      operationId,
      ...model,
      functionId: garbage,
      recordInputs: fc.oneof(fc.boolean(), garbage),
      recordOutputs: fc.oneof(fc.boolean(), garbage),
      tools,
      messages,
      instructions: garbage,
      output: sometimes(fc.record({ name: fc.oneof(fc.constantFrom("text", "object"), garbage) })),
      providerOptions: sometimes(fc.record({ openai: sometimes(fc.record({ serviceTier: garbage })) })),
      maxOutputTokens: num,
      temperature: num,
      stopSequences: garbage,
      dimensions: num,
      timestamp: time,
    }),
  ),
  fc.tuple(fc.constant("onStepStart"), ev({ callId, stepNumber: num, messages, timestamp: time })),
  fc.tuple(
    fc.constant("onLanguageModelCallStart"),
    ev({ callId, ...model, messages, tools, instructions: garbage, timestamp: time }),
  ),
  fc.tuple(
    fc.constant("onLanguageModelCallEnd"),
    ev({
      callId,
      ...model,
      responseId: garbage,
      finishReason: fc.oneof(fc.constantFrom("stop", "tool-calls", "length"), garbage),
      usage,
      performance: sometimes(fc.record({ timeToFirstOutputMs: num })),
      request: sometimes(
        fc.record({
          url: fc.oneof(fc.constantFrom("https://api.openai.com/v1/responses", "not a url", "http://[::1]:99999"), garbage),
        }),
      ),
      providerMetadata: sometimes(fc.record({ openai: sometimes(fc.record({ serviceTier: garbage })) })),
      content,
      timestamp: time,
    }),
  ),
  fc.tuple(
    fc.constant("onToolExecutionStart"),
    ev({
      callId,
      toolCall: sometimes(
        fc.record({ toolCallId, toolName: fc.oneof(fc.constant("echo"), garbage), input: garbage }, { requiredKeys: [] }),
      ),
      timestamp: time,
    }),
  ),
  fc.tuple(
    fc.constant("onToolExecutionEnd"),
    ev({
      callId,
      toolCall: sometimes(fc.record({ toolCallId }, { requiredKeys: [] })),
      toolOutput: sometimes(
        fc.record(
          { type: fc.oneof(fc.constantFrom("tool-result", "tool-error"), garbage), output: garbage, error },
          { requiredKeys: [] },
        ),
      ),
      timestamp: time,
    }),
  ),
  fc.tuple(fc.constant("onStepError"), ev({ callId, error, timestamp: time })),
  fc.tuple(
    fc.constant("onEnd"),
    ev({
      callId,
      finalStep: sometimes(fc.record({ content }, { requiredKeys: [] })),
      text: garbage,
      response: garbage,
      usage,
      embedding: fc.oneof(fc.constant([0.1, 0.2]), fc.constant([[0.1], [0.2]]), garbage),
      timestamp: time,
    }),
  ),
  fc.tuple(fc.constant("onError"), ev({ callId, error, timestamp: time })),
  fc.tuple(fc.constant("onAbort"), ev({ callId, reason: error, timestamp: time })),
  // The wrappers: how the execute function settles, and the value or error it settles with.
  fc.tuple(
    fc.constant("executeLanguageModelCall"),
    fc.record({ callId, ...model, settle: fc.constantFrom("resolve", "reject", "throw"), value: garbage, error }),
  ),
  fc.tuple(
    fc.constant("executeTool"),
    fc.record({
      callId,
      toolCallId,
      toolCall: sometimes(fc.record({ toolName: garbage, input: garbage }, { requiredKeys: [] })),
      settle: fc.constantFrom("resolve", "reject", "throw"),
      value: garbage,
      error,
    }),
  ),
);

type Hooks = Record<string, (arg: unknown) => unknown>;
type WrapperCall = { settle: "resolve" | "reject" | "throw"; value: unknown; error: unknown } & Record<string, unknown>;

/**
 * Calls a wrapper the way the AI SDK does and checks that the caller gets exactly what `execute`
 * gave: the same value, or the same error (thrown synchronously if `execute` threw synchronously).
 */
async function callWrapper(hooks: Hooks, name: string, call: WrapperCall): Promise<void> {
  const { settle, value, error, ...options } = call;
  const marker = { error };
  const execute = () => {
    if (settle === "throw") throw marker;
    return settle === "resolve" ? Promise.resolve(value) : Promise.reject(marker);
  };
  let result: unknown;
  try {
    result = hooks[name]?.({ ...options, execute });
  } catch (thrown) {
    expect(settle).toBe("throw");
    expect(thrown).toBe(marker);
    return;
  }
  expect(settle).not.toBe("throw");
  const outcome = await Promise.resolve(result).then(
    (v) => ({ ok: true, v }),
    (e) => ({ ok: false, v: e }),
  );
  // The very same value or error object (compared by identity: some values throw when inspected).
  if (settle === "resolve") expect(outcome.ok && Object.is(outcome.v, value)).toBe(true);
  else expect(outcome.ok === false && outcome.v === marker).toBe(true);
}

type Event = [string, unknown];

adversarialContract<OtelAgentsTelemetry, Event>({
  harness: h,
  // Capture on with a small limit in half of the runs; a tiny call limit (eviction) in some.
  instances: (tracerProvider) => {
    const base = { tracerProvider, meterProvider: h.meterProvider };
    return [
      otelAgentsTelemetry({ ...base }),
      otelAgentsTelemetry({ ...base, captureContent: true, maxContentLength: MAX_CONTENT }),
      otelAgentsTelemetry({ ...base, maxOpenCalls: 2 }),
      otelAgentsTelemetry({
        ...base,
        captureContent: true,
        maxContentLength: MAX_CONTENT,
        maxOpenCalls: 2,
        redact: ({ attribute, value }) => {
          if (attribute.includes("tool")) throw new Error("redact hook bug");
          return value;
        },
      }),
    ];
  },
  event: event as fc.Arbitrary<Event>,
  maxEvents: 12,
  feed: async (integration, events) => {
    const hooks = integration as unknown as Hooks;
    // Wrapper calls overlap the events that follow them, as in a real call.
    const pending: Promise<void>[] = [];
    for (const [hook, arg] of events) {
      if (hook === "executeLanguageModelCall" || hook === "executeTool")
        pending.push(callWrapper(hooks, hook, arg as WrapperCall));
      else expect(hooks[hook]?.(arg)).toBeUndefined();
    }
    await Promise.all(pending);
  },
  end: (integration) => integration.endOpenCalls(),
  openRuns: (integration) => integration.openCalls,
});

afterAll(() => h.shutdown());
