import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { checkExported, garbage, MAX_CONTENT, num, sometimes } from "@otel-agents/testing/adversarial";
import { adversarialContract } from "@otel-agents/testing/contract";
import type { ReadableSpan } from "@otel-agents/testing/harness";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenTelemetryCallbackHandler } from "../src/index.js";
import { trackedRunCount } from "../src/step-context.js";
import { h } from "./helpers.js";

// The handler's public hooks, driven the way LangChain's CallbackManager calls them (its runtime
// argument order) but with generated garbage and in any order: ends before starts, ends twice,
// unknown parents, missing run ids, errors that are strings, null or objects whose getters throw,
// circular and BigInt metadata, 10 MB strings, lone surrogates, NaN and negative token counts.
// Nothing may throw, every span started must end (at the latest at `endOpenRuns()`), and only
// attribute values of supported types and sizes may reach the exporter.

const RUNS = Number(process.env.FC_RUNS ?? 10_000);

const serialized = sometimes(
  fc.record(
    {
      lc: fc.constant(1),
      type: fc.constantFrom("constructor", "not_implemented", "secret"),
      id: fc.oneof(
        fc.constantFrom(
          ["langchain", "chat_models", "openai", "ChatOpenAI"],
          ["langgraph", "CompiledStateGraph"],
          ["langchain_core", "runnables", "RunnableLambda"],
          ["langchain_core", "runnables", "RunnableSequence"],
        ),
        fc.array(garbage, { maxLength: 3 }),
      ),
      kwargs: sometimes(fc.record({ model: garbage, description: garbage, temperature: num }, { requiredKeys: [] })),
      name: garbage,
    },
    { requiredKeys: [] },
  ),
);
const metadata = sometimes(
  fc.record(
    {
      ls_provider: garbage,
      ls_model_name: garbage,
      ls_temperature: num,
      ls_max_tokens: num,
      ls_stop: garbage,
      ls_retriever_k: num,
      lc_agent_name: garbage,
      ls_integration: fc.oneof(fc.constant("langchain_create_agent"), garbage),
      langgraph_node: fc.oneof(fc.constantFrom("agent", "tools", "__start__"), garbage),
      langgraph_step: num,
      langgraph_triggers: garbage,
      thread_id: garbage,
    },
    { requiredKeys: [] },
  ),
);
const tags = fc.oneof(
  fc.constant(["langsmith:hidden"]),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), garbage), { maxLength: 2 }),
  garbage,
);
const runName = fc.oneof(fc.constantFrom("agent", "tools", "__start__", "LangGraph", "RunnableLambda"), garbage);
const extraParams = sometimes(
  fc.record(
    {
      invocation_params: sometimes(
        fc.record({ model: garbage, temperature: num, max_tokens: num, stop: garbage, tools: garbage }, { requiredKeys: [] }),
      ),
      options: garbage,
    },
    { requiredKeys: [] },
  ),
);
const message = fc.oneof(
  fc.constant(new HumanMessage("hello")),
  fc.constant(new AIMessage({ content: "", tool_calls: [{ name: "t", args: { a: 1 }, id: "c1" }] })),
  fc.constant(new ToolMessage({ content: "r", tool_call_id: "c1" })),
  fc.record({ _getType: fc.constant(() => "human"), content: garbage }, { requiredKeys: [] }),
  fc.record({ type: garbage, role: garbage, content: garbage, tool_calls: garbage }, { requiredKeys: [] }),
  garbage,
);
const messages = sometimes(fc.array(fc.oneof(fc.array(message, { maxLength: 3 }), garbage), { maxLength: 2 }));
const usageMetadata = sometimes(
  fc.record(
    { input_tokens: num, output_tokens: num, input_token_details: garbage, output_token_details: garbage },
    { requiredKeys: [] },
  ),
);
const llmResult = sometimes(
  fc.record(
    {
      generations: sometimes(
        fc.array(
          fc.array(
            fc.record(
              {
                text: garbage,
                generationInfo: garbage,
                message: sometimes(
                  fc.record(
                    {
                      id: garbage,
                      content: garbage,
                      usage_metadata: usageMetadata,
                      response_metadata: sometimes(
                        fc.record({ finish_reason: garbage, model_name: garbage, id: garbage }, { requiredKeys: [] }),
                      ),
                    },
                    { requiredKeys: [] },
                  ),
                ),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
          { maxLength: 2 },
        ),
      ),
      llmOutput: sometimes(fc.record({ tokenUsage: sometimes(fc.record({ promptTokens: num, completionTokens: num })) })),
    },
    { requiredKeys: [] },
  ),
);
const documents = sometimes(
  fc.array(fc.record({ pageContent: garbage, metadata: garbage, id: garbage }, { requiredKeys: [] }), { maxLength: 3 }),
);
const error = fc.oneof(
  fc.constant(new Error("plain")),
  fc.constant(Object.assign(new Error("interrupted"), { name: "GraphInterrupt" })),
  fc.constant("a string"),
  fc.constant(null),
  garbage,
);

// Run ids: a small pool so that sequences hit the same runs, plus ids that are missing or no string.
const ID_POOL = Array.from({ length: 6 }, (_, i) => `019a0000-0000-7000-8000-00000000000${i}`);
const runId = fc.oneof({ arbitrary: fc.constantFrom(...ID_POOL), weight: 12 }, { arbitrary: garbage, weight: 1 });
const parentRunId = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...ID_POOL),
  fc.constant("019a0000-0000-7000-8000-0000000000ff"),
  garbage,
);

type Hooks = Record<string, (...args: unknown[]) => unknown>;

// Each event is one hook call with LangChain's runtime argument order.
const event = fc.oneof(
  fc.tuple(fc.constant("handleChainStart"), fc.tuple(serialized, garbage, runId, parentRunId, tags, metadata, garbage, runName)),
  fc.tuple(fc.constant("handleChainEnd"), fc.tuple(sometimes(fc.record({ output: garbage })), runId, parentRunId, tags, garbage)),
  fc.tuple(fc.constant("handleChainError"), fc.tuple(error, runId, parentRunId, tags, garbage)),
  fc.tuple(
    fc.constant("handleChatModelStart"),
    fc.tuple(serialized, messages, runId, parentRunId, extraParams, tags, metadata, runName),
  ),
  fc.tuple(
    fc.constant("handleLLMStart"),
    fc.tuple(
      serialized,
      sometimes(fc.array(garbage, { maxLength: 2 })),
      runId,
      parentRunId,
      extraParams,
      tags,
      metadata,
      runName,
    ),
  ),
  fc.tuple(fc.constant("handleLLMNewToken"), fc.tuple(garbage, garbage, runId, parentRunId, tags, garbage)),
  fc.tuple(fc.constant("handleLLMEnd"), fc.tuple(llmResult, runId, parentRunId, tags, garbage)),
  fc.tuple(fc.constant("handleLLMError"), fc.tuple(error, runId, parentRunId, tags, garbage)),
  fc.tuple(
    fc.constant("handleToolStart"),
    fc.tuple(serialized, garbage, runId, parentRunId, tags, metadata, runName, fc.oneof(fc.constant("call_1"), garbage)),
  ),
  fc.tuple(
    fc.constant("handleToolEnd"),
    fc.tuple(
      fc.oneof(fc.constant(new ToolMessage({ content: "ok", tool_call_id: "call_1" })), garbage),
      runId,
      parentRunId,
      tags,
    ),
  ),
  fc.tuple(fc.constant("handleToolError"), fc.tuple(error, runId, parentRunId, tags)),
  fc.tuple(fc.constant("handleRetrieverStart"), fc.tuple(serialized, garbage, runId, parentRunId, tags, metadata, runName)),
  fc.tuple(fc.constant("handleRetrieverEnd"), fc.tuple(documents, runId, parentRunId, tags)),
  fc.tuple(fc.constant("handleRetrieverError"), fc.tuple(error, runId, parentRunId, tags)),
);

type Event = [string, unknown[]];

const { instances, started } = adversarialContract<OpenTelemetryCallbackHandler, Event>({
  harness: h,
  // Capture on with a small limit in half of the runs; tiny run limits and kept hidden runs in some.
  instances: (tracerProvider) => {
    const base = { tracerProvider, meterProvider: h.meterProvider };
    return [
      new OpenTelemetryCallbackHandler({ ...base }),
      new OpenTelemetryCallbackHandler({ ...base, captureContent: true, maxContentLength: MAX_CONTENT }),
      new OpenTelemetryCallbackHandler({ ...base, keepHiddenRuns: true, maxOpenRuns: 3 }),
      new OpenTelemetryCallbackHandler({
        ...base,
        captureContent: true,
        maxContentLength: MAX_CONTENT,
        keepHiddenRuns: true,
        maxOpenRuns: 3,
        redact: ({ attribute, value }) => {
          if (attribute.includes("tool")) throw new Error("redact hook bug");
          return value;
        },
      }),
    ];
  },
  event: event as fc.Arbitrary<Event>,
  maxEvents: 10,
  feed: (handler, events) => {
    const hooks = handler as unknown as Hooks;
    for (const [hook, args] of events) hooks[hook]?.(...args);
  },
  end: (handler) => handler.endOpenRuns(),
  openRuns: (handler) => handler.openRuns,
  leftovers: trackedRunCount,
});

describe("adversarial input to the LangChain handler", () => {
  it("survives any hook called with any arguments, including hooks the handler does not override", () => {
    const handler = instances[3] as OpenTelemetryCallbackHandler;
    const hooks = handler as unknown as Hooks;
    const names = Object.getOwnPropertyNames(Object.getPrototypeOf(Object.getPrototypeOf(handler)))
      .concat(Object.getOwnPropertyNames(OpenTelemetryCallbackHandler.prototype))
      .filter((k) => k.startsWith("handle") && typeof hooks[k] === "function");
    expect(names.length).toBeGreaterThanOrEqual(14);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...names), fc.array(fc.oneof(runId, garbage), { maxLength: 9 })), { maxLength: 8 }),
        (calls) => {
          h.reset();
          started.length = 0;
          for (const [hook, args] of calls) {
            // Hooks the handler leaves to BaseCallbackHandler are no-ops there; ours must not throw either.
            const result = hooks[hook]?.(...args);
            expect(result === undefined || result instanceof Promise).toBe(true);
          }
          handler.endOpenRuns();
          expect(handler.openRuns).toBe(0);
          expect(started.filter((s) => !(s as unknown as ReadableSpan).ended)).toEqual([]);
          checkExported(h.spans());
        },
      ),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });
});
