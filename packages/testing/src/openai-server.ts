/**
 * A loopback OpenAI-compatible HTTP server for tests (`node:http` only, 127.0.0.1, port 0).
 *
 * Real provider SDKs (`openai`, `@langchain/openai`, `@ai-sdk/openai`, the OpenAI Agents SDK) are
 * pointed at `server.url` so that tests never reach a real LLM. Every reply is scripted.
 *
 * ```ts
 * const server = await startOpenAIServer({ replies: [{ text: "Hello there" }] });
 * const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
 * await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
 * server.requests[0]?.headers.traceparent; // request recording, headers lower-cased
 * await server.close();
 * ```
 *
 * API
 * - `startOpenAIServer(options?: { replies?: ScriptedReply[]; defaultReply?: ScriptedReply }): Promise<OpenAIServer>`
 * - `OpenAIServer`:
 *   - `url`: `http://127.0.0.1:PORT/v1` (pass as the SDK's `baseURL`); `port`: the bound port.
 *   - `requests`: every request received, in arrival order (`RecordedRequest`: method, path, query,
 *     lower-cased headers, body parsed as JSON (`undefined` when absent or malformed), rawBody).
 *   - `enqueue(...replies)`: appends scripted replies to the queue.
 *   - `close()`: destroys all sockets, cancels pending server timers and resolves once closed (idempotent).
 *
 * Endpoints (anything else: 404 with an OpenAI error body)
 * - `POST /v1/chat/completions`: `chat.completion` JSON, or with `stream: true` an SSE stream of
 *   `chat.completion.chunk` objects ending in `data: [DONE]`: a role chunk (`{ role: "assistant",
 *   content: "" | null, refusal: null }`), one content chunk per word of `text` (or one per entry of
 *   `chunks`), per tool call a header chunk (`index`, `id`, `type: "function"`, `function.name`,
 *   `arguments: ""`) then up to three `function.arguments` fragments, a finish chunk (`delta: {}`,
 *   `finish_reason`), and, when `stream_options.include_usage` is set, a last chunk with
 *   `choices: []` and `usage` (all earlier chunks then carry `usage: null`, as the API does).
 * - `POST /v1/responses`: a `response` object, or with `stream: true` the Responses API events
 *   (`event:` + `data:` lines, increasing `sequence_number`): `response.created`,
 *   `response.in_progress`; for the text message `response.output_item.added`,
 *   `response.content_part.added`, one `response.output_text.delta` per chunk,
 *   `response.output_text.done`, `response.content_part.done`, `response.output_item.done`; per
 *   tool call `response.output_item.added`, up to three `response.function_call_arguments.delta`,
 *   `response.function_call_arguments.done`, `response.output_item.done`; finally
 *   `response.completed` (or `response.incomplete` for finish reason `length`/`content_filter`,
 *   with `status: "incomplete"` and `incomplete_details.reason` `max_output_tokens`/`content_filter`)
 *   carrying the full response and its usage.
 * - `POST /v1/embeddings`: one vector per input (string, string[], token array or token arrays) of
 *   `dimensions` (request) or `EMBEDDING_DIMENSIONS` (8) deterministic unit-length floats, as float
 *   arrays or, for `encoding_format: "base64"` (the `openai` client's default), little-endian float32
 *   base64. `usage.prompt_tokens` = `usage.input` of the reply, else one token per word of input.
 *
 * Replies: each request to one of these endpoints (with a valid JSON object body) takes the next
 * `ScriptedReply` from the queue; when the queue is empty it gets `defaultReply`, else `{ text: "ok" }`.
 * Requests to unknown paths and malformed bodies (400) do not consume replies.
 * - `text` / `chunks`: the assistant text (streamed one word per chunk, or exactly `chunks`).
 * - `toolCalls`: `{ name, arguments?: string | object, id? }` (id defaults to `call_...`; in the
 *   Responses API it is the `call_id`, the item id being `fc_...`).
 * - `finishReason`: default `tool_calls` when there are tool calls, else `stop`.
 * - `model`: the response `model` (default: the requested model, else `gpt-4o-mini`).
 * - `usage`: `{ input, output, cachedInput?, reasoning? }` (default `DEFAULT_USAGE` = 10 in, 5 out) ->
 *   chat `prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`,
 *   `completion_tokens_details.reasoning_tokens`; responses `input_tokens`, `output_tokens`,
 *   `input_tokens_details.cached_tokens`, `output_tokens_details.reasoning_tokens`.
 * - `error`: `{ status, message?, type?, code?, param?, retryAfter? }`: an HTTP error with the body
 *   `{ error: { message, type, param, code } }`; 429 gets a `retry-after` header (seconds, default 1).
 * - `delayMs`: a delay before the first chunk (streaming: the headers are sent at once and the
 *   first event after `delayMs`) or before the whole response (non-streaming and errors).
 * - `chunkDelayMs`: a delay between streamed events.
 * - `abortAfterChunks`: streaming: destroy the connection after this many SSE events (every
 *   `data:` event counts, the role chunk and `response.created` included; no `[DONE]`);
 *   non-streaming: destroy the connection without any response.
 * - `id`, `serviceTier` (default: the requested tier unless `auto`, else `default`), `systemFingerprint`,
 *   `headers` (extra response headers).
 * Timers are only used inside the server; tests synchronise on the client's promises, never on sleeps.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ScriptedToolCall {
  name: string;
  /** The arguments JSON (an object is serialised with `JSON.stringify`). Default `{}`. */
  arguments?: string | Record<string, unknown>;
  /** Chat `tool_calls[].id` / Responses `call_id`. Default `call_<random>`. */
  id?: string;
}

