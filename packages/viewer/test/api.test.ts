import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationDetail, TraceDetail, TraceSummary } from "../src/shared/model.js";
import type { RunningViewer } from "../src/viewer.js";
import { type Attr, chat, hex, send } from "./otlp-json.js";
import { openEvents } from "./sse.js";
import { agentTurn, providerWith, testViewer } from "./support.js";

const viewers: RunningViewer[] = [];
afterEach(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
});

async function viewer(options: Parameters<typeof testViewer>[0] = {}) {
  const v = await testViewer(options);
  viewers.push(v);
  return v;
}

async function getJson<T>(v: RunningViewer, path: string): Promise<T> {
  const res = await fetch(`${v.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe("the page's JSON API", () => {
  it("announces a new trace over SSE and serves its list row, spans with conformance, and its conversation", async () => {
    const v = await viewer();
    const events = await openEvents(`${v.url}/api/events`);
    const { provider, memory } = providerWith(new OTLPTraceExporter({ url: `${v.otlpUrl}/v1/traces` }));
    await agentTurn(provider, { conversationId: "conv-42", question: "Weather in Paris?" });
    const firstTrace = memory.getFinishedSpans()[0]!.spanContext().traceId;
    await events.traceChanged(firstTrace);
    memory.reset();
    await agentTurn(provider, { conversationId: "conv-42", question: "And tomorrow?" });
    const secondTrace = memory.getFinishedSpans()[0]!.spanContext().traceId;
    await events.traceChanged(secondTrace);
    events.close();
    await provider.shutdown();

    const { traces } = await getJson<{ traces: TraceSummary[] }>(v, "/api/traces?conversation=conv-42");
    expect(traces.map((t) => t.traceId)).toEqual([secondTrace, firstTrace]);

    const detail = await getJson<TraceDetail>(v, `/api/traces/${firstTrace}`);
    const root = detail.spans.find((s) => s.parentSpanId === null)!;
    expect(
      detail.spans.map((s) => ({
        name: s.name,
        parent: s.parentSpanId === null ? null : s.parentSpanId === root.spanId ? "root" : "other",
        service: s.service,
        violations: s.violations,
        missingExpected: s.missingExpected,
        durationOk: s.endUs >= s.startUs,
      })),
    ).toEqual([
      {
        name: "invoke_agent Weather",
        parent: null,
        service: "weather-agent",
        violations: [],
        missingExpected: [],
        durationOk: true,
      },
      {
        name: "chat gpt-4o-mini",
        parent: "root",
        service: "weather-agent",
        violations: [],
        missingExpected: [],
        durationOk: true,
      },
      {
        name: "execute_tool get_weather",
        parent: "root",
        service: "weather-agent",
        violations: [],
        missingExpected: [],
        durationOk: true,
      },
      {
        name: "chat gpt-4o-mini",
        parent: "root",
        service: "weather-agent",
        violations: [],
        missingExpected: [],
        durationOk: true,
      },
    ]);

    const conversation = await getJson<ConversationDetail>(v, "/api/conversations/conv-42");
    expect(conversation.traces.map((t) => [t.summary.traceId, t.spans.length])).toEqual([
      [firstTrace, 4],
      [secondTrace, 4],
    ]);
    expect(await getJson(v, "/api/filters")).toEqual({
      services: ["weather-agent"],
      agents: ["Weather"],
      models: ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"],
      conversationIds: ["conv-42"],
    });
  });

  it("shows a span that breaks the GenAI conventions with its violations", async () => {
    const v = await viewer();
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "legacy" } }] },
          scopeSpans: [
            {
              scope: { name: "old-instrumentation" },
              spans: [
                {
                  traceId: "1".repeat(32),
                  spanId: "2".repeat(16),
                  name: "openai.chat",
                  kind: 3,
                  startTimeUnixNano: "1700000000000000000",
                  endTimeUnixNano: "1700000001000000000",
                  attributes: [
                    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                    { key: "gen_ai.system", value: { stringValue: "openai" } },
                    { key: "gen_ai.usage.prompt_tokens", value: { intValue: "10" } },
                    { key: "gen_ai.usage.input_tokens", value: { stringValue: "ten" } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    await fetch(`${v.otlpUrl}/v1/traces`, {
      method: "POST",
      body: JSON.stringify(request),
      headers: { "content-type": "application/json" },
    });
    const detail = await getJson<TraceDetail>(v, `/api/traces/${"1".repeat(32)}`);
    // One line per key of an older convention, naming its current name, however many rules it breaks.
    expect(detail.spans[0]!.violations).toEqual([
      "gen_ai.system is deprecated: renamed to gen_ai.provider.name",
      "gen_ai.usage.prompt_tokens is deprecated: renamed to gen_ai.usage.input_tokens",
      'gen_ai.usage.input_tokens should be int, got "ten"',
      'name should be "chat"',
      "missing required gen_ai.provider.name",
    ]);
    expect(detail.summary.conformanceProblems).toBe(5);
  });

  it("checks structured content (arrayValue / kvlistValue, as the conventions prefer) like its JSON string", async () => {
    const v = await viewer();
    const t = hex(0x5c, 16);
    const system = [{ type: "text", content: "You answer weather questions." }];
    const input = [{ role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] }];
    const output = [
      {
        role: "assistant",
        parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
        finish_reason: "tool_call",
      },
    ];
    const tools = [
      {
        type: "function",
        name: "get_weather",
        description: "The weather in a city",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    const notMessages = [{ role: "user", content: "hi" }];
    const span = (n: number, attributes: Record<string, Attr>) => ({
      traceId: t,
      spanId: hex(n, 8),
      name: "chat gpt-4o-mini",
      kind: 3,
      start: n,
      end: n + 1,
      attributes: chat(attributes),
    });
    await send(v.otlpUrl, [
      span(1, {
        "gen_ai.system_instructions": system,
        "gen_ai.input.messages": input,
        "gen_ai.output.messages": output,
        "gen_ai.tool.definitions": tools,
      }),
      span(2, {
        "gen_ai.system_instructions": JSON.stringify(system),
        "gen_ai.input.messages": JSON.stringify(input),
        "gen_ai.output.messages": JSON.stringify(output),
        "gen_ai.tool.definitions": JSON.stringify(tools),
      }),
      span(3, { "gen_ai.input.messages": notMessages }),
      span(4, { "gen_ai.input.messages": JSON.stringify(notMessages) }),
    ]);
    const d = await getJson<TraceDetail>(v, `/api/traces/${t}`);
    // Stored as sent: the structured values as JSON values.
    expect(d.spans[0]!.attributes["gen_ai.input.messages"]).toEqual(input);
    expect(d.spans.map((s) => s.violations)).toEqual([[], [], d.spans[3]!.violations, d.spans[3]!.violations]);
    // Its schema still applies: messages of another shape are named, whichever form they came in.
    expect(d.spans[2]!.violations.length).toBeGreaterThan(0);
    expect(d.spans[2]!.violations.every((l) => l.startsWith("gen_ai.input.messages does not match its schema"))).toBe(true);
    expect(d.summary.conformanceProblems).toBe(2 * d.spans[3]!.violations.length);
  });

  it("answers 400, not 500, to a trace or conversation path that is not valid percent-encoding", async () => {
    const v = await viewer();
    for (const path of ["/api/traces/%E0%A4%A", "/api/conversations/%E0%A4%A", "/api/conversations/%"]) {
      const res = await fetch(`${v.url}${path}`);
      expect([path, res.status]).toEqual([path, 400]);
      expect(((await res.json()) as { error: string }).error).toContain("percent-encoding");
    }
    // A well-formed one still reaches its conversation.
    expect((await fetch(`${v.url}/api/conversations/conv%20%C3%A9`)).status).toBe(200);
  });

  it("exports a trace as OTLP JSON that --import and the import endpoint load back unchanged", async () => {
    const source = await viewer();
    const { provider, memory } = providerWith(new OTLPTraceExporter({ url: `${source.otlpUrl}/v1/traces` }));
    await agentTurn(provider, { conversationId: "conv-x" });
    const traceId = memory.getFinishedSpans()[0]!.spanContext().traceId;
    await provider.shutdown();
    const res = await fetch(`${source.url}/api/traces/${traceId}/otlp`);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="trace-${traceId}.json"`);
    const exported = await res.text();

    const dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-import-"));
    try {
      const file = join(dir, "trace.json");
      writeFileSync(file, exported);
      const imported = await viewer({ importFiles: [file] });
      expect(imported.store.spans(traceId)).toEqual(source.store.spans(traceId));
      // The same rows, but for when each viewer received the trace.
      const rows = (v: RunningViewer) => v.store.listTraces().map(({ receivedUs, ...row }) => row);
      expect(rows(imported)).toEqual(rows(source));

      // The page's drag and drop posts the file; JSON lines (the Collector's file exporter) work too.
      const dropped = await viewer();
      const post = await fetch(`${dropped.url}/api/import`, {
        method: "POST",
        body: `${exported}\n${exported}\n`,
        headers: { "content-type": "application/json" },
      });
      expect([post.status, await post.json()]).toEqual([200, { spans: 8, traceIds: [traceId] }]);
      expect(dropped.store.spans(traceId)).toEqual(source.store.spans(traceId));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers only to localhost names (no DNS rebinding) and refuses cross-site imports", async () => {
    const v = await viewer();
    const port = new URL(v.url).port;
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: "127.0.0.1", port, path: "/api/traces", headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(403);
    const form = await fetch(`${v.url}/api/import`, { method: "POST", body: "{}", headers: { "content-type": "text/plain" } });
    expect(form.status).toBe(415);
    expect((await fetch(`${v.url}/api/traces/${"a".repeat(32)}`)).status).toBe(404);
  });
});
