import { createOpenAI } from "@ai-sdk/openai";
import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import type { CoexistenceOptions } from "@otel-agents/core";
import { missingExpected } from "@otel-agents/testing/conformance";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CONTRIB_SCOPE,
  expectEachCallCountedOnce,
  expectOneTrace,
  inferenceSpans,
  parentOf,
  providers,
  type Setup,
  UNDICI_SCOPE,
} from "./support.js";

// @ai-sdk/openai talks to the API with `fetch`, not through the `openai` client: the contrib
// instrumentation, registered and patching `openai` 6 in this process, sees none of these calls.
// There is nothing to deduplicate; these tests pin that down (one chat span per model call, the
// undici instrumentation's HTTP span under it) with the processor in place.

const OURS = "@otel-agents/ai-sdk";
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Api = "chat" | "responses";

async function weatherCall(p: Setup, api: Api, stream: boolean): Promise<void> {
  server = await startOpenAIServer({
    replies: [
      { toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }], usage: { input: 42, output: 7 } },
      { text: "Snow in Bern", usage: { input: 61, output: 3 } },
    ],
  });
  const openai = createOpenAI({ baseURL: server.url, apiKey: "test" });
  const options = {
    model: api === "responses" ? openai.responses("gpt-4o-mini") : openai.chat("gpt-4o-mini"),
    prompt: "Weather in Bern?",
    tools: {
      get_weather: tool({
        description: "Get the weather of a city",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => `snow in ${city}`,
      }),
    },
    stopWhen: stepCountIs(3),
    telemetry: {
      functionId: "weather",
      integrations: [otelAgentsTelemetry({ tracerProvider: p.tracerProvider, meterProvider: p.meterProvider })],
    },
  };
  const text = stream ? await streamText(options).text : (await generateText(options)).text;
  expect(text).toBe("Snow in Bern");
  expect(server.requests).toHaveLength(2);
}

describe("AI SDK (@ai-sdk/openai, fetch) with @opentelemetry/instrumentation-openai registered", () => {
  it.each<[Api, boolean, CoexistenceOptions]>([
    ["chat", false, {}],
    ["chat", true, {}],
    ["responses", false, {}],
    ["responses", false, { inferenceSpans: "keep-both" }],
  ])(
    "%s API, stream %s, %o: exactly one chat span per model call (ours), the HTTP span under it",
    async (api, stream, options) => {
      const p = providers(options);
      await weatherCall(p, api, stream);
      const spans = p.spans();
      expectOneTrace(spans);
      expect(p.tree()).toEqual([
        {
          "invoke_agent weather [INTERNAL]": [
            { "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] },
            "execute_tool get_weather [INTERNAL]",
            { "chat gpt-4o-mini [CLIENT]": ["POST [CLIENT]"] },
          ],
        },
      ]);
      expect(inferenceSpans(spans, CONTRIB_SCOPE)).toEqual([]);
      const chats = inferenceSpans(spans, OURS);
      expect(chats.map((c) => [c.attributes["gen_ai.usage.input_tokens"], c.attributes["gen_ai.usage.output_tokens"]])).toEqual([
        [42, 7],
        [61, 3],
      ]);
      for (const chat of chats) {
        expect(missingExpected(chat)).toEqual([]);
        expect(chat.attributes["gen_ai.request.model"]).toBe("gpt-4o-mini");
        expect(chat.attributes["gen_ai.request.stream"]).toBe(stream ? true : undefined);
      }
      for (const post of spans.filter((s) => s.instrumentationScope.name === UNDICI_SCOPE)) {
        expect(parentOf(post, spans)?.instrumentationScope.name).toBe(OURS);
      }
    },
  );

  it("metrics: only ours measure the model calls (the contrib instrumentation records nothing)", async () => {
    const p = providers({});
    await weatherCall(p, "chat", false);
    expectEachCallCountedOnce(await p.histogramCounts(), OURS, 2, false);
  });
});
