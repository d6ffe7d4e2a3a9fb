import { gzipSync } from "node:zlib";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { afterEach, describe, expect, it } from "vitest";
import { otlpProtoTypes } from "../src/otlp/proto.js";
import type { RunningViewer } from "../src/viewer.js";
import { agentTurn, expectedStored, providerWith, testViewer } from "./support.js";

let viewer: RunningViewer | undefined;
afterEach(async () => {
  await viewer?.close();
  viewer = undefined;
});

function byStart<T extends { startTimeUnixNano: string; spanId: string }>(spans: T[]): T[] {
  return [...spans].sort((a, b) =>
    a.startTimeUnixNano === b.startTimeUnixNano
      ? a.spanId.localeCompare(b.spanId)
      : BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano)
        ? -1
        : 1,
  );
}

async function post(path: string, body: Uint8Array | string, headers: Record<string, string>) {
  const res = await fetch(`${viewer!.otlpUrl}${path}`, { method: "POST", body, headers });
  return { status: res.status, type: res.headers.get("content-type"), bytes: new Uint8Array(await res.arrayBuffer()) };
}

const exporters = {
  "protobuf (the real OTLP proto exporter)": (url: string) => new ProtoExporter({ url }),
  "JSON (the real OTLP http exporter)": (url: string) => new JsonExporter({ url }),
  "gzip protobuf": (url: string) => new ProtoExporter({ url, compression: CompressionAlgorithm.GZIP }),
  "gzip JSON": (url: string) => new JsonExporter({ url, compression: CompressionAlgorithm.GZIP }),
};

