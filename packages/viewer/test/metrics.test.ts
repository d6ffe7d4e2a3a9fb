import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { assertConformance } from "@otel-agents/core/conformance";
import { afterEach, describe, expect, it } from "vitest";
import type { MetricsOverview } from "../src/shared/model.js";
import { quantile } from "../src/store/metrics.js";
import { TraceStore } from "../src/store/store.js";
import type { RunningViewer } from "../src/viewer.js";
import { openEvents } from "./sse.js";
import { agentTurn, meterProviderWith, providerWith, testViewer } from "./support.js";

const viewers: RunningViewer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function viewer(options: Parameters<typeof testViewer>[0] = {}) {
  const v = await testViewer(options);
  viewers.push(v);
  return v;
}

async function overview(v: RunningViewer): Promise<MetricsOverview> {
  const res = await fetch(`${v.url}/api/metrics`);
  expect(res.status).toBe(200);
  return (await res.json()) as MetricsOverview;
}

const metricExporters = {
  protobuf: (url: string) => new ProtoMetricExporter({ url }),
  JSON: (url: string) => new JsonMetricExporter({ url }),
  "gzip protobuf": (url: string) => new ProtoMetricExporter({ url, compression: CompressionAlgorithm.GZIP }),
  "gzip JSON": (url: string) => new JsonMetricExporter({ url, compression: CompressionAlgorithm.GZIP }),
};

/** The core's token counters for one agentTurn(): 52 + 90 in, 11 + 14 out, 20 cache read, 6 reasoning. */
const TURN = { input: 142, output: 25, cacheRead: 20, reasoning: 6 };

