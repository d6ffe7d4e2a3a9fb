import { ChatPromptTemplate } from "@langchain/core/prompts";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import type { CoexistenceOptions } from "@otel-agents/core";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { missingExpected } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { createAgent } from "langchain";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CONTRIB_SCOPE,
  canonical,
  DROP_CONTRIB_METRICS,
  expectCovers,
  expectEachCallCountedOnce,
  expectOneTrace,
  inferenceSpans,
  parentOf,
  providers,
  type Setup,
} from "./support.js";

// @langchain/openai 1.5.8 (the newest on `openai` 6; 1.5.9 moved to 7) loads `openai` with an ESM
// import, which @opentelemetry/instrumentation-openai patches through the import-in-the-middle hook.
// LangChain runs the provider call in the enclosing step's context, so the contrib span starts
// beside our chat span, not under it: the coexistence processor pairs them (see the core README).

const OURS = "@otel-agents/langchain";
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const getWeather = tool(async ({ city }: { city: string }) => `snow in ${city}`, {
  name: "get_weather",
  description: "Get the weather of a city",
  schema: z.object({ city: z.string() }),
});

async function weatherAgent(p: Setup): Promise<void> {
  server = await startOpenAIServer({
    replies: [
      { toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }], usage: { input: 42, output: 7 } },
      { text: "Snow in Bern", usage: { input: 61, output: 3 } },
    ],
  });
  const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.url } });
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider });
  const agent = createAgent({ model, tools: [getWeather], name: "weather" });
  const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Bern?" }] }, { callbacks: [handler] });
  expect(result.messages.at(-1)?.content).toBe("Snow in Bern");
  expect(server.requests).toHaveLength(2);
}

const agentTree = (chat: unknown) => [
  {
    "invoke_agent weather [INTERNAL]": [
      { "model_request [INTERNAL]": [chat] },
      { "tools [INTERNAL]": ["execute_tool get_weather [INTERNAL]"] },
      { "model_request [INTERNAL]": [chat] },
    ],
  },
];

/** Our chat span's attributes for the loopback server's reply (ids are the server's random ones). */
const ourChat = (port: number, usage: [number, number], finish: string) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "server.address": "127.0.0.1",
  "server.port": port,
  "otel_agents.framework.name": "langchain",
  "otel_agents.framework.run_id": expect.any(String),
  "gen_ai.response.model": "gpt-4o-mini",
  "gen_ai.response.id": expect.stringMatching(/^chatcmpl-/),
  "gen_ai.usage.input_tokens": usage[0],
  "gen_ai.usage.output_tokens": usage[1],
  "gen_ai.usage.cache_read.input_tokens": 0,
  "gen_ai.usage.reasoning.output_tokens": 0,
  "openai.response.system_fingerprint": "fp_0a1b2c3d4e",
  "openai.api.type": "chat_completions",
  "gen_ai.response.finish_reasons": [finish],
});