export interface ScriptedUsage {
  input: number;
  output: number;
  cachedInput?: number;
  reasoning?: number;
}

export interface ScriptedError {
  /** HTTP status, e.g. 400, 401, 429, 500, 503. */
  status: number;
  message?: string;
  /** Default by status: `invalid_request_error` (400/404), `authentication_error` (401), `requests` (429), `server_error` (5xx). */
  type?: string;
  /** Default by status: `rate_limit_exceeded` (429), `invalid_api_key` (401), else `null`. */
  code?: string | null;
  param?: string | null;
  /** Seconds for the `retry-after` header; default 1 for 429, no header otherwise. */
  retryAfter?: number;
}

export type ScriptedFinishReason = "stop" | "tool_calls" | "length" | "content_filter";

export interface ScriptedReply {
  /** Assistant text. Streamed one word (with its leading whitespace) per chunk. */
  text?: string;
  /** Explicit stream chunks for the text (their concatenation is the text; overrides `text`). */
  chunks?: string[];
  toolCalls?: ScriptedToolCall[];
  finishReason?: ScriptedFinishReason;
  /** The response `model`; default the requested model. */
  model?: string;
  usage?: ScriptedUsage;
  /** Answer with this HTTP error instead of a completion. */
  error?: ScriptedError;
  /** Delay (ms) before the first chunk (streaming) or the whole response. */
  delayMs?: number;
  /** Delay (ms) between streamed events. */
  chunkDelayMs?: number;
  /** Destroy the connection after this many SSE events (non-streaming: without any response). */
  abortAfterChunks?: number;
  /** Response id (`chatcmpl-...` / `resp_...` by default). */
  id?: string;
  serviceTier?: string;
  systemFingerprint?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** The query string without `?` (empty when none). */
  query: string;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body parsed as JSON; `undefined` when empty or not valid JSON. */
  body: Record<string, unknown> | undefined;
  rawBody: string;
}

