import { Agent, OpenAIProvider, Runner } from "@openai/agents";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { weather } from "./fixtures.js";
import { chatReply, type Loopback, responsesReply, startLoopback } from "./loopback.js";
import { checkedTrees, h, install, onAgents017 } from "./setup.js";
import { chat, executeTool, finished, invokeAgent, tools } from "./trees.js";

let server: Loopback | undefined;
beforeEach(() => h.reset());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The server attributes of a Responses model's chat span: the loopback server its client asks. */
const serverOf = (loopback: Loopback | undefined) => ({
  "server.address": "127.0.0.1",
  "server.port": Number(new URL(loopback?.baseURL ?? "").port),
});

describe("OpenAI's own models on a loopback server", () => {
  it("Responses model: one chat span per call from the response span, usage incl. cache and reasoning", async () => {
    install({ captureContent: true });
    server = await startLoopback([
      responsesReply(
        "resp_1",
        [
          {
            type: "function_call",
            id: "fc_1",
            call_id: "call_w",
            name: "get_weather",
            arguments: '{"city":"Paris"}',
            status: "completed",
          },
        ],
        {
          input_tokens: 50,
          output_tokens: 10,
          total_tokens: 60,
          input_tokens_details: { cached_tokens: 20 },
          output_tokens_details: { reasoning_tokens: 4 },
        },
      ),
      responsesReply(
        "resp_2",
        [
          {
            type: "message",
            id: "msg_1",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "Sunny in Paris", annotations: [] }],
          },
        ],
        {
          input_tokens: 70,
          output_tokens: 5,
          total_tokens: 75,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      ),
    ]);
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ apiKey: "test", baseURL: server.baseURL, useResponses: true }),
    });
    const agent = new Agent({
      name: "Weather",
      instructions: "You answer weather questions.",
      model: "gpt-4.1",
      tools: [weather],
    });
    const result = await runner.run(agent, "Weather in Paris?");
    expect(result.finalOutput).toBe("Sunny in Paris");
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/responses", "/v1/responses"]);
    // The requested model (the runner's watched model asks for it) and the response's, apart.
    const gpt41 = {
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4.1",
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.top_p": 1,
      "gen_ai.response.model": "gpt-4.1-2025-04-14",
      "gen_ai.system_instructions": '[{"type":"text","content":"You answer weather questions."}]',
      "openai.api.type": "responses",
      "openai.response.service_tier": "default",
      ...serverOf(server),
    };
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 120, 15), ...tools("get_weather") }, [
        chat(
          {
            ...gpt41,
            ...finished(["tool_call"], 50, 10),
            "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]',
            "gen_ai.output.messages":
              '[{"role":"assistant","parts":[{"type":"tool_call","id":"call_w","name":"get_weather","arguments":{"city":"Paris"}}]}]',
            "gen_ai.response.id": "resp_1",
            "gen_ai.usage.cache_read.input_tokens": 20,
            "gen_ai.usage.reasoning.output_tokens": 4,
          },
          "chat gpt-4.1",
        ),
        // The description: from the request the runner's (observed) model was given.
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.arguments": '{"city":"Paris"}',
          "gen_ai.tool.call.id": "call_w",
          "gen_ai.tool.call.result": '{"output":"sunny in Paris"}',
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat(
          {
            ...gpt41,
            ...finished(["stop"], 70, 5),
            "gen_ai.input.messages":
              '[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},{"role":"assistant","parts":[{"type":"tool_call","id":"call_w","name":"get_weather","arguments":{"city":"Paris"}}]},{"role":"tool","parts":[{"type":"tool_call_response","id":"call_w","response":"sunny in Paris"}]}]',
            "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"Sunny in Paris"}]}]',
            "gen_ai.response.id": "resp_2",
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.reasoning.output_tokens": 0,
          },
          "chat gpt-4.1",
        ),
      ]),
    ]);
  });

  it("Chat Completions model: one chat span per call from the generation span", async () => {
    install();
    server = await startLoopback([
      chatReply(
        "chatcmpl-1",
        { tool_calls: [{ id: "call_c", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }] },
        "tool_calls",
        { prompt_tokens: 40, completion_tokens: 8, total_tokens: 48, prompt_tokens_details: { cached_tokens: 16 } },
      ),
      chatReply("chatcmpl-2", { content: "Warm in Rome" }, "stop", { prompt_tokens: 60, completion_tokens: 4, total_tokens: 64 }),
    ]);
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ apiKey: "test", baseURL: server.baseURL, useResponses: false }),
    });
    const agent = new Agent({ name: "Weather", model: "gpt-4o-mini", modelSettings: { temperature: 0.2 }, tools: [weather] });
    const result = await runner.run(agent, "Weather in Rome?");
    expect(result.finalOutput).toBe("Warm in Rome");
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
    const gpt4oMini = {
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "openai.api.type": "chat_completions",
      "openai.response.system_fingerprint": "fp_1",
    };
    expect(await checkedTrees()).toStrictEqual([
      invokeAgent("Weather", { ...finished(["tool_call", "stop"], 100, 12), ...tools("get_weather") }, [
        chat(
          {
            ...gpt4oMini,
            ...finished(["tool_call"], 40, 8),
            "gen_ai.response.id": "chatcmpl-1",
            "gen_ai.usage.cache_read.input_tokens": 16,
          },
          "chat gpt-4o-mini",
        ),
        executeTool("Weather", "get_weather", {
          "gen_ai.tool.call.id": "call_c",
          "gen_ai.tool.description": "Weather for a city",
        }),
        chat({ ...gpt4oMini, ...finished(["stop"], 60, 4), "gen_ai.response.id": "chatcmpl-2" }, "chat gpt-4o-mini"),
      ]),
    ]);
  });

  it("Responses model with sensitive data off: the response span has no usage, the turn's usage fills it in", async () => {
    install();
    server = await startLoopback([
      responsesReply(
        "resp_q",
        [
          {
            type: "message",
            id: "msg_q",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "ok", annotations: [] }],
          },
        ],
        {
          input_tokens: 33,
          output_tokens: 3,
          total_tokens: 36,
          input_tokens_details: { cached_tokens: 11 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      ),
    ]);
    const runner = new Runner({
      traceIncludeSensitiveData: false,
      modelProvider: new OpenAIProvider({ apiKey: "test", baseURL: server.baseURL, useResponses: true }),
    });
    expect((await runner.run(new Agent({ name: "Private", model: "gpt-4.1" }), "hi")).finalOutput).toBe("ok");
    const [tree] = await checkedTrees();
    // 0.17 still put the whole response on the span with sensitive data off; 0.20 leaves it out,
    // and the runner's observed model hands over the response's id and reasoning tokens.
    const fromResponse = onAgents017
      ? {
          "gen_ai.request.temperature": 0.3,
          "gen_ai.request.top_p": 1,
          "gen_ai.response.id": "resp_q",
          "gen_ai.response.model": "gpt-4.1-2025-04-14",
          "gen_ai.usage.reasoning.output_tokens": 0,
          "openai.response.service_tier": "default",
        }
      : { "gen_ai.response.id": "resp_q", "gen_ai.usage.reasoning.output_tokens": 0 };
    expect(tree?.children).toEqual([
      chat(
        {
          "gen_ai.provider.name": "openai",
          // Requested model and server from the runner's watched model: sensitive data does not matter.
          "gen_ai.request.model": "gpt-4.1",
          ...serverOf(server),
          "openai.api.type": "responses",
          ...finished(["stop"], 33, 3),
          "gen_ai.usage.cache_read.input_tokens": 11,
          ...fromResponse,
        },
        "chat gpt-4.1",
      ),
    ]);
  });
});
