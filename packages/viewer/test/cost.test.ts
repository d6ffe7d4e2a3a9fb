import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PriceTable } from "../src/analysis/prices.js";
import type { ServedSpan, TraceDetail } from "../src/shared/model.js";
import { TraceStore } from "../src/store/store.js";
import type { RunningViewer } from "../src/viewer.js";
import { chat, hex, send } from "./otlp-json.js";
import { agentTurn, meterProviderWith, providerWith, testViewer } from "./support.js";

let dir: string;
const viewers: RunningViewer[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-cost-"));
});
afterEach(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function viewer(options: Parameters<typeof testViewer>[0] = {}) {
  const v = await testViewer(options);
  viewers.push(v);
  return v;
}

async function detail(v: RunningViewer, traceId: string): Promise<TraceDetail> {
  const res = await fetch(`${v.url}/api/traces/${traceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TraceDetail;
}

/** Every span of the trace by name, parent name, kind and status, with what it cost as served. */
function costTree(d: TraceDetail) {
  const byId = new Map(d.spans.map((s) => [s.spanId, s]));
  return d.spans.map((s: ServedSpan) => ({
    name: s.name,
    parent: s.parentSpanId ? (byId.get(s.parentSpanId)?.name ?? s.parentSpanId) : null,
    kind: s.kind,
    status: s.status.code,
    cost: s.cost,
    ...(s.costNotCounted ? { costNotCounted: true } : {}),
  }));
}

// gpt-4o-mini in the shipped table: input 0.15, cache read 0.075, output 0.6 USD per million tokens.
// The agent turn's first call: 52 in (20 cache read), 11 out; the second: 90 in, 14 out (6 reasoning).
const FIRST = (32 * 0.15 + 20 * 0.075 + 11 * 0.6) / 1e6;
const SECOND = (90 * 0.15 + 14 * 0.6) / 1e6;

describe("cost of model calls, traces and metric totals", () => {
  it("prices each model call of an agent turn once and sums the trace; other spans cost nothing of their own", async () => {
    const v = await viewer();
    const { provider } = providerWith(new OTLPTraceExporter({ url: `${v.otlpUrl}/v1/traces` }));
    await agentTurn(provider);
    await provider.shutdown();
    const [row] = v.store.listTraces();
    const d = await detail(v, row!.traceId);
    expect(costTree(d)).toEqual([
      { name: "invoke_agent Weather", parent: null, kind: 1, status: 0, cost: undefined },
      {
        name: "chat gpt-4o-mini",
        parent: "invoke_agent Weather",
        kind: 3,
        status: 0,
        cost: { pricedAs: "openai/gpt-4o-mini", usd: expect.closeTo(FIRST, 15) },
      },
      { name: "execute_tool get_weather", parent: "invoke_agent Weather", kind: 1, status: 0, cost: undefined },
      {
        name: "chat gpt-4o-mini",
        parent: "invoke_agent Weather",
        kind: 3,
        status: 0,
        cost: { pricedAs: "openai/gpt-4o-mini", usd: expect.closeTo(SECOND, 15) },
      },
    ]);
    expect(row).toMatchObject({ modelCalls: 2, inputTokens: 142, outputTokens: 25, costUsd: expect.closeTo(FIRST + SECOND, 15) });
    expect(row!.unpricedTokens).toBeUndefined();
    expect(d.summary).toEqual(row);
  });

  it("does not price tokens counted twice, reads gen_ai.system, and leaves unknown models unpriced", async () => {
    const v = await viewer();
    const T = hex(0xc057, 16);
    const id = (n: number) => hex(n, 8);
    await send(v.otlpUrl, [
      {
        traceId: T,
        spanId: id(1),
        name: "invoke_agent Support",
        start: 0,
        end: 100,
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "Support",
          "gen_ai.usage.input_tokens": 3000,
          "gen_ai.usage.output_tokens": 300,
        },
      },
      // Two instrumentations of one call: the inner span's tokens are the outer's.
      {
        traceId: T,
        spanId: id(2),
        parentSpanId: id(1),
        name: "chat outer",
        kind: 3,
        start: 10,
        end: 20,
        attributes: chat({
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.input_tokens": 1000,
          "gen_ai.usage.output_tokens": 100,
        }),
      },
      {
        traceId: T,
        spanId: id(3),
        parentSpanId: id(2),
        name: "chat inner",
        kind: 3,
        start: 11,
        end: 19,
        attributes: chat({
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.input_tokens": 1000,
          "gen_ai.usage.output_tokens": 100,
        }),
      },
      // One response reported by two spans side by side.
      {
        traceId: T,
        spanId: id(4),
        parentSpanId: id(1),
        name: "chat first",
        kind: 3,
        start: 30,
        end: 40,
        attributes: chat({
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.id": "resp-1",
          "gen_ai.usage.input_tokens": 1000,
          "gen_ai.usage.output_tokens": 100,
        }),
      },
      {
        traceId: T,
        spanId: id(5),
        parentSpanId: id(1),
        name: "chat again",
        kind: 3,
        start: 31,
        end: 41,
        attributes: chat({
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.id": "resp-1",
          "gen_ai.usage.input_tokens": 1000,
          "gen_ai.usage.output_tokens": 100,
        }),
      },
      // The provider's name as semantic conventions 1.36 and older spelled it.
      {
        traceId: T,
        spanId: id(6),
        parentSpanId: id(1),
        name: "chat legacy",
        kind: 3,
        start: 50,
        end: 60,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.system": "anthropic",
          "gen_ai.request.model": "claude-3-5-sonnet-20241022",
          "gen_ai.usage.input_tokens": 1000,
          "gen_ai.usage.output_tokens": 100,
        },
      },
      {
        traceId: T,
        spanId: id(7),
        parentSpanId: id(1),
        name: "chat local",
        kind: 3,
        start: 70,
        end: 80,
        attributes: chat({
          "gen_ai.provider.name": "ollama",
          "gen_ai.request.model": "llama-local",
          "gen_ai.usage.input_tokens": 700,
          "gen_ai.usage.output_tokens": 70,
        }),
      },
    ]);
    const d = await detail(v, T);
    const gpt4o = { pricedAs: "openai/gpt-4o", usd: expect.closeTo((1000 * 2.5 + 100 * 10) / 1e6, 15) };
    expect(costTree(d)).toEqual([
      { name: "invoke_agent Support", parent: null, kind: 1, status: 0, cost: undefined },
      { name: "chat outer", parent: "invoke_agent Support", kind: 3, status: 0, cost: gpt4o },
      { name: "chat inner", parent: "chat outer", kind: 3, status: 0, cost: gpt4o, costNotCounted: true },
      { name: "chat first", parent: "invoke_agent Support", kind: 3, status: 0, cost: gpt4o },
      { name: "chat again", parent: "invoke_agent Support", kind: 3, status: 0, cost: gpt4o, costNotCounted: true },
      {
        name: "chat legacy",
        parent: "invoke_agent Support",
        kind: 3,
        status: 0,
        cost: { pricedAs: "anthropic/claude-3-5-sonnet", usd: expect.closeTo((1000 * 3 + 100 * 15) / 1e6, 15) },
      },
      { name: "chat local", parent: "invoke_agent Support", kind: 3, status: 0, cost: { unpricedTokens: 770 } },
    ]);
    expect(d.summary).toMatchObject({
      inputTokens: 3700,
      outputTokens: 370,
      costUsd: expect.closeTo((2 * 3500 + 4500) / 1e6, 15),
      unpricedTokens: 770,
    });
  });

  it("counts a remote agent call's usage (invoke_agent CLIENT) where its model calls are not seen, and never twice", async () => {
    const v = await viewer();
    const id = (n: number) => hex(n, 8);
    const agent = (extra: Record<string, string | number> = {}) => ({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.provider.name": "openai",
      "gen_ai.agent.name": "travel",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": 500,
      "gen_ai.usage.output_tokens": 50,
      ...extra,
    });
    const gpt4o = (input: number, output: number) => ({
      pricedAs: "openai/gpt-4o",
      usd: expect.closeTo((input * 2.5 + output * 10) / 1e6, 15),
    });
    // The agent runs in a service that exports nowhere: its usage is all the trace knows.
    const alone = hex(0xa1, 16);
    await send(v.otlpUrl, [
      { traceId: alone, spanId: id(1), name: "invoke_agent travel", kind: 3, start: 0, end: 100, attributes: agent() },
    ]);
    const a = await detail(v, alone);
    expect(costTree(a)).toEqual([{ name: "invoke_agent travel", parent: null, kind: 3, status: 0, cost: gpt4o(500, 50) }]);
    expect(a.summary).toMatchObject({ modelCalls: 0, inputTokens: 500, outputTokens: 50, costUsd: expect.closeTo(0.00175, 15) });
    // The remote service exports here too: its model call is counted, the agent's total is not added again.
    const seen = hex(0xa2, 16);
    await send(v.otlpUrl, [
      { traceId: seen, spanId: id(1), name: "invoke_agent travel", kind: 3, start: 0, end: 100, attributes: agent() },
      {
        traceId: seen,
        spanId: id(2),
        parentSpanId: id(1),
        name: "invoke_agent travel",
        kind: 2,
        start: 5,
        end: 95,
        service: "travel-agent",
        attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "travel" },
      },
      {
        traceId: seen,
        spanId: id(3),
        parentSpanId: id(2),
        name: "chat gpt-4o",
        kind: 3,
        start: 10,
        end: 90,
        service: "travel-agent",
        attributes: chat({
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.usage.input_tokens": 400,
          "gen_ai.usage.output_tokens": 40,
        }),
      },
    ]);
    const b = await detail(v, seen);
    expect(costTree(b)).toEqual([
      { name: "invoke_agent travel", parent: null, kind: 3, status: 0, cost: gpt4o(500, 50), costNotCounted: true },
      { name: "invoke_agent travel", parent: "invoke_agent travel", kind: 2, status: 0, cost: undefined },
      { name: "chat gpt-4o", parent: "invoke_agent travel", kind: 3, status: 0, cost: gpt4o(400, 40) },
    ]);
    expect(b.summary).toMatchObject({ modelCalls: 1, inputTokens: 400, outputTokens: 40, costUsd: expect.closeTo(0.0014, 15) });
    // A remote agent that calls another: the outer call's usage includes the inner one's.
    const nested = hex(0xa3, 16);
    await send(v.otlpUrl, [
      { traceId: nested, spanId: id(1), name: "invoke_agent travel", kind: 3, start: 0, end: 100, attributes: agent() },
      {
        traceId: nested,
        spanId: id(2),
        parentSpanId: id(1),
        name: "invoke_agent hotels",
        kind: 3,
        start: 10,
        end: 90,
        attributes: agent({ "gen_ai.agent.name": "hotels", "gen_ai.usage.input_tokens": 200, "gen_ai.usage.output_tokens": 20 }),
      },
    ]);
    const c = await detail(v, nested);
    expect(c.summary).toMatchObject({ inputTokens: 500, outputTokens: 50, costUsd: expect.closeTo(0.00175, 15) });
    expect(c.spans.map((s) => s.costNotCounted)).toEqual([undefined, true]);
  });

  it("prices stored spans again, once, when the viewer opens with other prices; the trace keeps its arrival times", () => {
    const file = join(dir, "traces.sqlite");
    const now = { ms: 1_800_000_000_000 };
    const span = {
      traceId: hex(1, 16),
      spanId: hex(1, 8),
      parentSpanId: hex(99, 8),
      name: "chat gpt-4o",
      kind: 3 as const,
      startTimeUnixNano: "1700000000000000000",
      endTimeUnixNano: "1700000001000000000",
      attributes: chat({
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 1_000_000,
        "gen_ai.usage.output_tokens": 0,
      }),
      events: [],
      links: [],
      status: { code: 0 as const },
      resource: { "service.name": "svc" },
      scope: { name: "test" },
    };
    const store = new TraceStore({ path: file, maxTraces: 10, now: () => now.ms });
    store.ingest([span]);
    expect(store.listTraces()[0]).toMatchObject({ costUsd: 2.5 });
    store.close();

    const override = join(dir, "prices.json");
    writeFileSync(override, JSON.stringify({ providers: { openai: { models: { "gpt-4o": { input: 1, output: 4 } } } } }));
    now.ms += 60_000;
    const cheaper = new TraceStore({ path: file, maxTraces: 10, now: () => now.ms, prices: PriceTable.load(override) });
    expect(cheaper.listTraces()[0]).toMatchObject({ costUsd: 1, neverEnded: 1 });
    expect(cheaper.trace(span.traceId)?.spans[0]?.cost).toEqual({ pricedAs: "openai/gpt-4o", usd: 1 });
    cheaper.close();

    // A version-3 database has no cost column: its spans are priced when it opens.
    const v3 = new DatabaseSync(file);
    v3.exec(
      "ALTER TABLE spans DROP COLUMN cost; ALTER TABLE metric_points DROP COLUMN provider; DELETE FROM meta WHERE key = 'prices';",
    );
    v3.prepare("UPDATE meta SET value = 'otel-agents-viewer/3' WHERE key = 'schema'").run();
    v3.close();
    const upgraded = new TraceStore({ path: file, maxTraces: 10, now: () => now.ms });
    expect(upgraded.listTraces()[0]).toMatchObject({ costUsd: 2.5 });
    upgraded.close();
    const check = new DatabaseSync(file);
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: "otel-agents-viewer/4" });
    expect(check.prepare("SELECT cost FROM spans").all()).toEqual([
      { cost: JSON.stringify({ pricedAs: "openai/gpt-4o", usd: 2.5 }) },
    ]);
    check.close();
  });

  it("prices the token metrics per provider and model for the charts, and says where the prices come from", async () => {
    const v = await viewer();
    const { provider } = providerWith(new OTLPTraceExporter({ url: `${v.otlpUrl}/v1/traces` }));
    const meterProvider = meterProviderWith(new OTLPMetricExporter({ url: `${v.otlpUrl}/v1/metrics` }));
    await agentTurn(provider, { meterProvider });
    await meterProvider.forceFlush();
    await Promise.all([provider.shutdown(), meterProvider.shutdown()]);
    const o = v.store.metricsOverview();
    expect(o.priceSource).toBe("@pydantic/genai-prices 0.1.8, read 2026-12-05");
    expect(o.tokensByModel).toEqual([
      {
        model: "gpt-4o-mini-2024-07-18",
        input: 142,
        output: 25,
        cacheRead: 20,
        cacheWrite: 0,
        reasoning: 6,
        costUsd: expect.closeTo(FIRST + SECOND, 15),
      },
    ]);
  });
});
