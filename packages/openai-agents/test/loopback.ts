import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An OpenAI-compatible server on 127.0.0.1 answering from a script, one reply per request. */
export interface Loopback {
  baseURL: string;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startLoopback(replies: Array<Record<string, unknown>>): Promise<Loopback> {
  const queue = [...replies];
  const requests: Loopback["requests"] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString("utf8");
    });
    req.on("end", () => {
      requests.push({ path: req.url ?? "", body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      const reply = queue.shift();
      res.writeHead(reply ? 200 : 500, { "content-type": "application/json", "x-request-id": "req_1" });
      res.end(JSON.stringify(reply ?? { error: { message: "no scripted reply" } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Responses API `Response` object. */
export function responsesReply(id: string, output: unknown[], usage: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    object: "response",
    created_at: 1_700_000_000,
    status: "completed",
    model: "gpt-4.1-2025-04-14",
    output,
    usage,
    instructions: "You answer weather questions.",
    temperature: 0.3,
    top_p: 1,
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
    incomplete_details: null,
    error: null,
    service_tier: "default",
  };
}

/** A Chat Completions `ChatCompletion` object. */
export function chatReply(id: string, message: Record<string, unknown>, finishReason: string, usage: Record<string, unknown>) {
  return {
    id,
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      { index: 0, message: { role: "assistant", content: null, ...message }, finish_reason: finishReason, logprobs: null },
    ],
    usage,
    system_fingerprint: "fp_1",
  };
}