export interface OpenAIServer {
  /** `http://127.0.0.1:PORT/v1`, the SDKs' `baseURL`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  enqueue(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export interface OpenAIServerOptions {
  replies?: ScriptedReply[];
  defaultReply?: ScriptedReply;
}

export const DEFAULT_USAGE: Readonly<ScriptedUsage> = Object.freeze({ input: 10, output: 5 });
export const EMBEDDING_DIMENSIONS = 8;
const DEFAULT_MODEL = "gpt-4o-mini";
const MAX_BODY_BYTES = 50 * 1024 * 1024;

type Json = Record<string, unknown>;

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const queue: ScriptedReply[] = [...(options.replies ?? [])];
  const defaultReply: ScriptedReply = options.defaultReply ?? { text: "ok" };
  const requests: RecordedRequest[] = [];
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sockets = new Set<Socket>();
  let closing = false;

  const wait = (ms: number | undefined): Promise<void> => {
    if (!ms || ms <= 0 || closing) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });
  };
  const nextReply = (): ScriptedReply => queue.shift() ?? defaultReply;

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Never crash the test process: report the failure to the client.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 500, { message: `openai-server internal error: ${String(error)}`, type: "server_error" });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const target = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const parsed = parseJsonObject(rawBody);
    requests.push({
      method,
      path: target.pathname,
      query: target.search.replace(/^\?/, ""),
      headers: lowerCaseHeaders(req),
      body: parsed.ok ? parsed.value : undefined,
      rawBody,
    });

    const route = method === "POST" ? ROUTES[target.pathname.replace(/\/+$/, "")] : undefined;
    if (!route) {
      sendError(res, 404, { message: `Invalid URL (${method} ${target.pathname})`, type: "invalid_request_error" });
      return;
    }
    if (!parsed.ok || parsed.value === undefined) {
      sendError(res, 400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        type: "invalid_request_error",
      });
      return;
    }
    const reply = nextReply();
    const body = parsed.value;
    const streaming = body.stream === true && route !== "embeddings";

    if (reply.error) {
      await wait(reply.delayMs);
      if (!isOpen(res)) return;
      sendError(res, reply.error.status, reply.error, reply.headers);
      return;
    }
    if (!streaming) {
      await wait(reply.delayMs);
      if (!isOpen(res)) return;
      if (reply.abortAfterChunks !== undefined) {
        res.destroy();
        return;
      }
      const payload =
        route === "chat"
          ? chatCompletion(body, reply)
          : route === "responses"
            ? responseObject(body, reply)
            : embeddings(body, reply);
      sendJson(res, 200, payload, reply.headers);
      return;
    }

    const events = route === "chat" ? chatChunks(body, reply) : responseEvents(body, reply);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...standardHeaders(),
      ...reply.headers,
    });
    res.flushHeaders();
    await wait(reply.delayMs);
    let sent = 0;
    for (const event of events) {
      if (!isOpen(res)) return;
      if (reply.abortAfterChunks !== undefined && sent >= reply.abortAfterChunks) {
        abort(res);
        return;
      }
      if (sent > 0) await wait(reply.chunkDelayMs);
      if (!isOpen(res)) return;
      res.write(
        event.name ? `event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n` : `data: ${JSON.stringify(event.data)}\n\n`,
      );
      sent++;
    }
    if (!isOpen(res)) return;
    if (reply.abortAfterChunks !== undefined && sent >= reply.abortAfterChunks) {
      abort(res);
      return;
    }
    if (route === "chat") res.write("data: [DONE]\n\n");
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    enqueue(...replies: ScriptedReply[]) {
      queue.push(...replies);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const entry of timers) {
          clearTimeout(entry.timer);
          entry.resolve();
        }
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

const ROUTES: Record<string, "chat" | "responses" | "embeddings"> = {
  "/v1/chat/completions": "chat",
  "/v1/responses": "responses",
  "/v1/embeddings": "embeddings",
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function parseJsonObject(raw: string): { ok: true; value: Json | undefined } | { ok: false } {
  if (raw.trim() === "") return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false };
    return { ok: true, value: value as Json };
  } catch {
    return { ok: false };
  }
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function isOpen(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded && !res.socket?.destroyed;
}

/** Destroys the connection once what was written has been flushed (a premature end for the client). */
function abort(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) {
    res.destroy();
    return;
  }
  socket.write("", () => socket.destroy());
}

