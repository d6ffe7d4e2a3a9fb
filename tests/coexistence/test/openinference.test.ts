import { OpenAIInstrumentation as OpenInferenceInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import {
  Agent,
  tool as agentsTool,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
} from "@openai/agents";
import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import type { CoexistenceOptions } from "@otel-agents/core";
import { OpenTelemetryCallbackHandler } from "@otel-agents/langchain";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { createAgent } from "langchain";
import OpenAI from "openai";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { openaiInstrumentation, undiciInstrumentation } from "./instrumentations.js";
import { canonical, expectOneTrace, parentOf, providers, type Setup } from "./support.js";

// OpenInference's OpenAI instrumentation (4.2.7, patches `openai` 5 to 7) alone beside ours: the
// contrib one, registered for every file by ./instrumentations.ts, is switched off here. OpenInference
// patches an ES module only through `manuallyInstrument` (its instrumentation base predates the ESM
// hook this app registers), as its README says; a plain object, since a module namespace is frozen.
// The class is the one @langchain/openai 1.5.8 imports and the Agents models below are built on.
openaiInstrumentation.disable();
const openinference = new OpenInferenceInstrumentation();
openinference.manuallyInstrument({ OpenAI } as unknown as Parameters<typeof openinference.manuallyInstrument>[0]);
afterAll(() => openinference.disable());

const OPENINFERENCE_SCOPE = "@arizeai/openinference-instrumentation-openai";
const warnings: string[] = [];
const logger: DiagLogger = {
  error: () => {},
  warn: (message: string) => warnings.push(message),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};
let server: OpenAIServer | undefined;
beforeEach(() => {
  warnings.length = 0;
  // Said once per process; each case starts from a process that has not said it.
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("otel-agents.coexistence.warned")];
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterEach(async () => {
  diag.disable();
  await server?.close();
  server = undefined;
});

/** The spans export through the coexistence processor with `options`, or with none ("none"). */
function setupWith(options: CoexistenceOptions | "none"): Setup {
  const p = providers(options, [], [undiciInstrumentation]);
  openinference.setTracerProvider(p.tracerProvider);
  return p;
}

const coexistenceWarnings = () => warnings.filter((w) => w.includes("CoexistenceSpanProcessor"));
const WARNING =
  `otel-agents: ${OPENINFERENCE_SCOPE} traces the model calls that otel-agents traces too, and spans are exported ` +
  "without CoexistenceSpanProcessor: each such model call gets two model-call spans. Wrap the span processor that " +
  "exports in it (NodeSDK `spanProcessors: [new CoexistenceSpanProcessor(new BatchSpanProcessor(...))]`, " +
  "CoexistenceSpanProcessor from @otel-agents/core), or use setup(), which installs it.";

const replies = () =>
  startOpenAIServer({
    replies: [
      { toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }], usage: { input: 42, output: 7 } },
      { text: "Snow in Bern", usage: { input: 61, output: 3 } },
    ],
  });

