import { Agent, OpenAIProvider, Runner, setTraceProcessors } from "@openai/agents";
import { type OpenAIServer, startOpenAIServer } from "@otel-agents/testing/openai-server";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { weather } from "./fixtures.js";
import { checkedTrees, h, install } from "./setup.js";
import { chat, executeTool, failed, failedRun, finished, invokeAgent, lostAnswer, tools } from "./trees.js";

let server: OpenAIServer | undefined;
beforeEach(() => h.reset());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const runnerFor = (url: string, useResponses: boolean) =>
  new Runner({
    modelProvider: new OpenAIProvider({
      openAIClient: new OpenAI({ baseURL: url, apiKey: "test", maxRetries: 0 }),
      useResponses,
    }),
  });

describe("OpenAI models against the loopback OpenAI server", () => {
  it("Chat Completions with content capture on: messages, instructions, tool arguments and result (JSON schemas checked)", async () => {
    install({ captureContent: true });
    server = await startOpenAIServer({
      replies: [
        {
          toolCalls: [{ name: "get_weather", arguments: { city: "Bern" }, id: "call_b" }],
          usage: { input: 42, output: 7, cachedInput: 12 },
          model: "gpt-4o-mini-2024-07-18",
          id: "chatcmpl-c1",
        },
        { text: "Snow in Bern", usage: { input: 61, output: 3 }, model: "gpt-4o-mini-2024-07-18", id: "chatcmpl-c2" },
      ],
    });
    const agent = new Agent({
      name: "Weather",
      instructions: "You answer weather questions.",
      model: "gpt-4o-mini",
      modelSettings: { temperature: 0.2, maxTokens: 256 },
      tools: [weather],
    });
    const result = await runnerFor(server.url, false).run(agent, "Weather in Bern?");
    expect(result.finalOutput).toBe("Snow in Bern");
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
    const gpt4oMini = {
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.reasoning.output_tokens": 0,
      "openai.api.type": "chat_completions",
      "openai.response.service_tier": "default",
      "openai.response.system_fingerprint": "fp_0a1b2c3d4e",
    };
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 103, 10), ...tools("get_weather") }, [
        chat(
          {
            ...gpt4oMini,
            ...finished(["tool_call"], 42, 7),
            "gen_ai.input.messages":
              '[{"role":"system","parts":[{"type":"text","content":"You answer weather questions."}]},{"role":"user","parts":[{"type":"text","content":"Weather in Bern?"}]}]',
            "gen_ai.output.messages":
              '[{"role":"assistant","parts":[{"type":"tool_call","id":"call_b","name":"get_weather","arguments":{"city":"Bern"}}]}]',
            "gen_ai.response.id": "chatcmpl-c1",
            "gen_ai.usage.cache_read.input_tokens": 12,
          },
          "chat gpt-4o-mini",
        ),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.arguments": '{"city":"Bern"}',
          "gen_ai.tool.call.id": "call_b",
          "gen_ai.tool.call.result": '{"output":"sunny in Bern"}',
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat(
          {
            ...gpt4oMini,
            ...finished(["stop"], 61, 3),
            "gen_ai.input.messages":
              '[{"role":"system","parts":[{"type":"text","content":"You answer weather questions."}]},{"role":"user","parts":[{"type":"text","content":"Weather in Bern?"}]},{"role":"assistant","parts":[{"type":"tool_call","id":"call_b","name":"get_weather","arguments":{"city":"Bern"}}]},{"role":"tool","parts":[{"type":"tool_call_response","id":"call_b","response":"sunny in Bern"}]}]',
            "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"Snow in Bern"}]}]',
            "gen_ai.response.id": "chatcmpl-c2",
            "gen_ai.usage.cache_read.input_tokens": 0,
          },
          "chat gpt-4o-mini",
        ),
      ]),
    ]);
  });

  it("a 429: chat, agent and workflow are ERROR with error.type; the caller gets the same error as without the processor", async () => {
    const rateLimited = { error: { status: 429, message: "Rate limit reached for gpt-4o-mini", retryAfter: 0 } };
    const agent = new Agent({ name: "Busy", model: "gpt-4o-mini" });
    server = await startOpenAIServer({ replies: [rateLimited, rateLimited] });

    // Without telemetry, for comparison.
    setTraceProcessors([]);
    const plain = await runnerFor(server.url, false)
      .run(agent, "hi")
      .catch((e: unknown) => e);
    install();
    const traced = await runnerFor(server.url, false)
      .run(agent, "hi")
      .catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(OpenAI.RateLimitError);
    expect(traced).toBeInstanceOf(OpenAI.RateLimitError);
    const summary = (e: unknown) => {
      const err = e as InstanceType<typeof OpenAI.RateLimitError>;
      return { name: err.name, message: err.message, status: err.status, code: err.code };
    };
    expect(summary(traced)).toEqual(summary(plain));
    expect(summary(traced)).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(await checkedTrees()).toStrictEqual([
      failedRun("429", "Busy", lostAnswer, [
        failed(
          "429",
          chat(
            {
              "gen_ai.provider.name": "openai",
              "gen_ai.request.model": "gpt-4o-mini",
              "openai.api.type": "chat_completions",
            },
            "chat gpt-4o-mini",
          ),
        ),
      ]),
    ]);
  });
});
