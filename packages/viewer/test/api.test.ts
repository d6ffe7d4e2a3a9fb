import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { afterEach, describe, expect, it } from "vitest";
import { otlpProtoTypes } from "../src/otlp/proto.js";
import type { ConversationDetail, TraceDetail, TraceListPage, TraceSummary } from "../src/shared/model.js";
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

  it("finds a trace by any of its span ids in the free-text search, exact ids only", async () => {
    const v = await viewer();
    const a = hex(0xa1, 16);
    const b = hex(0xb2, 16);
    const c = hex(0xc3, 16);
    await send(v.otlpUrl, [
      { traceId: a, spanId: hex(0x1111, 8), name: "invoke_agent A", start: 0, end: 10 },
      { traceId: a, spanId: hex(0x2222, 8), parentSpanId: hex(0x1111, 8), name: "chat", start: 1, end: 9 },
      { traceId: b, spanId: hex(0x3333, 8), name: "invoke_agent B", start: 20, end: 30 },
      { traceId: b, spanId: "abcdef0123456789", parentSpanId: hex(0x3333, 8), name: "execute_tool", start: 21, end: 29 },
      // The same span id in another trace: both traces are found.
      { traceId: c, spanId: hex(0x5555, 8), name: "invoke_agent C", start: 40, end: 50 },
      { traceId: c, spanId: hex(0x2222, 8), parentSpanId: hex(0x5555, 8), name: "chat", start: 41, end: 49 },
    ]);
    const row = (traceId: string) => v.store.listTraces().find((t) => t.traceId === traceId)!;
    const search = (q: string) => getJson<TraceListPage>(v, `/api/traces?q=${encodeURIComponent(q)}`);
    // A child span's id, as the page's box sends it (any case, spaces around).
    expect(await search("abcdef0123456789")).toEqual({ traces: [row(b)], total: 1, offset: 0 });
    expect(await search(" ABCDEF0123456789 ")).toEqual({ traces: [row(b)], total: 1, offset: 0 });
    expect(await search(hex(0x1111, 8))).toEqual({ traces: [row(a)], total: 1, offset: 0 });
    expect(await search(hex(0x2222, 8))).toEqual({ traces: [row(c), row(a)], total: 2, offset: 0 });
    // With the other filters, and paged.
    expect(await getJson<TraceListPage>(v, `/api/traces?q=${hex(0x2222, 8)}&limit=1&offset=1`)).toEqual({
      traces: [row(a)],
      total: 1 + 1,
      offset: 1,
    });
    expect(await getJson<TraceListPage>(v, `/api/traces?q=${hex(0x2222, 8)}&status=error`)).toEqual({
      traces: [],
      total: 0,
      offset: 0,
    });
    // Part of an id, or an id no span has, finds nothing; trace ids and names are found as before.
    expect(await search("abcdef01")).toEqual({ traces: [], total: 0, offset: 0 });
    expect(await search(hex(0x4444, 8))).toEqual({ traces: [], total: 0, offset: 0 });
    expect(await search(b)).toEqual({ traces: [row(b)], total: 1, offset: 0 });
    expect(await search("invoke_agent c")).toEqual({ traces: [row(c)], total: 1, offset: 0 });
    expect(v.store.listTraces({ text: "abcdef0123456789" })).toEqual([row(b)]);
  });

  it("exports each attribute value in the OTLP type it arrived as: a double stays a double, an int an int", async () => {
    const traceId = hex(0xd0b1e, 16);
    const attributes = [
      { key: "double.integral", value: { doubleValue: 2 } },
      { key: "double.fraction", value: { doubleValue: 0.5 } },
      { key: "double.large", value: { doubleValue: 1e21 } },
      { key: "double.nan", value: { doubleValue: "NaN" } },
      { key: "double.infinity", value: { doubleValue: "-Infinity" } },
      { key: "int.string", value: { intValue: "3" } },
      { key: "int.number", value: { intValue: 7 } },
      { key: "int.beyond 2^53", value: { intValue: "9007199254740993" } },
      { key: "string.digits", value: { stringValue: "12" } },
      { key: "bytes", value: { bytesValue: "AQID" } },
      {
        key: "array",
        value: { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 2.5 }, { intValue: "4" }] } },
      },
      {
        key: "kvlist",
        value: {
          kvlistValue: {
            values: [
              { key: "d", value: { doubleValue: 3 } },
              { key: "i", value: { intValue: "3" } },
            ],
          },
        },
      },
      // A key sent twice: the last value wins, its type too.
      { key: "twice", value: { doubleValue: 5 } },
      { key: "twice", value: { intValue: "5" } },
    ];
    // What the export must say for them: int64 as decimal strings (OTLP/JSON), doubles as numbers or NaN/Infinity strings.
    const exportedAttributes = [
      { key: "double.integral", value: { doubleValue: 2 } },
      { key: "double.fraction", value: { doubleValue: 0.5 } },
      { key: "double.large", value: { doubleValue: 1e21 } },
      { key: "double.nan", value: { doubleValue: "NaN" } },
      { key: "double.infinity", value: { doubleValue: "-Infinity" } },
      { key: "int.string", value: { intValue: "3" } },
      { key: "int.number", value: { intValue: "7" } },
      { key: "int.beyond 2^53", value: { intValue: "9007199254740993" } },
      { key: "string.digits", value: { stringValue: "12" } },
      { key: "bytes", value: { bytesValue: "AQID" } },
      {
        key: "array",
        value: { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 2.5 }, { intValue: "4" }] } },
      },
      {
        key: "kvlist",
        value: {
          kvlistValue: {
            values: [
              { key: "d", value: { doubleValue: 3 } },
              { key: "i", value: { intValue: "3" } },
            ],
          },
        },
      },
      { key: "twice", value: { intValue: "5" } },
    ];
    const span = (n: number, attrs: unknown[]) => ({
      traceId,
      spanId: hex(n, 8),
      name: `span ${n}`,
      kind: 1,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n)),
      endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n + 1)),
      attributes: attrs,
      events: [{ timeUnixNano: "1700000000000000001", name: "e", attributes: attrs }],
      links: [{ traceId, spanId: hex(9, 8), attributes: attrs }],
      status: { code: 0 },
    });
    const request = (attrs: unknown[]) => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }, ...attrs] },
          scopeSpans: [{ scope: { name: "s" }, spans: [span(1, attrs), span(2, [{ key: "plain", value: { doubleValue: 1 } }])] }],
        },
      ],
    });
    const expected = (attrs: unknown[]) => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }, ...attrs] },
          scopeSpans: [
            {
              scope: { name: "s" },
              spans: [span(1, attrs), span(2, [{ key: "plain", value: { doubleValue: 1 } }])],
            },
          ],
        },
      ],
    });
    const source = await viewer();
    const res = await fetch(`${source.otlpUrl}/v1/traces`, {
      method: "POST",
      body: JSON.stringify(request(attributes)),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    // What the page reads is unchanged: plain JSON values.
    expect(source.store.spans(traceId)[0]!.attributes).toEqual({
      "double.integral": 2,
      "double.fraction": 0.5,
      "double.large": 1e21,
      "double.nan": "NaN",
      "double.infinity": "-Infinity",
      "int.string": 3,
      "int.number": 7,
      "int.beyond 2^53": "9007199254740993",
      "string.digits": "12",
      bytes: "AQID",
      array: [1, 2.5, 4],
      kvlist: { d: 3, i: 3 },
      twice: 5,
    });
    const exported = await getJson<unknown>(source, `/api/traces/${traceId}/otlp`);
    expect(exported).toEqual(expected(exportedAttributes));

    // Imported again, the trace exports the same; sent as protobuf, the doubles and ints keep their types too.
    const again = await viewer();
    const imported = await fetch(`${again.url}/api/import`, {
      method: "POST",
      body: JSON.stringify(exported),
      headers: { "content-type": "application/json" },
    });
    expect(imported.status).toBe(200);
    expect(again.store.spans(traceId)).toEqual(source.store.spans(traceId));
    expect(await getJson<unknown>(again, `/api/traces/${traceId}/otlp`)).toEqual(exported);

    const numbers = [
      { key: "double.integral", value: { doubleValue: 2 } },
      { key: "double.fraction", value: { doubleValue: 0.5 } },
      { key: "int", value: { intValue: "3" } },
      { key: "int.beyond 2^53", value: { intValue: "9007199254740993" } },
      { key: "array", value: { arrayValue: { values: [{ doubleValue: 1 }, { intValue: "4" }] } } },
    ];
    const proto = await viewer();
    const types = otlpProtoTypes();
    // Protobuf carries ids as bytes.
    const asBytes = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(asBytes)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v).map(([k, x]) => [
                k,
                k === "traceId" || k === "spanId" ? Buffer.from(String(x), "hex") : asBytes(x),
              ]),
            )
          : v;
    const body = types.traceRequest.encode(types.traceRequest.fromObject(asBytes(request(numbers)) as object)).finish();
    const sent = await fetch(`${proto.otlpUrl}/v1/traces`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-protobuf" },
    });
    expect(sent.status).toBe(200);
    expect(await getJson<unknown>(proto, `/api/traces/${traceId}/otlp`)).toEqual(expected(numbers));
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