function standardHeaders(): Record<string, string> {
  return {
    "x-request-id": `req_${randomHex(32)}`,
    "openai-version": "2020-10-01",
    "openai-processing-ms": "1",
  };
}

function sendJson(res: ServerResponse, status: number, payload: unknown, extraHeaders?: Record<string, string>): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...standardHeaders(),
    ...extraHeaders,
  });
  res.end(body);
}

function sendError(
  res: ServerResponse,
  status: number,
  error: Partial<ScriptedError>,
  extraHeaders?: Record<string, string>,
): void {
  const headers: Record<string, string> = {};
  const retryAfter = error.retryAfter ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  sendJson(
    res,
    status,
    {
      error: {
        message: error.message ?? defaultErrorMessage(status),
        type: error.type ?? defaultErrorType(status),
        param: error.param ?? null,
        code: error.code !== undefined ? error.code : defaultErrorCode(status),
      },
    },
    { ...headers, ...extraHeaders },
  );
}

function defaultErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function defaultErrorCode(status: number): string | null {
  if (status === 401) return "invalid_api_key";
  if (status === 429) return "rate_limit_exceeded";
  return null;
}

function defaultErrorMessage(status: number): string {
  if (status === 401) return "Incorrect API key provided.";
  if (status === 429) return "Rate limit reached for requests. Please try again in 1s.";
  if (status >= 500) return "The server had an error while processing your request. Sorry about that!";
  return "Invalid request.";
}

// ---------------------------------------------------------------------------------------------
// Reply normalisation

interface NormalisedReply {
  id: string | undefined;
  model: string;
  chunks: string[];
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: ScriptedFinishReason;
  usage: ScriptedUsage;
  serviceTier: string;
  systemFingerprint: string;
  created: number;
}