describe("GenAI metrics for the charts", () => {
  for (const [name, make] of Object.entries(metricExporters)) {
    it(`charts the core's token counters and duration histograms sent as ${name}, cumulative exports counted once`, async () => {
      const v = await viewer();
      const meterProvider = meterProviderWith(make(`${v.otlpUrl}/v1/metrics`));
      const traces = providerWith(new InMemorySpanExporter());
      await agentTurn(traces.provider, { meterProvider });
      await meterProvider.forceFlush();
      // The second export repeats the first turn's totals (cumulative): only the increase is new.
      await agentTurn(traces.provider, { meterProvider, failTool: true });
      await meterProvider.forceFlush();
      await meterProvider.shutdown();
      assertConformance(traces.memory.getFinishedSpans());

      const o = await overview(v);
      expect(o.tokensByModel).toEqual([
        {
          model: "gpt-4o-mini-2024-07-18",
          input: 2 * TURN.input,
          output: 2 * TURN.output,
          cacheRead: 2 * TURN.cacheRead,
          cacheWrite: 0,
          reasoning: 2 * TURN.reasoning,
          // gpt-4o-mini: input 0.15, cache read 0.075, output 0.6 USD per million tokens.
          costUsd: expect.closeTo(
            (2 * ((TURN.input - TURN.cacheRead) * 0.15 + TURN.cacheRead * 0.075 + TURN.output * 0.6)) / 1e6,
            15,
          ),
        },
      ]);
      // Both exports fall in one bucket (they are milliseconds apart).
      expect(o.tokensOverTime.buckets.reduce((s, b) => s + b.input, 0)).toBe(2 * TURN.input);
      expect(o.tokensOverTime.buckets.reduce((s, b) => s + b.output, 0)).toBe(2 * TURN.output);
      expect(o.durations.map(({ label, model, metric, count, errors }) => ({ label, model, metric, count, errors }))).toEqual([
        { label: "invoke_agent Weather", model: "gpt-4o-mini", metric: "gen_ai.invoke_agent.duration", count: 2, errors: 0 },
        { label: "chat", model: "gpt-4o-mini-2024-07-18", metric: "gen_ai.client.inference.duration", count: 4, errors: 0 },
        { label: "execute_tool get_weather", model: "", metric: "gen_ai.execute_tool.duration", count: 2, errors: 1 },
      ]);
      for (const d of o.durations) {
        expect(d.sumS).toBeGreaterThan(0);
        expect(d.meanS).toBeCloseTo(d.sumS / d.count, 12);
        expect(d.p95S).toBeGreaterThan(0);
      }
    });
  }

  it("reads delta temporality, the pre-1.39 gen_ai.client.token.usage histogram, and drops gauges and other metrics", async () => {
    const v = await viewer();
    const t0 = 1_790_000_000_000_000_000n;
    const at = (s: number) => String(t0 + BigInt(s) * 1_000_000_000n);
    const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const usage = (type: string, sum: number, time: number) => ({
      attributes: [
        kv("gen_ai.token.type", type),
        kv("gen_ai.request.model", "claude-sonnet-4"),
        kv("gen_ai.operation.name", "chat"),
      ],
      startTimeUnixNano: at(time - 60),
      timeUnixNano: at(time),
      count: "1",
      sum,
      bucketCounts: ["0", "1"],
      explicitBounds: [1],
    });
    const request = {
      resourceMetrics: [
        {
          resource: { attributes: [kv("service.name", "openllmetry-app")] },
          scopeMetrics: [
            {
              scope: { name: "opentelemetry.instrumentation.anthropic" },
              metrics: [
                {
                  name: "gen_ai.client.token.usage",
                  unit: "{token}",
                  histogram: {
                    aggregationTemporality: 1,
                    dataPoints: [usage("input", 1000, 0), usage("output", 200, 0), usage("input", 500, 120)],
                  },
                },
                {
                  name: "gen_ai.client.operation.duration",
                  unit: "s",
                  histogram: {
                    aggregationTemporality: "AGGREGATION_TEMPORALITY_DELTA",
                    dataPoints: [
                      {
                        attributes: [kv("gen_ai.operation.name", "chat"), kv("gen_ai.request.model", "claude-sonnet-4")],
                        startTimeUnixNano: at(-60),
                        timeUnixNano: at(0),
                        count: 4,
                        sum: 6,
                        min: 0.7,
                        max: 1.8,
                        bucketCounts: [0, 2, 2, 0],
                        explicitBounds: [0.5, 1, 2],
                      },
                    ],
                  },
                },
                { name: "gen_ai.server.queue", unit: "1", gauge: { dataPoints: [{ asInt: "3", timeUnixNano: at(0) }] } },
                {
                  name: "http.client.request.duration",
                  unit: "s",
                  histogram: { aggregationTemporality: 1, dataPoints: [{ count: 9, sum: 1, timeUnixNano: at(0) }] },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(`${v.otlpUrl}/v1/metrics`, {
      method: "POST",
      body: gzipSync(JSON.stringify(request)),
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(res.status).toBe(200);
    const o = await overview(v);
    expect(o.points).toBe(4);
    expect(o.tokensByModel).toEqual([
      // No provider name: claude… is Anthropic's (input 3, output 15 USD per million tokens).
      { model: "claude-sonnet-4", input: 1500, output: 200, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: 0.0075 },
    ]);
    // Two minutes of points: 5-second buckets, the first and the last hold the tokens.
    const startUs = Number(t0 / 1000n);
    expect(o.tokensOverTime.bucketUs).toBe(5_000_000);
    expect(o.tokensOverTime.buckets.filter((b) => b.input || b.output)).toEqual([
      { startUs, input: 1000, output: 200 },
      { startUs: startUs + 120_000_000, input: 500, output: 0 },
    ]);
    expect(o.tokensOverTime.buckets).toHaveLength(25);
    // 4 values: 2 in (0.5, 1], 2 in (1, 2]; the 95th percentile (rank 3.8) lies 90% into (1, 2], at 1.9,
    // beyond the largest value recorded (max 1.8), which bounds it.
    expect(o.durations).toEqual([
      {
        metric: "gen_ai.client.operation.duration",
        label: "chat",
        model: "claude-sonnet-4",
        count: 4,
        errors: 0,
        sumS: 6,
        meanS: 1.5,
        p95S: 1.8,
      },
    ]);
  });

  it("answers a malformed metrics body with 400 and stores nothing", async () => {
    const v = await viewer();
    const bad = await fetch(`${v.otlpUrl}/v1/metrics`, {
      method: "POST",
      body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: { name: "gen_ai.x" } }] }] }),
      headers: { "content-type": "application/json" },
    });
    expect([bad.status, await bad.json()]).toEqual([400, { code: 3, message: "ScopeMetrics.metrics must be an array" }]);
    const garbage = await fetch(`${v.otlpUrl}/v1/metrics`, {
      method: "POST",
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff]),
      headers: { "content-type": "application/x-protobuf" },
    });
    expect(garbage.status).toBe(400);
    expect((await overview(v)).points).toBe(0);
  });

  it("announces new metric points over SSE", async () => {
    const v = await viewer();
    const events = await openEvents(`${v.url}/api/events`);
    const meterProvider = meterProviderWith(new ProtoMetricExporter({ url: `${v.otlpUrl}/v1/metrics` }));
    await agentTurn(providerWith(new InMemorySpanExporter()).provider, { meterProvider });
    await meterProvider.shutdown();
    expect(await events.event("metrics")).toEqual({ points: (await overview(v)).points });
    events.close();
  });

  it("keeps the stream state across a restart, so a cumulative total is not counted twice, and bounds the points", async () => {
    const dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-metrics-"));
    dirs.push(dir);
    const path = join(dir, "traces.sqlite");
    const point = (sum: number, start = "1000") => ({
      name: "gen_ai.client.inference.usage.input_tokens",
      unit: "{token}",
      service: "app",
      stream: "app\nscope\ngen_ai.client.inference.usage.input_tokens\n[]",
      attributes: { "gen_ai.request.model": "m" },
      startTimeUnixNano: start,
      timeUnixNano: String(2_000_000_000_000_000_000n + BigInt(sum) * 1_000_000_000n),
      cumulative: true,
      sum,
    });
    let store = new TraceStore({ path, maxTraces: 10, maxMetricPoints: 3 });
    expect(store.ingestMetrics([point(10), point(25)])).toBe(2);
    store.close();
    store = new TraceStore({ path, maxTraces: 10, maxMetricPoints: 3 });
    // 40 continues the stream (+15), 40 again adds nothing, 7 with a new start time is a restarted app (+7).
    expect(store.ingestMetrics([point(40), point(40), point(7, "5000")])).toBe(2);
    const o = store.metricsOverview();
    // Four points were kept in all; the bound of three dropped the first (10).
    expect(o.points).toBe(3);
    expect(o.tokensByModel).toEqual([
      { model: "m", input: 15 + 15 + 7, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, unpricedTokens: 15 + 15 + 7 },
    ]);
    store.close();
  });

  it("tells apart two copies of an app with the same resource by their streams' start times", () => {
    const store = new TraceStore({ path: ":memory:", maxTraces: 10 });
    const point = (sum: number, start: string) => ({
      name: "gen_ai.client.inference.usage.output_tokens",
      unit: "{token}",
      service: "app",
      stream: "same resource, scope, name and attributes",
      attributes: { "gen_ai.response.model": "m" },
      startTimeUnixNano: start,
      timeUnixNano: "2000000000000000000",
      cumulative: true,
      sum,
    });
    // Replica A counts 10 then 25, replica B 5 then 8, their exports interleaved: 25 + 8 in all.
    store.ingestMetrics([point(10, "100"), point(5, "200"), point(25, "100"), point(8, "200")]);
    expect(store.metricsOverview().tokensByModel[0]?.output).toBe(33);
    store.close();
  });

  it("estimates quantiles inside a bucket, and at the last bound in the open bucket", () => {
    expect(quantile({ bounds: [1, 2, 4], counts: [0, 10, 0, 0] }, 0.5)).toBe(1.5);
    expect(quantile({ bounds: [1, 2, 4], counts: [1, 0, 0, 3] }, 0.95)).toBe(4);
    expect(quantile({ bounds: [1], counts: [0, 0] }, 0.95)).toBeNull();
  });
});
