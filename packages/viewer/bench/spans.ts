// OTLP/JSON export requests shaped like what an instrumented agent sends: an invoke_agent span with
// rounds of chat (model, usage, finish reasons, response id) → execute_tool → the tool's HTTP call.
import { randomBytes } from "node:crypto";

type KeyValue = { key: string; value: Record<string, unknown> };

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: String(v) } });
const dbl = (key: string, v: number): KeyValue => ({ key, value: { doubleValue: v } });
const arr = (key: string, v: string[]): KeyValue => ({
  key,
  value: { arrayValue: { values: v.map((s) => ({ stringValue: s })) } },
});

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events: unknown[];
  links: unknown[];
  status: { code: number; message?: string };
}

export const hexId = (bytes: number) => randomBytes(bytes).toString("hex");

/** One agent trace of `count` spans (1 root, then chat → tool → HTTP rounds), starting at `startNs`. */
export function agentTrace(count: number, startNs: bigint): OtlpSpan[] {
  const traceId = hexId(16);
  const rootId = hexId(8);
  const spans: OtlpSpan[] = [];
  const conversation = `conv-${hexId(4)}`;
  let t = startNs + 1_000_000n;
  const rounds = Math.ceil((count - 1) / 3);
  for (let i = 0; i < rounds && spans.length < count - 1; i++) {
    const chatId = hexId(8);
    const chatEnd = t + 450_000_000n;
    spans.push({
      traceId,
      spanId: chatId,
      parentSpanId: rootId,
      name: "chat gpt-4o-mini",
      kind: 3,
      startTimeUnixNano: String(t),
      endTimeUnixNano: String(chatEnd),
      attributes: [
        str("gen_ai.operation.name", "chat"),
        str("gen_ai.provider.name", "openai"),
        str("gen_ai.request.model", "gpt-4o-mini"),
        str("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
        str("gen_ai.response.id", `chatcmpl-${hexId(12)}`),
        arr("gen_ai.response.finish_reasons", ["tool_calls"]),
        int("gen_ai.usage.input_tokens", 1200 + i * 40),
        int("gen_ai.usage.output_tokens", 38),
        int("gen_ai.usage.cache_read.input_tokens", 1024),
        int("gen_ai.request.max_tokens", 1024),
        dbl("gen_ai.request.temperature", 0.2),
        str("gen_ai.conversation.id", conversation),
        str("server.address", "api.openai.com"),
        int("server.port", 443),
      ],
      events: [],
      links: [],
      status: { code: 0 },
    });
    t = chatEnd + 200_000n;
    if (spans.length >= count - 1) break;
    const toolId = hexId(8);
    const toolEnd = t + 120_000_000n;
    spans.push({
      traceId,
      spanId: toolId,
      parentSpanId: rootId,
      name: "execute_tool search_orders",
      kind: 1,
      startTimeUnixNano: String(t),
      endTimeUnixNano: String(toolEnd),
      attributes: [
        str("gen_ai.operation.name", "execute_tool"),
        str("gen_ai.tool.name", "search_orders"),
        str("gen_ai.tool.call.id", `call_${hexId(12)}`),
        str("gen_ai.tool.type", "function"),
      ],
      events: [],
      links: [],
      status: { code: 0 },
    });
    if (spans.length >= count - 1) break;
    spans.push({
      traceId,
      spanId: hexId(8),
      parentSpanId: toolId,
      name: "GET",
      kind: 3,
      startTimeUnixNano: String(t + 5_000_000n),
      endTimeUnixNano: String(toolEnd - 5_000_000n),
      attributes: [
        str("http.request.method", "GET"),
        str("url.full", `https://orders.internal/api/orders?customer=${i}`),
        int("http.response.status_code", 200),
        str("server.address", "orders.internal"),
        int("server.port", 443),
      ],
      events: [],
      links: [],
      status: { code: 0 },
    });
    t = toolEnd + 200_000n;
  }
  spans.unshift({
    traceId,
    spanId: rootId,
    name: "invoke_agent Support",
    kind: 1,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(t + 1_000_000n),
    attributes: [
      str("gen_ai.operation.name", "invoke_agent"),
      str("gen_ai.provider.name", "openai"),
      str("gen_ai.agent.name", "Support"),
      str("gen_ai.request.model", "gpt-4o-mini"),
      str("gen_ai.conversation.id", conversation),
    ],
    events: [],
    links: [],
    status: { code: 0 },
  });
  return spans;
}

/** An ExportTraceServiceRequest in OTLP/JSON shape. */
export function exportRequest(spans: OtlpSpan[]) {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            str("service.name", "support-agent"),
            str("service.version", "1.4.2"),
            str("telemetry.sdk.name", "opentelemetry"),
            str("telemetry.sdk.language", "nodejs"),
            str("telemetry.sdk.version", "2.12.1"),
          ],
        },
        scopeSpans: [{ scope: { name: "@otel-agents/openai-agents", version: "0.1.0" }, spans }],
      },
    ],
  };
}
