import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
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
  const providerCall = (attributes: Record<string, string>) =>
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