describe("LangChain ChatOpenAI beside @opentelemetry/instrumentation-openai (openai 6, loopback server)", () => {
  it("without the coexistence processor: two chat spans per model call, theirs beside ours (the problem)", async () => {
    const p = providers("none");
    await weatherAgent(p);
    const twice = ["chat gpt-4o-mini [CLIENT]", { "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }];
    // Ours and theirs start microseconds apart: compared in a canonical order.
    expect(canonical(p.tree())).toEqual(
      canonical([
        {
          "invoke_agent weather [INTERNAL]": [
            { "model_request [INTERNAL]": twice },
            { "tools [INTERNAL]": ["execute_tool get_weather [INTERNAL]"] },
            { "model_request [INTERNAL]": twice },
          ],
        },
      ]),
    );
    expect(inferenceSpans(p.spans(), CONTRIB_SCOPE)).toHaveLength(2);
  });

  it("createAgent, default policy: exactly one chat span per model call, ours, every attribute, the HTTP span under it", async () => {
    const p = providers({});
    await weatherAgent(p);
    const spans = p.spans();
    expectOneTrace(spans);
    expect(p.tree()).toEqual(agentTree({ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }));
    expect(inferenceSpans(spans, CONTRIB_SCOPE)).toEqual([]);
    const chats = inferenceSpans(spans, OURS);
    expect(chats.map((s) => s.attributes)).toEqual([
      ourChat(server?.port ?? 0, [42, 7], "tool_call"),
      ourChat(server?.port ?? 0, [61, 3], "stop"),
    ]);
    for (const chat of chats) expect(missingExpected(chat)).toEqual([]);
    // The traceparent each request sent names the HTTP span, which is in the trace, under our chat span.
    for (const [i, request] of (server?.requests ?? []).entries()) {
      const post = spans.find((s) => request.headers.traceparent?.includes(s.spanContext().spanId));
      expect(post?.name).toBe("POST");
      expect(parentOf(post, spans)).toBe(chats[i]);
    }
  });

  it("createAgent, keep-both: the contrib span is moved under ours, which says everything it says", async () => {
    const p = providers({ inferenceSpans: "keep-both" });
    await weatherAgent(p);
    const spans = p.spans();
    expectOneTrace(spans);
    expect(p.tree()).toEqual(agentTree({ "chat gpt-4o-mini [CLIENT]": [{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }] }));
    const theirs = inferenceSpans(spans, CONTRIB_SCOPE);
    expect(theirs).toHaveLength(2);
    for (const span of theirs) {
      expect(parentOf(span, spans)?.instrumentationScope.name).toBe(OURS);
      expectCovers(parentOf(span, spans), span);
    }
  });

  it.each<[string, CoexistenceOptions]>([
    ["suppress-inner", {}],
    ["keep-both", { inferenceSpans: "keep-both" }],
  ])(
    "a prompt | model chain in a request span, invoke then stream (%s): one chat span of ours per call",
    async (_policy, options) => {
      const p = providers(options);
      server = await startOpenAIServer({ replies: [{ text: "Bonjour" }, { text: "Bonjour tout le monde" }] });
      const model = new ChatOpenAI({
        model: "gpt-4o-mini",
        apiKey: "test",
        maxRetries: 0,
        configuration: { baseURL: server.url },
      });
      const handler = new OpenTelemetryCallbackHandler({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider });
      const chain = ChatPromptTemplate.fromMessages([["user", "Translate {text}"]]).pipe(model);
      // The app's server span: the chain's spans go under it, and so does the provider's call.
      await p.tracerProvider.getTracer("app").startActiveSpan("POST /translate", async (request) => {
        expect((await chain.invoke({ text: "hello" }, { callbacks: [handler] })).content).toBe("Bonjour");
        let streamed = "";
        for await (const chunk of await chain.stream({ text: "hello world" }, { callbacks: [handler] }))
          streamed += chunk.content;
        expect(streamed).toBe("Bonjour tout le monde");
        request.end();
      });
      const spans = p.spans();
      expectOneTrace(spans);
      const call =
        options.inferenceSpans === "keep-both" ? [{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }] : ["POST [CLIENT]"];
      // An LCEL chain is a step, never `invoke_workflow RunnableSequence` (a type name).
      const chainStep = {
        "RunnableSequence [INTERNAL]": ["ChatPromptTemplate [INTERNAL]", { "chat gpt-4o-mini [CLIENT]": call }],
      };
      expect(p.tree()).toEqual([{ "POST /translate [INTERNAL]": [chainStep, chainStep] }]);
      const [invoked, streamedChat] = inferenceSpans(spans, OURS);
      expect(invoked?.attributes["gen_ai.request.stream"]).toBeUndefined();
      expect(streamedChat?.attributes["gen_ai.request.stream"]).toBe(true);
      expect(streamedChat?.attributes["gen_ai.usage.output_tokens"]).toBe(5);
    },
  );

  it("a bare model.invoke() with no span active: nothing ties the provider's root span to ours, both are kept (documented limit)", async () => {
    const p = providers({});
    server = await startOpenAIServer({ replies: [{ text: "Bonjour" }] });
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.url } });
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider });
    expect((await model.invoke("Translate hello", { callbacks: [handler] })).content).toBe("Bonjour");
    expect(canonical(p.tree())).toEqual(
      canonical(["chat gpt-4o-mini [CLIENT]", { "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }]),
    );
  });

  it("metrics: no metric recorded by both instrumentations, each counts each call once; a View drops theirs", async () => {
    const both = providers({});
    await weatherAgent(both);
    expectEachCallCountedOnce(await both.histogramCounts(), OURS, 2, true);
    await server?.close();
    const oursOnly = providers({}, [DROP_CONTRIB_METRICS]);
    await weatherAgent(oursOnly);
    expectEachCallCountedOnce(await oursOnly.histogramCounts(), OURS, 2, false);
  });
});
