import { context, ROOT_CONTEXT, type Span, SpanKind, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { assertConformance } from "@otel-agents/testing/conformance";
import { ensureGlobalContext } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { describe, expect, it } from "vitest";
import { type CoexistenceOptions, CoexistenceSpanProcessor } from "../src/coexistence/inference-spans.js";
import { GenAITelemetry } from "../src/telemetry.js";

ensureGlobalContext();

function setup(options?: CoexistenceOptions) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new CoexistenceSpanProcessor(new SimpleSpanProcessor(exporter), options)],
  });
  const ours = new GenAITelemetry({ name: "@otel-agents/test" }, { tracerProvider });
  const provider = tracerProvider.getTracer("provider-instrumentation");
  const http = tracerProvider.getTracer("http-instrumentation");
  /** A provider instrumentation's call, as OpenInference makes it: its span active around the HTTP request. */
  const providerCall = (attributes: Record<string, string | number>) =>
    provider.startActiveSpan("OpenAI Chat Completions", { attributes }, (span) => {
      const request = http.startSpan("POST", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST" } });
      request.end();
      span.end();
    });
  /** An agent making one model call, the provider call running with our chat span active (as the adapters do). */
  const agentTurn = (attributes: Record<string, string>) => {
    const agent = ours.start({ operation: "invoke_agent", agent: { name: "A" } });
    const chat = ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent });
    context.with(chat.context, () => providerCall(attributes));
    chat.end();
    agent.end();
  };
  const spans = () => {
    const s = exporter.getFinishedSpans();
    assertConformance(s);
    return s;
  };
  return { agentTurn, providerCall, ours, provider, spans };
}

const OPENINFERENCE_LLM = { "openinference.span.kind": "LLM" };
const GENAI_CHAT = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai" };

