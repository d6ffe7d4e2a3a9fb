import OpenAI, { APIConnectionError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS, type OpenAIServer, startOpenAIServer } from "../src/openai-server.js";

let server: OpenAIServer;
let client: OpenAI;

beforeEach(async () => {
  server = await startOpenAIServer();
  client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
});

afterEach(async () => {
  await server.close();
});

const messages = [{ role: "user" as const, content: "What is the weather in Paris?" }];

describe("startOpenAIServer", () => {
  it("listens on 127.0.0.1 with a /v1 base URL", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("answers a plain 'ok' when no reply is scripted, then the configured default", async () => {
    const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(first.choices[0]?.message.content).toBe("ok");

    const other = await startOpenAIServer({ defaultReply: { text: "default" }, replies: [{ text: "scripted" }] });
    try {
      const otherClient = new OpenAI({ baseURL: other.url, apiKey: "test", maxRetries: 0 });
      const a = await otherClient.chat.completions.create({ model: "m", messages });
      const b = await otherClient.chat.completions.create({ model: "m", messages });
      expect([a.choices[0]?.message.content, b.choices[0]?.message.content]).toEqual(["scripted", "default"]);
    } finally {
      await other.close();
    }
  });
});

describe("chat completions", () => {
  it("returns a non-streaming completion with usage incl. cached and reasoning tokens", async () => {
    server.enqueue({ text: "Sunny, 24 degrees.", usage: { input: 42, output: 7, cachedInput: 30, reasoning: 3 } });
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages, service_tier: "flex" });

    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.service_tier).toBe("flex");
    expect(completion.system_fingerprint).toMatch(/^fp_/);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.message).toMatchObject({ role: "assistant", content: "Sunny, 24 degrees.", refusal: null });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 42,
      completion_tokens: 7,
      total_tokens: 49,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it("returns tool calls, a model override and finish_reason length", async () => {
    server.enqueue(
      { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_1" }], model: "gpt-4o-2024-08-06" },
      { text: "truncated", finishReason: "length" },
    );
    const tools = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(tools.model).toBe("gpt-4o-2024-08-06");
    expect(tools.choices[0]?.finish_reason).toBe("tool_calls");
    expect(tools.choices[0]?.message.content).toBeNull();
    expect(tools.choices[0]?.message.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);

    const truncated = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(truncated.choices[0]?.finish_reason).toBe("length");
  });

  it("streams text and tool-call deltas with a final usage chunk", async () => {
    server.enqueue({
      text: "Let me check the weather.",
      toolCalls: [
        { name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}', id: "call_a" },
        { name: "get_time", arguments: { tz: "Europe/Paris" }, id: "call_b" },
      ],
      usage: { input: 20, output: 12, cachedInput: 4, reasoning: 2 },
    });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.id === chunks[0]?.id)).toBe(true);
    expect(chunks[0]?.id).toMatch(/^chatcmpl-/);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const contentChunks = chunks.map((chunk) => chunk.choices[0]?.delta.content).filter((content) => content);
    expect(contentChunks.length).toBeGreaterThan(1);
    expect(contentChunks.join("")).toBe("Let me check the weather.");

    // Reassemble the tool calls from their deltas, as SDKs do.
    const calls: { id?: string; name?: string; arguments: string }[] = [];
    let argumentDeltas = 0;
    for (const chunk of chunks) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { arguments: "" });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        if (delta.function?.arguments) {
          call.arguments += delta.function.arguments;
          argumentDeltas++;
        }
      }
    }
    expect(calls).toEqual([
      { id: "call_a", name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: "call_b", name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
    ]);
    expect(argumentDeltas).toBeGreaterThan(2);

    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe("tool_calls");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 12,
      total_tokens: 32,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("omits usage from the stream without include_usage", async () => {
    server.enqueue({ text: "a b c" });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("works with the client's chat stream helper", async () => {
    server.enqueue({
      chunks: ["Hel", "lo", "!"],
      toolCalls: [{ name: "lookup", arguments: { q: "x" }, id: "call_h" }],
      usage: { input: 5, output: 3 },
    });
    const runner = client.chat.completions.stream({
      model: "gpt-4o-mini",
      messages,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    runner.on("content", (delta) => deltas.push(delta));
    const completion = await runner.finalChatCompletion();
    expect(deltas).toEqual(["Hel", "lo", "!"]);
    expect(completion.choices[0]?.message.content).toBe("Hello!");
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: "call_h",
      function: { name: "lookup", arguments: '{"q":"x"}' },
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });
});

describe("responses", () => {
  it("returns a non-streaming response with usage", async () => {
    server.enqueue({
      text: "Paris is sunny.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_r" }],
      usage: { input: 100, output: 20, cachedInput: 64, reasoning: 8 },
      model: "gpt-4.1-2025-04-14",
    });
    const response = await client.responses.create({ model: "gpt-4.1", input: "Weather?", instructions: "Be brief." });

    expect(response.id).toMatch(/^resp_/);
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.incomplete_details).toBeNull();
    expect(response.model).toBe("gpt-4.1-2025-04-14");
    expect(response.instructions).toBe("Be brief.");
    expect(response.output_text).toBe("Paris is sunny.");
    expect(response.output).toHaveLength(2);
    expect(response.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(response.output[0]?.id).toMatch(/^msg_/);
    expect(response.output[1]).toMatchObject({
      type: "function_call",
      call_id: "call_r",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(response.usage).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 64 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 8 },
      total_tokens: 120,
    });
  });

  it("reports an incomplete response for finish reason length", async () => {
    server.enqueue({ text: "cut", finishReason: "length" });
    const response = await client.responses.create({ model: "gpt-4.1", input: "x", max_output_tokens: 16 });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.max_output_tokens).toBe(16);
  });

  it("streams events through the client's stream helper with the final usage", async () => {
    server.enqueue({
      text: "It is sunny in Paris.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "call_s" }],
      usage: { input: 30, output: 9, cachedInput: 10, reasoning: 4 },
    });
    const stream = client.responses.stream({ model: "gpt-4.1-mini", input: "Weather?" });
    const types: string[] = [];
    const textDeltas: string[] = [];
    const argumentDeltas: string[] = [];
    stream.on("event", (event) => types.push(event.type));
    stream.on("response.output_text.delta", (event) => textDeltas.push(event.delta));
    stream.on("response.function_call_arguments.delta", (event) => argumentDeltas.push(event.delta));
    const response = await stream.finalResponse();

    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.output_item.added");
    expect(types).toContain("response.output_item.done");
    expect(types.at(-1)).toBe("response.completed");
    expect(textDeltas.length).toBeGreaterThan(1);
    expect(textDeltas.join("")).toBe("It is sunny in Paris.");
    expect(argumentDeltas.join("")).toBe('{"city":"Paris"}');

    expect(response.status).toBe("completed");
    expect(response.model).toBe("gpt-4.1-mini");
    expect(response.output_text).toBe("It is sunny in Paris.");
    expect(response.output[1]).toMatchObject({ type: "function_call", call_id: "call_s", name: "get_weather" });
    expect(response.usage).toEqual({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 4 },
      total_tokens: 39,
    });
  });

  it("streams raw events with increasing sequence numbers", async () => {
    server.enqueue({ text: "one two", finishReason: "length" });
    const stream = await client.responses.create({ model: "gpt-4.1-mini", input: "x", stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const last = events.at(-1);
    expect(last?.type).toBe("response.incomplete");
    if (last?.type !== "response.incomplete") throw new Error("unreachable");
    expect(last.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(last.response.usage?.total_tokens).toBe(15);
  });
});

describe("embeddings", () => {
  it("returns deterministic vectors (base64 by default in the client, floats on request) with usage", async () => {
    const response = await client.embeddings.create({ model: "text-embedding-3-small", input: ["hello world", "bye"] });
    expect(response.object).toBe("list");
    expect(response.model).toBe("text-embedding-3-small");
    expect(response.data).toHaveLength(2);
    expect(response.data[0]?.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(server.requests[0]?.body?.encoding_format).toBe("base64");

    server.enqueue({ usage: { input: 17, output: 0 } });
    const floats = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello world",
      encoding_format: "float",
      dimensions: 4,
    });
    expect(floats.data[0]?.embedding).toHaveLength(4);
    expect(floats.usage.prompt_tokens).toBe(17);
    const again = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello world" });
    const norm = Math.hypot(...(again.data[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 5);
    expect(again.data[0]?.embedding).toEqual(response.data[0]?.embedding);
  });
});

describe("errors", () => {
  it("surfaces 429 as RateLimitError with retry-after and the OpenAI error body", async () => {
    server.enqueue({ error: { status: 429, retryAfter: 7 } });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimit = error as RateLimitError;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers?.get("retry-after")).toBe("7");
    expect(rateLimit.code).toBe("rate_limit_exceeded");
    expect(rateLimit.type).toBe("requests");
  });

  it("surfaces 500 as InternalServerError on both endpoints", async () => {
    server.enqueue({ error: { status: 500 } }, { error: { status: 500, message: "boom", code: "server_boom" } });
    const chatError = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).catch((e: unknown) => e);
    expect(chatError).toBeInstanceOf(InternalServerError);
    expect((chatError as InternalServerError).status).toBe(500);
    expect((chatError as InternalServerError).type).toBe("server_error");

    const responsesError = await client.responses.create({ model: "gpt-4.1", input: "x", stream: true }).catch((e: unknown) => e);
    expect(responsesError).toBeInstanceOf(InternalServerError);
    expect((responsesError as InternalServerError).message).toContain("boom");
    expect((responsesError as InternalServerError).code).toBe("server_boom");
  });

  it("surfaces a scripted 400 as BadRequestError", async () => {
    server.enqueue({ error: { status: 400, message: "bad param", param: "temperature", code: "invalid_value" } });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: "temperature", code: "invalid_value", type: "invalid_request_error" });
  });

  it("answers 404 for unknown paths and 400 for malformed bodies without consuming replies", async () => {
    server.enqueue({ text: "kept" });
    const notFound = await client.models.list().catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);

    const malformed = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: "invalid_request_error" } });

    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(completion.choices[0]?.message.content).toBe("kept");
    expect(server.requests.map((request) => request.body === undefined)).toEqual([true, true, false]);
  });

  it("aborts a stream after N chunks", async () => {
    server.enqueue({ text: "one two three four five", abortAfterChunks: 3 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(received).toEqual(["", "one", " two"]);
  });

  it("drops a non-streaming request when abortAfterChunks is set", async () => {
    server.enqueue({ abortAfterChunks: 0 });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
  });
});