function normalise(body: Json, reply: ScriptedReply): NormalisedReply {
  const chunks = reply.chunks ?? splitWords(reply.text ?? "");
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? `call_${randomAlnum(24)}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  const requestedTier = typeof body.service_tier === "string" && body.service_tier !== "auto" ? body.service_tier : undefined;
  return {
    id: reply.id,
    model: reply.model ?? (typeof body.model === "string" && body.model !== "" ? body.model : DEFAULT_MODEL),
    chunks,
    text: chunks.join(""),
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    usage: reply.usage ?? { ...DEFAULT_USAGE },
    serviceTier: reply.serviceTier ?? requestedTier ?? "default",
    systemFingerprint: reply.systemFingerprint ?? "fp_0a1b2c3d4e",
    created: Math.floor(Date.now() / 1000),
  };
}

/** One chunk per word, each with its leading whitespace (like the API's tokens); lossless. */
function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Splits a string into at most `parts` non-empty pieces. */
function splitInto(value: string, parts: number): string[] {
  if (value === "") return [];
  const size = Math.ceil(value.length / parts);
  const pieces: string[] = [];
  for (let i = 0; i < value.length; i += size) pieces.push(value.slice(i, i + size));
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// Chat Completions

function chatUsage(usage: ScriptedUsage) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cachedInput ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatCompletion(body: Json, scripted: ScriptedReply): Json {
  const reply = normalise(body, scripted);
  const message: Json = {
    role: "assistant",
    content: reply.text === "" && reply.toolCalls.length > 0 ? null : reply.text,
    refusal: null,
    annotations: [],
  };
  if (reply.toolCalls.length > 0) {
    message.tool_calls = reply.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: reply.id ?? `chatcmpl-${randomAlnum(29)}`,
    object: "chat.completion",
    created: reply.created,
    model: reply.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    usage: chatUsage(reply.usage),
    service_tier: reply.serviceTier,
    system_fingerprint: reply.systemFingerprint,
  };
}

interface SseEvent {
  name?: string;
  data: unknown;
}

function chatChunks(body: Json, scripted: ScriptedReply): SseEvent[] {
  const reply = normalise(body, scripted);
  const streamOptions = body.stream_options as Json | undefined;
  const includeUsage = streamOptions?.include_usage === true;
  const id = reply.id ?? `chatcmpl-${randomAlnum(29)}`;
  const chunk = (delta: Json, finishReason: string | null = null): SseEvent => ({
    data: {
      id,
      object: "chat.completion.chunk",
      created: reply.created,
      model: reply.model,
      service_tier: reply.serviceTier,
      system_fingerprint: reply.systemFingerprint,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    },
  });

  const events: SseEvent[] = [
    chunk({ role: "assistant", content: reply.chunks.length === 0 && reply.toolCalls.length > 0 ? null : "", refusal: null }),
  ];
  for (const text of reply.chunks) events.push(chunk({ content: text }));
  reply.toolCalls.forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    for (const fragment of splitInto(call.arguments, 3)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  events.push(chunk({}, reply.finishReason));
  if (includeUsage) {
    events.push({
      data: {
        id,
        object: "chat.completion.chunk",
        created: reply.created,
        model: reply.model,
        service_tier: reply.serviceTier,
        system_fingerprint: reply.systemFingerprint,
        choices: [],
        usage: chatUsage(reply.usage),
      },
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Responses

function responsesUsage(usage: ScriptedUsage) {
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: usage.cachedInput ?? 0 },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
    total_tokens: usage.input + usage.output,
  };
}

interface ResponseParts {
  base: Json;
  status: "completed" | "incomplete";
  incompleteDetails: Json | null;
  message: { id: string; text: string; chunks: string[] } | undefined;
  calls: { id: string; call_id: string; name: string; arguments: string }[];
  usage: ScriptedUsage;
}

function responseParts(body: Json, scripted: ScriptedReply): ResponseParts {
  const reply = normalise(body, scripted);
  const incompleteReason =
    reply.finishReason === "length"
      ? "max_output_tokens"
      : reply.finishReason === "content_filter"
        ? "content_filter"
        : undefined;
  const base: Json = {
    id: reply.id ?? `resp_${randomHex(48)}`,
    object: "response",
    created_at: reply.created,
    background: false,
    error: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: reply.model,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: body.reasoning ?? { effort: null, summary: null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: reply.serviceTier,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" }, verbosity: "medium" },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? "disabled",
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
  return {
    base,
    status: incompleteReason ? "incomplete" : "completed",
    incompleteDetails: incompleteReason ? { reason: incompleteReason } : null,
    message: reply.chunks.length > 0 ? { id: `msg_${randomHex(48)}`, text: reply.text, chunks: reply.chunks } : undefined,
    calls: reply.toolCalls.map((call) => ({
      id: `fc_${randomHex(48)}`,
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
    })),
    usage: reply.usage,
  };
}

function outputText(text: string): Json {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

function messageItem(message: { id: string; text: string }, status: string, withContent: boolean): Json {
  return { id: message.id, type: "message", status, content: withContent ? [outputText(message.text)] : [], role: "assistant" };
}

function callItem(
  call: { id: string; call_id: string; name: string; arguments: string },
  status: string,
  withArguments: boolean,
): Json {
  return {
    id: call.id,
    type: "function_call",
    status,
    arguments: withArguments ? call.arguments : "",
    call_id: call.call_id,
    name: call.name,
  };
}

function finalResponse(parts: ResponseParts): Json {
  const output: Json[] = [];
  if (parts.message) output.push(messageItem(parts.message, parts.status, true));
  for (const call of parts.calls) output.push(callItem(call, "completed", true));
  return {
    ...parts.base,
    status: parts.status,
    completed_at: parts.status === "completed" ? Math.floor(Date.now() / 1000) : null,
    incomplete_details: parts.incompleteDetails,
    output,
    usage: responsesUsage(parts.usage),
  };
}

function responseObject(body: Json, scripted: ScriptedReply): Json {
  return finalResponse(responseParts(body, scripted));
}

function responseEvents(body: Json, scripted: ScriptedReply): SseEvent[] {
  const parts = responseParts(body, scripted);
  const inProgress = {
    ...parts.base,
    status: "in_progress",
    completed_at: null,
    incomplete_details: null,
    output: [],
    usage: null,
  };
  const events: SseEvent[] = [];
  const push = (type: string, fields: Json) =>
    events.push({ name: type, data: { type, sequence_number: events.length, ...fields } });

  push("response.created", { response: inProgress });
  push("response.in_progress", { response: inProgress });
  let outputIndex = 0;
  if (parts.message) {
    const message = parts.message;
    const at = { item_id: message.id, output_index: outputIndex };
    push("response.output_item.added", { output_index: outputIndex, item: messageItem(message, "in_progress", false) });
    push("response.content_part.added", { ...at, content_index: 0, part: outputText("") });
    for (const delta of message.chunks) push("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] });
    push("response.output_text.done", { ...at, content_index: 0, text: message.text, logprobs: [] });
    push("response.content_part.done", { ...at, content_index: 0, part: outputText(message.text) });
    push("response.output_item.done", { output_index: outputIndex, item: messageItem(message, parts.status, true) });
    outputIndex++;
  }
  for (const call of parts.calls) {
    const at = { item_id: call.id, output_index: outputIndex };
    push("response.output_item.added", { output_index: outputIndex, item: callItem(call, "in_progress", false) });
    for (const delta of splitInto(call.arguments, 3)) push("response.function_call_arguments.delta", { ...at, delta });
    push("response.function_call_arguments.done", { ...at, name: call.name, arguments: call.arguments });
    push("response.output_item.done", { output_index: outputIndex, item: callItem(call, "completed", true) });
    outputIndex++;
  }
  push(parts.status === "completed" ? "response.completed" : "response.incomplete", { response: finalResponse(parts) });
  return events;
}

// ---------------------------------------------------------------------------------------------
// Embeddings

function embeddings(body: Json, scripted: ScriptedReply): Json {
  const input = body.input;
  const inputs: string[] =
    typeof input === "string"
      ? [input]
      : Array.isArray(input)
        ? input.length > 0 && input.every((item) => typeof item === "number")
          ? [input.join(" ")]
          : input.map((item) => (Array.isArray(item) ? item.join(" ") : String(item)))
        : [String(input ?? "")];
  const dimensions =
    typeof body.dimensions === "number" && body.dimensions > 0 ? Math.floor(body.dimensions) : EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  const promptTokens =
    scripted.usage?.input ?? inputs.reduce((sum, text) => sum + Math.max(1, text.split(/\s+/).filter(Boolean).length), 0);
  return {
    object: "list",
    data: inputs.map((text, index) => {
      const vector = embeddingFor(text, dimensions);
      return { object: "embedding", index, embedding: base64 ? toBase64Float32(vector) : vector };
    }),
    model: scripted.model ?? (typeof body.model === "string" && body.model !== "" ? body.model : "text-embedding-3-small"),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** A deterministic unit vector for `text` (FNV-1a seeded xorshift), rounded to float32. */
function embeddingFor(text: string, dimensions: number): number[] {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    raw.push(seed / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...raw) || 1;
  return Array.from(Float32Array.from(raw.map((value) => value / norm)));
}

function toBase64Float32(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  for (const [i, value] of vector.entries()) buffer.writeFloatLE(value, i * 4);
  return buffer.toString("base64");
}

// ---------------------------------------------------------------------------------------------
// Ids

function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}