describe("LangChain createAgent (ChatOpenAI) beside OpenInference's OpenAI instrumentation", () => {
  const getWeather = tool(async ({ city }: { city: string }) => `snow in ${city}`, {
    name: "get_weather",
    description: "Get the weather of a city",
    schema: z.object({ city: z.string() }),
  });

  async function weatherAgent(p: Setup): Promise<void> {
    server = await replies();
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.url } });
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider });
    const agent = createAgent({ model, tools: [getWeather], name: "weather" });
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Bern?" }] }, { callbacks: [handler] });
    expect(result.messages.at(-1)?.content).toBe("Snow in Bern");
    expect(server.requests).toHaveLength(2);
  }
  const agentTree = (call: unknown[]) => [
    {
      "invoke_agent weather [INTERNAL]": [
        { "model_request [INTERNAL]": call },
        { "tools [INTERNAL]": ["execute_tool get_weather [INTERNAL]"] },
        { "model_request [INTERNAL]": call },
      ],
    },
  ];

  it("default policy: one chat span per model call, ours, the HTTP span under it, nothing said", async () => {
    const p = setupWith({});
    await weatherAgent(p);
    const spans = p.spans();
    expectOneTrace(spans);
    expect(p.tree()).toEqual(agentTree([{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }]));
    expect(spans.filter((s) => s.instrumentationScope.name === OPENINFERENCE_SCOPE)).toEqual([]);
    // What OpenInference knew of the request and ours did not: none (ours has the model, address and port).
    for (const chat of spans.filter((s) => s.name === "chat gpt-4o-mini")) {
      expect(chat.attributes["server.port"]).toBe(server?.port);
      expect(Object.keys(chat.attributes).filter((k) => k.startsWith("llm.") || k.startsWith("openinference."))).toEqual([]);
    }
    for (const [i, request] of (server?.requests ?? []).entries()) {
      const post = spans.find((s) => request.headers.traceparent?.includes(s.spanContext().spanId));
      expect(parentOf(post, spans)?.name).toBe("chat gpt-4o-mini");
      expect(parentOf(post, spans)).toBe(spans.filter((s) => s.name === "chat gpt-4o-mini")[i]);
    }
    expect(coexistenceWarnings()).toEqual([]);
  });

  it("keep-both: OpenInference's span moved under ours, the HTTP span under it", async () => {
    const p = setupWith({ inferenceSpans: "keep-both" });
    await weatherAgent(p);
    expect(p.tree()).toEqual(
      agentTree([{ "chat gpt-4o-mini [CLIENT]": [{ "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] }] }]),
    );
  });

  it("without the processor: two model-call spans per call, beside each other, and one diag line naming the fix", async () => {
    const p = setupWith("none");
    await weatherAgent(p);
    const twice = ["chat gpt-4o-mini [CLIENT]", { "OpenAI Chat Completions [INTERNAL]": ["POST [CLIENT]"] }];
    expect(canonical(p.tree())).toEqual(canonical(agentTree(twice)));
    expect(coexistenceWarnings()).toEqual([WARNING]);
  });
});

describe("OpenAI Agents beside OpenInference's OpenAI instrumentation", () => {
  type AgentsClient = ConstructorParameters<typeof OpenAIChatCompletionsModel>[0];
  const weather = {
    name: "get_weather",
    description: "Get the weather of a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }: { city: string }) => `snow in ${city}`,
  };

  async function weatherRun(p: Setup, responses: boolean): Promise<void> {
    setTracingDisabled(false);
    setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider })]);
    server = await replies();
    const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 }) as unknown as AgentsClient;
    const model = responses
      ? new OpenAIResponsesModel(client, "gpt-4o-mini")
      : new OpenAIChatCompletionsModel(client, "gpt-4o-mini");
    const agent = new Agent({ name: "Weather", instructions: "Answer.", model, tools: [agentsTool(weather)] });
    expect((await new Runner().run(agent, "Weather in Bern?")).finalOutput).toBe("Snow in Bern");
  }
  const runTree = (chat: unknown) => [{ "invoke_agent Weather [INTERNAL]": [chat, "execute_tool get_weather [INTERNAL]", chat] }];

  it.each([
    ["Chat Completions", false, "OpenAI Chat Completions [INTERNAL]"],
    ["Responses", true, "OpenAI Responses [INTERNAL]"],
  ])(
    "%s: one chat span per call with the processor (either policy), two and one diag line without",
    async (_api, responses, theirs) => {
      const suppressed = setupWith({});
      await weatherRun(suppressed, responses);
      expectOneTrace(suppressed.spans());
      expect(suppressed.tree()).toEqual(runTree({ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }));
      await server?.close();

      const both = setupWith({ inferenceSpans: "keep-both" });
      await weatherRun(both, responses);
      expect(both.tree()).toEqual(runTree({ "chat gpt-4o-mini [CLIENT]": [{ [theirs]: ["POST [CLIENT]"] }] }));
      expect(coexistenceWarnings()).toEqual([]);
      await server?.close();

      const none = setupWith("none");
      await weatherRun(none, responses);
      expect(none.tree()).toEqual(runTree({ "chat gpt-4o-mini [CLIENT]": [{ [theirs]: ["POST [CLIENT]"] }] }));
      expect(coexistenceWarnings()).toEqual([WARNING]);
    },
  );
});