describe("CoexistenceSpanProcessor", () => {
  it("suppress-inner (default): the provider's span under ours is withheld, its HTTP span moves under ours", () => {
    for (const attributes of [OPENINFERENCE_LLM, GENAI_CHAT, { "llm.request.type": "chat" }]) {
      const t = setup();
      t.agentTurn(attributes);
      const spans = t.spans();
      expect(shape(spanTree(spans))).toEqual([{ "invoke_agent A [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["POST [CLIENT]"] }] }]);
      const chat = spans.find((s) => s.name === "chat gpt-4o");
      const post = spans.find((s) => s.name === "POST");
      expect(post?.parentSpanContext?.spanId).toBe(chat?.spanContext().spanId);
      expect(post?.spanContext().traceId).toBe(chat?.spanContext().traceId);
    }
  });

  it("recognises a provider span whose attributes are set after start (OpenInference does), its HTTP child ending first", () => {
    const t = setup();
    const agent = t.ours.start({ operation: "invoke_agent", agent: { name: "A" } });
    const chat = t.ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent });
    context.with(chat.context, () =>
      t.provider.startActiveSpan("OpenAI Chat Completions", (span) => {
        span.setAttributes(OPENINFERENCE_LLM);
        t.provider.startSpan("POST", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST" } }).end();
        span.end();
      }),
    );
    chat.end();
    agent.end();
    expect(shape(spanTree(t.spans()))).toEqual([
      { "invoke_agent A [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["POST [CLIENT]"] }] },
    ]);
  });

  it.each<CoexistenceOptions>([{}, { inferenceSpans: "keep-both" }])(
    "the request facts ours lacks are copied from the provider's span, nothing else (%o)",
    (options) => {
      const t = setup(options);
      const agent = t.ours.start({ operation: "invoke_agent", agent: { name: "A" } });
      const chat = t.ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent });
      const attributes = {
        ...GENAI_CHAT,
        "gen_ai.request.model": "gpt-4o-2024-08-06",
        "gen_ai.request.temperature": 0.2,
        "server.address": "api.openai.com",
        "server.port": 443,
        "gen_ai.response.id": "theirs",
      };
      t.provider.startSpan("chat gpt-4o-2024-08-06", { kind: SpanKind.CLIENT, attributes }, chat.context).end();
      chat.end({ usage: { inputTokens: 3, outputTokens: 1 } });
      agent.end();
      expect(
        t.spans().find((s) => s.instrumentationScope.name === "@otel-agents/test" && s.name === "chat gpt-4o")?.attributes,
      ).toEqual({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.request.temperature": 0.2,
        "server.address": "api.openai.com",
        "server.port": 443,
        "gen_ai.usage.input_tokens": 3,
        "gen_ai.usage.output_tokens": 1,
      });
    },
  );

  it("keep-both: both inference spans, the provider's as a child of ours", () => {
    const t = setup({ inferenceSpans: "keep-both" });
    t.agentTurn(OPENINFERENCE_LLM);
    expect(shape(spanTree(t.spans()))).toEqual([
      {
        "invoke_agent A [INTERNAL]": [{ "chat gpt-4o [CLIENT]": [{ "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] }] }],
      },
    ]);
  });

  it("httpSpans drop: the model call's HTTP span goes too, in either mode", () => {
    const both = setup({ inferenceSpans: "keep-both", httpSpans: "drop" });
    both.agentTurn(OPENINFERENCE_LLM);
    expect(shape(spanTree(both.spans()))).toEqual([
      { "invoke_agent A [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["OpenAI Chat Completions [INTERNAL]"] }] },
    ]);
    const one = setup({ httpSpans: "drop" });
    one.agentTurn(OPENINFERENCE_LLM);
    expect(shape(spanTree(one.spans()))).toEqual([{ "invoke_agent A [INTERNAL]": ["chat gpt-4o [CLIENT]"] }]);
  });

  it("leaves alone provider spans that are not under an inference span of ours", () => {
    const t = setup();
    // A model call of the app's own, and one under our agent span (not under a chat span of ours).
    t.providerCall(OPENINFERENCE_LLM);
    const agent = t.ours.start({ operation: "invoke_agent", agent: { name: "A" } });
    context.with(agent.context, () => t.providerCall({ "llm.request.type": "chat" }));
    agent.end();
    expect(shape(spanTree(t.spans()))).toEqual([
      { "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] },
      { "invoke_agent A [INTERNAL]": [{ "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] }] },
    ]);
  });

  it("a span that ends after the withheld one (a stream read after the call returned) still moves under ours", () => {
    const t = setup();
    const agent = t.ours.start({ operation: "invoke_agent", agent: { name: "A" } });
    const chat = t.ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent });
    let late: Span | undefined;
    context.with(chat.context, () => {
      const inner = t.provider.startSpan("OpenAI Chat Completions", { attributes: OPENINFERENCE_LLM });
      context.with(trace.setSpan(context.active(), inner), () => {
        late = t.provider.startSpan("read stream");
      });
      inner.end();
    });
    late?.end();
    chat.end();
    agent.end();
    expect(shape(spanTree(t.spans()))).toEqual([
      { "invoke_agent A [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["read stream [INTERNAL]"] }] },
    ]);
  });
});

/**
 * Siblings in one canonical order: ours get their start time as epoch milliseconds (a double, a
 * fraction of a microsecond coarse at today's epoch) and the other instrumentations from the SDK's
 * clock, so siblings of both started microseconds apart may sort either way.
 */
function canonical(nodes: unknown[]): unknown[] {
  const node = (n: unknown) =>
    typeof n === "string"
      ? n
      : Object.fromEntries(Object.entries(n as Record<string, unknown[]>).map(([k, v]) => [k, canonical(v)]));
  return nodes.map(node).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe("CoexistenceSpanProcessor: memory", () => {
  it("remembers withheld spans for their late children for between maxTracked/2 and maxTracked drops", () => {
    const t = setup({ maxTracked: 4 });
    const agent = t.ours.start({ operation: "invoke_agent", agent: { name: "A" } });
    /** One model call whose provider span is withheld; returns a child of it that has not ended yet. */
    const call = () => {
      const chat = t.ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent });
      let late: Span | undefined;
      context.with(chat.context, () => {
        const inner = t.provider.startSpan("OpenAI Chat Completions", { attributes: OPENINFERENCE_LLM });
        late = t.provider.startSpan("read stream", {}, trace.setSpan(context.active(), inner));
        inner.end();
      });
      chat.end();
      return { late, chat };
    };
    const first = call();
    for (let i = 0; i < 3; i++) call().late?.end();
    first.late?.end(); // 3 drops later: still known
    const second = call();
    for (let i = 0; i < 4; i++) call().late?.end();
    second.late?.end(); // 4 drops later (two generations turned over): forgotten, exported where it was
    agent.end();
    const spans = t.spans();
    const parentOfLate = (chat: { span: { spanContext(): { spanId: string } } }) =>
      spans.find((s) => s.name === "read stream" && s.parentSpanContext?.spanId === chat.span.spanContext().spanId);
    expect(parentOfLate(first.chat)).toBeDefined();
    expect(parentOfLate(second.chat)).toBeUndefined();
    expect(spans.filter((s) => s.name === "read stream")).toHaveLength(9);
  });
});

// LangChain's shape: the model call is reported through callbacks while the provider request runs
// in the enclosing step's context, so the provider's span is a sibling of our chat span.
describe("CoexistenceSpanProcessor: a provider span beside ours (same active parent)", () => {
  function besideSetup(options?: CoexistenceOptions) {
    const t = setup(options);
    const agent = t.ours.start({ operation: "invoke_agent", agent: { name: "A" } });
    const step = t.ours.start({ operation: "step", step: { type: "node", name: "model_request" }, parent: agent });
    /** Our chat span under the step, started from a callback (LangChain runs them outside the step's context). */
    const chat = (requestModel?: string) => t.ours.start({ operation: "chat", provider: "openai", requestModel, parent: step });
    /** The provider's call, run in the step's context. */
    const inStep = (fn: () => void) => context.with(step.context, fn);
    /** `@opentelemetry/instrumentation-openai`'s span for a model call, with its HTTP child. */
    const contribCall = (model: string) =>
      t.provider.startActiveSpan(`chat ${model}`, { kind: SpanKind.CLIENT, attributes: CONTRIB(model) }, (span) => {
        t.provider.startSpan("POST", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST" } }).end();
        span.end();
      });
    const finish = () => {
      step.end();
      agent.end();
      return canonical(shape(spanTree(t.spans())));
    };
    return { ...t, chat, inStep, contribCall, finish };
  }
  const CONTRIB = (model: string) => ({
    "gen_ai.operation.name": "chat",
    "gen_ai.request.model": model,
    "gen_ai.provider.name": "openai",
  });

  it("suppress-inner: the provider's span is withheld and its HTTP span moves under our chat", () => {
    const t = besideSetup();
    const chat = t.chat("gpt-4o");
    t.inStep(() => t.contribCall("gpt-4o"));
    chat.end();
    const tree = t.finish();
    expect(tree).toEqual([
      { "invoke_agent A [INTERNAL]": [{ "model_request [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["POST [CLIENT]"] }] }] },
    ]);
  });

  it("keep-both: the provider's span moves under our chat, its HTTP span with it", () => {
    const t = besideSetup({ inferenceSpans: "keep-both" });
    const chat = t.chat("gpt-4o");
    t.inStep(() => t.providerCall(OPENINFERENCE_LLM));
    chat.end();
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            {
              "model_request [INTERNAL]": [
                { "chat gpt-4o [CLIENT]": [{ "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] }] },
              ],
            },
          ],
        },
      ]),
    );
  });

  it("a chain: the provider's span under the span that was active when ours started (ours is under the chain's)", () => {
    const t = setup();
    const app = t.provider;
    app.startActiveSpan("POST /translate", (request) => {
      const chain = t.ours.start({ operation: "invoke_workflow", workflowName: "translate" });
      const chat = t.ours.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: chain });
      app.startActiveSpan("chat gpt-4o", { kind: SpanKind.CLIENT, attributes: CONTRIB("gpt-4o") }, (span) => {
        app.startSpan("POST", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST" } }).end();
        span.end();
      });
      chat.end();
      chain.end();
      request.end();
    });
    expect(canonical(shape(spanTree(t.spans())))).toEqual([
      {
        "POST /translate [INTERNAL]": [
          { "invoke_workflow translate [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["POST [CLIENT]"] }] },
        ],
      },
    ]);
  });

  /** OpenInference's call: attributes set only after start, the model overwritten by the response's when it returns. */
  const openInferenceCall = (t: ReturnType<typeof besideSetup>, model: string, http: boolean) => {
    const span = t.provider.startSpan("OpenAI Chat Completions");
    span.setAttributes({
      ...OPENINFERENCE_LLM,
      "llm.model_name": model,
      "llm.invocation_parameters": JSON.stringify({ model, temperature: 0 }),
    });
    if (http) {
      const post = t.provider.startSpan(
        "POST",
        { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST" } },
        trace.setSpan(context.active(), span),
      );
      post.end();
    }
    span.setAttribute("llm.model_name", `${model}-2024-07-18`);
    span.end();
  };

  it.each([true, false])(
    "OpenInference's span (attributes after start, response model at end), HTTP child %s: paired like contrib's",
    (http) => {
      const t = besideSetup();
      const chat = t.chat("gpt-4o-mini");
      t.inStep(() => openInferenceCall(t, "gpt-4o-mini", http));
      chat.end();
      const call = http ? { "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] } : "chat gpt-4o-mini [CLIENT]";
      expect(t.finish()).toEqual([{ "invoke_agent A [INTERNAL]": [{ "model_request [INTERNAL]": [call] }] }]);
    },
  );

  it("OpenInference's span beside ours, keep-both: moved under ours; another model is not ours", () => {
    const t = besideSetup({ inferenceSpans: "keep-both" });
    const chat = t.chat("gpt-4o-mini");
    t.inStep(() => openInferenceCall(t, "gpt-4o-mini", true));
    t.inStep(() => openInferenceCall(t, "gpt-4o", false));
    chat.end();
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            {
              "model_request [INTERNAL]": [
                "OpenAI Chat Completions [INTERNAL]",
                { "chat gpt-4o-mini [CLIENT]": [{ "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] }] },
              ],
            },
          ],
        },
      ]),
    );
  });

  it("two OpenInference spans open at once for one call of ours: both kept where they are", () => {
    const t = besideSetup();
    const chat = t.chat("gpt-4o-mini");
    t.inStep(() => {
      const a = t.provider.startSpan("OpenAI Chat Completions");
      a.setAttributes({ ...OPENINFERENCE_LLM, "llm.model_name": "gpt-4o-mini" });
      const b = t.provider.startSpan("OpenAI Chat Completions");
      b.setAttributes({ ...OPENINFERENCE_LLM, "llm.model_name": "gpt-4o-mini" });
      a.end();
      b.end();
    });
    chat.end();
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            {
              "model_request [INTERNAL]": [
                "OpenAI Chat Completions [INTERNAL]",
                "OpenAI Chat Completions [INTERNAL]",
                "chat gpt-4o-mini [CLIENT]",
              ],
            },
          ],
        },
      ]),
    );
  });

  it("a span beside ours that turns out not to be a model call is left alone, with its children", () => {
    const t = besideSetup({ httpSpans: "drop" });
    const chat = t.chat("gpt-4o-mini");
    t.inStep(() =>
      t.provider.startActiveSpan("lookup", (span) => {
        span.setAttribute("db.system", "redis");
        t.provider.startSpan("GET", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "GET" } }).end();
        span.end();
      }),
    );
    chat.end();
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            { "model_request [INTERNAL]": ["chat gpt-4o-mini [CLIENT]", { "lookup [INTERNAL]": ["GET [CLIENT]"] }] },
          ],
        },
      ]),
    );
  });

  it("two calls of ours open under one step, same model: ambiguous, both kept where they are", () => {
    const t = besideSetup();
    const first = t.chat("gpt-4o");
    const second = t.chat("gpt-4o");
    t.inStep(() => t.contribCall("gpt-4o"));
    first.end();
    second.end();
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            {
              "model_request [INTERNAL]": [
                "chat gpt-4o [CLIENT]",
                "chat gpt-4o [CLIENT]",
                { "chat gpt-4o [CLIENT]": ["POST [CLIENT]"] },
              ],
            },
          ],
        },
      ]),
    );
    const theirs = t
      .spans()
      .filter((s) => s.instrumentationScope.name === "provider-instrumentation" && s.name.startsWith("chat"));
    expect(theirs).toHaveLength(1);
  });

  it("two calls of ours open under one step, different models: the provider's model picks ours", () => {
    const t = besideSetup({ inferenceSpans: "keep-both" });
    const big = t.chat("gpt-4o");
    const small = t.chat("gpt-4o-mini");
    t.inStep(() => t.contribCall("gpt-4o-mini"));
    big.end();
    small.end();
    const spans = t.spans();
    const theirs = spans.find((s) => s.instrumentationScope.name === "provider-instrumentation" && s.name.startsWith("chat"));
    expect(theirs?.parentSpanContext?.spanId).toBe(small.span.spanContext().spanId);
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            {
              "model_request [INTERNAL]": [
                "chat gpt-4o [CLIENT]",
                { "chat gpt-4o-mini [CLIENT]": [{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }] },
              ],
            },
          ],
        },
      ]),
    );
  });

  it("a provider span asking for another model than ours is not ours", () => {
    const t = besideSetup();
    const chat = t.chat("gpt-4o");
    t.inStep(() => t.contribCall("text-embedding-3-small"));
    chat.end();
    expect(t.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            {
              "model_request [INTERNAL]": ["chat gpt-4o [CLIENT]", { "chat text-embedding-3-small [CLIENT]": ["POST [CLIENT]"] }],
            },
          ],
        },
      ]),
    );
  });

  it("retries one after another are both the same call; two provider calls at once are kept", () => {
    const retried = besideSetup();
    const chat = retried.chat("gpt-4o");
    retried.inStep(() => retried.contribCall("gpt-4o"));
    retried.inStep(() => retried.contribCall("gpt-4o"));
    chat.end();
    expect(retried.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            { "model_request [INTERNAL]": [{ "chat gpt-4o [CLIENT]": ["POST [CLIENT]", "POST [CLIENT]"] }] },
          ],
        },
      ]),
    );

    const parallel = besideSetup();
    const one = parallel.chat("gpt-4o");
    parallel.inStep(() => {
      const a = parallel.provider.startSpan("chat gpt-4o", { kind: SpanKind.CLIENT, attributes: CONTRIB("gpt-4o") });
      const b = parallel.provider.startSpan("chat gpt-4o", { kind: SpanKind.CLIENT, attributes: CONTRIB("gpt-4o") });
      a.end();
      b.end();
    });
    one.end();
    expect(parallel.finish()).toEqual(
      canonical([
        {
          "invoke_agent A [INTERNAL]": [
            { "model_request [INTERNAL]": ["chat gpt-4o [CLIENT]", "chat gpt-4o [CLIENT]", "chat gpt-4o [CLIENT]"] },
          ],
        },
      ]),
    );
    expect(parallel.spans().filter((s) => s.instrumentationScope.name === "provider-instrumentation")).toHaveLength(2);
  });

  it("other spans under the step during our call, and calls with no active span, are left alone", () => {
    const t = besideSetup({ httpSpans: "drop" });
    const http = t.provider;
    const chat = t.chat("gpt-4o");
    t.inStep(() =>
      http.startActiveSpan("lookup", (span) => {
        http.startSpan("GET", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "GET" } }).end();
        span.end();
      }),
    );
    // A root provider span (nothing active) while ours is open: nothing says it is ours.
    context.with(ROOT_CONTEXT, () => t.contribCall("gpt-4o"));
    chat.end();
    expect(t.finish()).toEqual(
      canonical([
        { "chat gpt-4o [CLIENT]": ["POST [CLIENT]"] },
        {
          "invoke_agent A [INTERNAL]": [
            { "model_request [INTERNAL]": ["chat gpt-4o [CLIENT]", { "lookup [INTERNAL]": ["GET [CLIENT]"] }] },
          ],
        },
      ]),
    );
  });
});