describe("delays", () => {
  it("sends stream headers at once and the first chunk after delayMs", async () => {
    server.enqueue({ text: "late reply", delayMs: 100 });
    const started = performance.now();
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    const headersAt = performance.now() - started;
    let firstChunkAt: number | undefined;
    for await (const _chunk of stream) firstChunkAt ??= performance.now() - started;
    expect(firstChunkAt).toBeGreaterThanOrEqual(90);
    expect(headersAt).toBeLessThan(firstChunkAt ?? 0);
  });

  it("close() resolves while a delayed reply is pending", async () => {
    server.enqueue({ text: "never", delayMs: 60_000 });
    // The stream's headers arrive at once; its first chunk is 60 s away.
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    await server.close();
    const error = await (async () => {
      for await (const _chunk of stream) {
        // no chunk ever arrives
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
  });
});

describe("request recording", () => {
  it("records method, path, lower-cased headers and the parsed body", async () => {
    await client.chat.completions.create(
      { model: "gpt-4o-mini", messages, temperature: 0.2 },
      { headers: { TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "X-Custom-Header": "yes" } },
    );
    await client.responses.create({ model: "gpt-4.1", input: "hi" });

    expect(server.requests).toHaveLength(2);
    const [chat, responses] = server.requests;
    expect(chat).toMatchObject({ method: "POST", path: "/v1/chat/completions", query: "" });
    expect(chat?.headers.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(chat?.headers["x-custom-header"]).toBe("yes");
    expect(chat?.headers.authorization).toBe("Bearer test");
    expect(chat?.body).toMatchObject({ model: "gpt-4o-mini", temperature: 0.2, messages });
    expect(JSON.parse(chat?.rawBody ?? "")).toEqual(chat?.body);
    expect(responses).toMatchObject({ path: "/v1/responses", body: { model: "gpt-4.1", input: "hi" } });
  });
});
