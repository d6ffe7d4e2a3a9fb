import { createRequire } from "node:module";
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  tool,
} from "@openai/agents";
import type { CoexistenceOptions } from "@otel-agents/core";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { missingExpected } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CONTRIB_SCOPE,
  canonical,
  expectCovers,
  expectEachCallCountedOnce,
  expectOneTrace,
  inferenceSpans,
  parentOf,
  providers,
  type Setup,
} from "./support.js";

// Every @openai/agents release the adapter supports (>=0.17) ships @openai/agents-openai on `openai`
// 7, which the contrib instrumentation does not patch. The Agents SDK takes any client object,
// though: its OpenAI models are built here on an `openai` 6 client, loaded with require after the
// instrumentation was registered (require-in-the-middle patches it). `openai` 6 and 7 differ in
// their TypeScript types (hence the cast), not in the two calls these models make
// (`chat.completions.create`, `responses.create` with `.withResponse()`).
const { OpenAI } = createRequire(import.meta.url)("openai") as typeof import("openai");
type AgentsClient = ConstructorParameters<typeof OpenAIChatCompletionsModel>[0];

const OURS = "@otel-agents/openai-agents";
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const weather = tool({
  name: "get_weather",
  description: "Get the weather of a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `snow in ${city}`,
});

type Api = "chat_completions" | "responses";

async function weatherRun(p: Setup, api: Api): Promise<void> {
  setTracingDisabled(false);
  setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider })]);
  server = await startOpenAIServer({
    replies: [
      { toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }], usage: { input: 42, output: 7 } },
      { text: "Snow in Bern", usage: { input: 61, output: 3 } },
    ],
  });
  const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 }) as unknown as AgentsClient;
  const model =
    api === "responses" ? new OpenAIResponsesModel(client, "gpt-4o-mini") : new OpenAIChatCompletionsModel(client, "gpt-4o-mini");
  const agent = new Agent({ name: "Weather", instructions: "Answer.", model, tools: [weather] });
  const result = await new Runner().run(agent, "Weather in Bern?");
  expect(result.finalOutput).toBe("Snow in Bern");
  expect(server.requests.map((r) => r.path)).toEqual(
    api === "responses" ? ["/v1/responses", "/v1/responses"] : ["/v1/chat/completions", "/v1/chat/completions"],
  );
}

const runTree = (chat: unknown) => [{ "invoke_agent Weather [INTERNAL]": [chat, "execute_tool get_weather [INTERNAL]", chat] }];

/** Our chat span's attributes (ids are the server's and the Agents SDK's random ones). */
function ourChat(api: Api, port: number, usage: [number, number], finish: string) {
  return {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "openai.api.type": api,
    "otel_agents.framework.name": "openai-agents",
    "otel_agents.framework.run_id": expect.stringMatching(/^span_/),
    "otel_agents.framework.parent_run_id": expect.stringMatching(/^span_/),
    "otel_agents.framework.trace_id": expect.stringMatching(/^trace_/),
    "gen_ai.response.id": expect.stringMatching(api === "responses" ? /^resp_/ : /^chatcmpl-/),
    "gen_ai.response.model": "gpt-4o-mini",
    "gen_ai.usage.input_tokens": usage[0],
    "gen_ai.usage.output_tokens": usage[1],
    "gen_ai.usage.cache_read.input_tokens": 0,
    "gen_ai.usage.reasoning.output_tokens": 0,
    "gen_ai.response.finish_reasons": [finish],
    "openai.response.service_tier": "default",
    "openai.response.system_fingerprint": api === "responses" ? undefined : "fp_0a1b2c3d4e",
    ...(api === "responses" ? { "gen_ai.request.temperature": 1, "gen_ai.request.top_p": 1 } : {}),
    // The Agents SDK does not report where it sent the request: copied from the contrib span (see expectCovers).
    "server.address": "127.0.0.1",
    "server.port": port,
  };
}

const withoutUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe("OpenAI Agents with an openai 6 client beside @opentelemetry/instrumentation-openai (loopback server)", () => {
  it.each<Api>(["chat_completions", "responses"])(
    "%s, default policy: exactly one chat span per model call, ours, every attribute, the HTTP span under it",
    async (api) => {
      const p = providers({});
      await weatherRun(p, api);
      const spans = p.spans();
      expectOneTrace(spans);
      expect(p.tree()).toEqual(runTree({ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }));
      expect(inferenceSpans(spans, CONTRIB_SCOPE)).toEqual([]);
      const chats = inferenceSpans(spans, OURS);
      const port = server?.port ?? 0;
      expect(chats.map((s) => s.attributes)).toEqual([
        withoutUndefined(ourChat(api, port, [42, 7], "tool_call")),
        withoutUndefined(ourChat(api, port, [61, 3], "stop")),
      ]);
      for (const chat of chats) expect(missingExpected(chat)).toEqual([]);
      // Content capture is off: no exported span carries the instructions (theirs would, below).
      expect(spans.filter((s) => s.attributes["gen_ai.system_instructions"] !== undefined)).toEqual([]);
    },
  );

  it.each<Api>(["chat_completions", "responses"])(
    "%s, keep-both: the contrib span under each of ours, which says everything it says",
    async (api) => {
      const p = providers({ inferenceSpans: "keep-both" });
      await weatherRun(p, api);
      const spans = p.spans();
      expectOneTrace(spans);
      expect(p.tree()).toEqual(runTree({ "chat gpt-4o-mini [CLIENT]": [{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }] }));
      const theirs = inferenceSpans(spans, CONTRIB_SCOPE);
      expect(theirs).toHaveLength(2);
      for (const span of theirs) expectCovers(parentOf(span, spans), span);
      // Their Responses spans record the instructions whatever the content setting; ours follow captureContent.
      const instructions = (s: (typeof spans)[number] | undefined) => s?.attributes["gen_ai.system_instructions"];
      expect(theirs.map(instructions)).toEqual(api === "responses" ? ["Answer.", "Answer."] : [undefined, undefined]);
      expect(theirs.map((s) => instructions(parentOf(s, spans)))).toEqual([undefined, undefined]);
    },
  );

  it.each<[string, CoexistenceOptions | "none"]>([
    ["without the processor", "none"],
    ["suppress-inner", {}],
  ])("metrics (%s): no metric recorded by both instrumentations, each counts each call once", async (_name, options) => {
    const p = providers(options);
    await weatherRun(p, "chat_completions");
    expectEachCallCountedOnce(await p.histogramCounts(), OURS, 2, true);
    if (options === "none") {
      // The problem the processor solves: each model call traced twice.
      const twice = { "chat gpt-4o-mini [CLIENT]": [{ "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] }] };
      expect(canonical(p.tree())).toEqual(canonical(runTree(twice)));
    }
  });
});
