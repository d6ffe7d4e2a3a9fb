import { garbage, MAX_CONTENT, num, sometimes } from "@otel-agents/testing/adversarial";
import { adversarialContract } from "@otel-agents/testing/contract";
import fc from "fast-check";
import { OpenTelemetryTracingProcessor, type OpenTelemetryTracingProcessorOptions } from "../src/index.js";
import { h } from "./setup.js";

// The processor's public methods, driven directly with generated traces and spans in any order:
// span ends before starts, ends twice, unknown parents and traces, missing ids, span data of every
// type with wrong values, errors that are strings, null or objects whose getters throw, circular
// and BigInt values, 10 MB strings, lone surrogates, NaN and negative token counts, shutdown and
// flush in the middle. Every method must resolve (never throw or reject), every span started must
// end (at the latest at `shutdown()`), and only attribute values of supported types and sizes may
// reach the exporter.

const TRACE_IDS = ["trace_00000000000000000000000000000001", "trace_00000000000000000000000000000002"];
const SPAN_IDS = Array.from({ length: 6 }, (_, i) => `span_00000000000000000000000${i}`);
const traceId = fc.oneof({ arbitrary: fc.constantFrom(...TRACE_IDS), weight: 12 }, { arbitrary: garbage, weight: 1 });
const spanId = fc.oneof({ arbitrary: fc.constantFrom(...SPAN_IDS), weight: 12 }, { arbitrary: garbage, weight: 1 });
const parentId = fc.oneof(fc.constant(null), fc.constantFrom(...SPAN_IDS), fc.constant("span_unknown"), garbage);
const usage = sometimes(
  fc.record(
    {
      input_tokens: num,
      output_tokens: num,
      cached_input_tokens: num,
      reasoning_tokens: num,
      prompt_tokens: num,
      completion_tokens: num,
      input_tokens_details: garbage,
    },
    { requiredKeys: [] },
  ),
);
const items = sometimes(
  fc.array(
    sometimes(
      fc.record(
        {
          type: fc.oneof(fc.constantFrom("message", "function_call", "function_call_output", "reasoning"), garbage),
          role: fc.oneof(fc.constantFrom("user", "assistant", "system"), garbage),
          content: garbage,
          name: garbage,
          arguments: garbage,
          callId: garbage,
          call_id: garbage,
          output: garbage,
        },
        { requiredKeys: [] },
      ),
    ),
    { maxLength: 3 },
  ),
);
const spanData = fc.oneof(
  fc.record(
    { type: fc.constant("agent"), name: garbage, tools: garbage, handoffs: garbage, output_type: garbage },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("function"),
      name: fc.oneof(fc.constant("get_weather"), garbage),
      input: garbage,
      output: garbage,
      mcp_data: garbage,
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("generation"),
      model: garbage,
      model_config: sometimes(fc.record({ provider: garbage, temperature: num, max_tokens: num }, { requiredKeys: [] })),
      input: items,
      output: items,
      usage,
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("response"),
      response_id: garbage,
      _response: sometimes(
        fc.record({ id: garbage, model: garbage, output: items, usage, status: garbage }, { requiredKeys: [] }),
      ),
      _input: items,
      usage,
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("turn"), agent_name: garbage, usage }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("task"), name: garbage, usage }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("handoff"), from_agent: garbage, to_agent: garbage }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("guardrail"), name: garbage, triggered: garbage }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("custom"), name: garbage, data: garbage }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("mcp_tools"), server: garbage, result: garbage }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constantFrom("speech", "transcription", "speech_group"), model: garbage }, { requiredKeys: ["type"] }),
  fc.record({ type: garbage }),
  garbage,
);
const spanError = fc.oneof(
  { arbitrary: fc.constant(null), weight: 6 },
  { arbitrary: fc.constant({ message: "Error in agent run", data: { error: "BoomError: boom" } }), weight: 1 },
  { arbitrary: fc.constant({ message: "x", data: { error: "Error: 429 Rate limit reached" } }), weight: 1 },
  { arbitrary: fc.record({ message: garbage, data: sometimes(fc.record({ error: garbage })) }, { requiredKeys: [] }), weight: 1 },
  { arbitrary: garbage, weight: 1 },
);
const span = sometimes(
  fc.record(
    { traceId, spanId, parentId, spanData, error: spanError, startedAt: garbage, endedAt: garbage },
    { requiredKeys: ["traceId", "spanId", "spanData"] },
  ),
);
const traceObject = sometimes(
  fc.record({ traceId, name: garbage, groupId: garbage, metadata: garbage }, { requiredKeys: ["traceId"] }),
);

const event = fc.oneof(
  { arbitrary: fc.tuple(fc.constant("onTraceStart"), traceObject), weight: 3 },
  { arbitrary: fc.tuple(fc.constant("onTraceEnd"), traceObject), weight: 2 },
  { arbitrary: fc.tuple(fc.constant("onSpanStart"), span), weight: 6 },
  { arbitrary: fc.tuple(fc.constant("onSpanEnd"), span), weight: 6 },
  { arbitrary: fc.tuple(fc.constant("forceFlush"), fc.constant(undefined)), weight: 1 },
  { arbitrary: fc.tuple(fc.constant("shutdown"), garbage), weight: 1 },
);

type Hooks = Record<string, (arg: unknown) => unknown>;

type Event = [string, unknown];

let sequence = 0;

function ownTrace(arg: unknown, suffix: string): unknown {
  if (typeof arg !== "object" || arg === null || Array.isArray(arg) || !Object.hasOwn(arg, "traceId")) return arg;
  const traceId = (arg as { traceId: unknown }).traceId;
  return typeof traceId === "string" && TRACE_IDS.includes(traceId) ? { ...arg, traceId: traceId + suffix } : arg;
}

adversarialContract<OpenTelemetryTracingProcessor, Event>({
  harness: h,
  // Capture on with a small limit in half of the runs; a tiny span limit (eviction) in some.
  instances: (tracerProvider) => {
    const base = { tracerProvider, meterProvider: h.meterProvider };
    const configs: OpenTelemetryTracingProcessorOptions[] = [
      { ...base },
      { ...base, captureContent: true, maxContentLength: MAX_CONTENT },
      { ...base, maxOpenRuns: 2, useAgentsTraceId: true },
      {
        ...base,
        captureContent: true,
        maxContentLength: MAX_CONTENT,
        maxOpenRuns: 2,
        customModelInfo: (name) => (name.length % 2 ? { provider: name, model: name } : (undefined as never)),
        redact: ({ attribute, value }) => {
          if (attribute.includes("tool")) throw new Error("redact hook bug");
          return value;
        },
      },
    ];
    return configs.map((options) => new OpenTelemetryTracingProcessor(options));
  },
  event: event as fc.Arbitrary<Event>,
  maxEvents: 8,
  feed: async (processor, events) => {
    const hooks = processor as unknown as Hooks;
    // Shutdown closes a processor's traces for good: each sequence gets trace ids of its own.
    const suffix = `_${++sequence}`;
    for (const [hook, arg] of events) {
      const result = hooks[hook]?.(ownTrace(arg, suffix));
      if (!(result instanceof Promise)) throw new Error(`${hook} returned no promise`);
      // A rejection fails the property here.
      if ((await result) !== undefined) throw new Error(`${hook} resolved to a value`);
    }
  },
  end: (processor) => processor.shutdown(),
  openRuns: (processor) => processor.openRuns,
});