describe("OTLP/HTTP receiver", () => {
  for (const [name, make] of Object.entries(exporters)) {
    it(`stores every field of every span sent as ${name}`, async () => {
      viewer = await testViewer();
      const { provider, memory } = providerWith(make(`${viewer.otlpUrl}/v1/traces`));
      await agentTurn(provider, { conversationId: "conv-1", failTool: true });
      const sent = memory.getFinishedSpans();
      expect(sent.map((s) => s.name)).toEqual([
        "chat gpt-4o-mini",
        "execute_tool get_weather",
        "chat gpt-4o-mini",
        "invoke_agent Weather",
      ]);
      const traceId = sent[0]!.spanContext().traceId;
      expect(byStart(viewer.store.spans(traceId))).toEqual(byStart(sent.map(expectedStored)));
      expect(viewer.store.listTraces()).toEqual([
        {
          traceId,
          service: "weather-agent",
          services: ["weather-agent"],
          rootName: "invoke_agent Weather",
          startUs: expect.any(Number),
          durationUs: expect.any(Number),
          spanCount: 4,
          modelCalls: 2,
          toolCalls: 1,
          inputTokens: 142,
          outputTokens: 25,
          cacheReadTokens: 20,
          reasoningTokens: 6,
          // gpt-4o-mini (input 0.15, cache read 0.075, output 0.6 USD per million): 32 + 20 cached in, 11 out; 90 in, 14 out.
          costUsd: expect.closeTo((32 * 0.15 + 20 * 0.075 + 11 * 0.6 + 90 * 0.15 + 14 * 0.6) / 1e6, 15),
          errors: 1,
          conformanceProblems: 0,
          integrityProblems: 0,
          conventions: ["genai"],
          receivedUs: expect.any(Number),
          agents: ["Weather"],
          models: ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"],
          conversationIds: ["conv-1"],
        },
      ]);
      await provider.shutdown();
    });
  }

  it("answers a protobuf export with an empty ExportTraceServiceResponse", async () => {
    viewer = await testViewer();
    const types = otlpProtoTypes();
    const body = types.traceRequest
      .encode(
        types.traceRequest.fromObject({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: Buffer.alloc(16, 1),
                      spanId: Buffer.alloc(8, 2),
                      name: "a",
                      startTimeUnixNano: "1",
                      endTimeUnixNano: "2",
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const res = await post("/v1/traces", body, { "content-type": "application/x-protobuf" });
    expect(res).toEqual({ status: 200, type: "application/x-protobuf", bytes: new Uint8Array() });
    expect(viewer.store.spans("01".repeat(16)).map((s) => [s.spanId, s.name])).toEqual([["02".repeat(8), "a"]]);
  });

  it("reports spans with invalid ids as an OTLP partial success and keeps the others", async () => {
    viewer = await testViewer();
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
          scopeSpans: [
            {
              scope: { name: "s" },
              spans: [
                {
                  traceId: "ab".repeat(16),
                  spanId: "cd".repeat(8),
                  name: "kept",
                  kind: 2,
                  startTimeUnixNano: "1000",
                  endTimeUnixNano: 3000,
                },
                { traceId: "short", spanId: "cd".repeat(8), name: "dropped" },
                { traceId: "00".repeat(16), spanId: "cd".repeat(8), name: "all-zero id" },
              ],
            },
          ],
        },
      ],
    };
    const res = await post("/v1/traces", JSON.stringify(request), { "content-type": "application/json" });
    expect({ ...res, bytes: JSON.parse(Buffer.from(res.bytes).toString()) }).toEqual({
      status: 200,
      type: "application/json",
      bytes: { partialSuccess: { rejectedSpans: "2", errorMessage: "spans with an invalid trace or span id were dropped" } },
    });
    expect(viewer.store.spans("ab".repeat(16))).toEqual([
      {
        traceId: "ab".repeat(16),
        spanId: "cd".repeat(8),
        parentSpanId: null,
        name: "kept",
        kind: 2,
        startTimeUnixNano: "1000",
        endTimeUnixNano: "3000",
        attributes: {},
        events: [],
        links: [],
        status: { code: 0 },
        resource: { "service.name": "svc" },
        scope: { name: "s" },
      },
    ]);
  });

  it("reads span kinds and status codes spelled by their enum names, as the protobuf JSON mapping allows", async () => {
    viewer = await testViewer();
    const traceId = "ef".repeat(16);
    const span = (n: number, kind: unknown, code: unknown) => ({
      traceId,
      spanId: String(n).padStart(16, "0"),
      name: `span ${n}`,
      kind,
      startTimeUnixNano: String(1000 + n),
      endTimeUnixNano: String(2000 + n),
      status: code === undefined ? {} : { code, message: `status ${n}` },
    });
    const request = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              scope: { name: "s" },
              spans: [
                span(1, "SPAN_KIND_CLIENT", "STATUS_CODE_ERROR"),
                span(2, "SPAN_KIND_SERVER", "STATUS_CODE_OK"),
                span(3, "SPAN_KIND_INTERNAL", "STATUS_CODE_UNSET"),
                span(4, "SPAN_KIND_PRODUCER", 2),
                span(5, "SPAN_KIND_CONSUMER", undefined),
                span(6, "SPAN_KIND_UNSPECIFIED", 1),
                // Integers, as OTLP asks, still read; unknown names read as an invalid number does: unspecified, unset.
                span(7, 3, "2"),
                span(8, "SPAN_KIND_SIDEWAYS", "STATUS_CODE_MAYBE"),
                span(9, "span_kind_client", 7),
              ],
            },
          ],
        },
      ],
    };
    const res = await post("/v1/traces", JSON.stringify(request), { "content-type": "application/json" });
    expect([res.status, Buffer.from(res.bytes).toString()]).toEqual([200, "{}"]);
    const expected = (n: number, kind: number, code: number, message = true) => ({
      traceId,
      spanId: String(n).padStart(16, "0"),
      parentSpanId: null,
      name: `span ${n}`,
      kind,
      startTimeUnixNano: String(1000 + n),
      endTimeUnixNano: String(2000 + n),
      attributes: {},
      events: [],
      links: [],
      status: message ? { code, message: `status ${n}` } : { code },
      resource: {},
      scope: { name: "s" },
    });
    expect(viewer.store.spans(traceId)).toEqual([
      expected(1, 3, 2),
      expected(2, 2, 1),
      expected(3, 1, 0),
      expected(4, 4, 2),
      expected(5, 5, 0, false),
      expected(6, 0, 1),
      expected(7, 3, 2),
      expected(8, 0, 0),
      expected(9, 0, 0),
    ]);
    // The list counts the error the names carried.
    expect(viewer.store.listTraces().map((t) => [t.traceId, t.spanCount, t.errors])).toEqual([[traceId, 9, 3]]);
  });

  const malformed: [string, Uint8Array | string, Record<string, string>, RegExp][] = [
    ["truncated JSON", '{"resourceSpans": [', { "content-type": "application/json" }, /^The body is not valid JSON: /],
    ["a JSON array", "[1,2]", { "content-type": "application/json" }, /^The JSON body is not an OTLP export request object\.$/],
    [
      "resourceSpans that is no array",
      '{"resourceSpans": 5}',
      { "content-type": "application/json" },
      /^ExportTraceServiceRequest\.resourceSpans must be an array$/,
    ],
    [
      "bytes that are no protobuf",
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]),
      { "content-type": "application/x-protobuf" },
      /^The body is not a valid ExportTraceServiceRequest protobuf message: /,
    ],
    [
      "a gzip header on plain bytes",
      "{}",
      { "content-type": "application/json", "content-encoding": "gzip" },
      /^The gzip body cannot be decompressed: /,
    ],
  ];
  for (const [name, body, headers, message] of malformed) {
    it(`rejects ${name} with 400, a Status message, and stores nothing`, async () => {
      viewer = await testViewer();
      const res = await post("/v1/traces", body, headers);
      const status =
        headers["content-type"] === "application/json"
          ? (JSON.parse(Buffer.from(res.bytes).toString()) as { code: number; message: string })
          : (otlpProtoTypes().status.toObject(otlpProtoTypes().status.decode(res.bytes)) as { code: number; message: string });
      expect(res.status).toBe(400);
      expect(status.code).toBe(3);
      expect(status.message).toMatch(message);
      expect(viewer.store.traceCount()).toBe(0);
    });
  }

  it("rejects an oversized body with 413 before reading it, and a gzip bomb with 413 after inflating the limit", async () => {
    viewer = await testViewer({ maxBodyBytes: 4096 });
    const big = JSON.stringify({ resourceSpans: [], padding: "x".repeat(5000) });
    const plain = await post("/v1/traces", big, { "content-type": "application/json" });
    expect([plain.status, JSON.parse(Buffer.from(plain.bytes).toString())]).toEqual([
      413,
      { code: 8, message: "The body (5033 bytes) exceeds the limit of 4096 bytes." },
    ]);
    const bomb = gzipSync(Buffer.from(big));
    expect(bomb.length).toBeLessThan(4096);
    const inflated = await post("/v1/traces", bomb, { "content-type": "application/json", "content-encoding": "gzip" });
    expect([inflated.status, JSON.parse(Buffer.from(inflated.bytes).toString())]).toEqual([
      413,
      { code: 8, message: "The decompressed body exceeds the limit of 4096 bytes." },
    ]);
    expect(viewer.store.traceCount()).toBe(0);
  });

  it("answers CORS preflights so browser exporters can send", async () => {
    viewer = await testViewer();
    const res = await fetch(`${viewer.otlpUrl}/v1/traces`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect([
      res.status,
      Object.fromEntries([...res.headers].filter(([k]) => k.startsWith("access-control") || k === "vary")),
    ]).toEqual([
      204,
      {
        "access-control-allow-origin": "http://localhost:5173",
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "86400",
        vary: "Origin",
      },
    ]);
  });

  it("accepts metrics (tested in metrics.test.ts) and logs, and refuses other content types and paths", async () => {
    viewer = await testViewer();
    const metrics = {
      resourceMetrics: [
        {
          resource: { attributes: [] },
          scopeMetrics: [{ scope: { name: "m" }, metrics: [{ name: "gen_ai.client.operation.duration" }] }],
        },
      ],
    };
    expect((await post("/v1/metrics", JSON.stringify(metrics), { "content-type": "application/json" })).status).toBe(200);
    // A metric without data points has nothing to chart.
    expect(viewer.store.metricsOverview().points).toBe(0);
    expect((await post("/v1/logs", "{}", { "content-type": "application/json" })).status).toBe(200);
    const xml = await post("/v1/traces", "<x/>", { "content-type": "text/xml" });
    expect([xml.status, Buffer.from(xml.bytes).toString()]).toEqual([
      415,
      "Unsupported content type text/xml: use application/x-protobuf or application/json.",
    ]);
    const other = await post("/v2/traces", "{}", { "content-type": "application/json" });
    expect(other.status).toBe(404);
  });
});
