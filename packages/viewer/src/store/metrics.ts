import { createHash } from "node:crypto";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { ATTR, METRIC } from "@otel-agents/core/semconv";
import type { PriceTable } from "../analysis/prices.js";
import { toUs } from "../analysis/span-facts.js";
import type { ReceivedMetricPoint } from "../otlp/metrics.js";
import type { Attrs, DurationRow, MetricsOverview, TokenRow, TokenSeries } from "../shared/model.js";

/**
 * Token totals before the counters of semantic conventions 1.39 (still what OpenLLMetry and older
 * instrumentations send): one histogram whose `gen_ai.token.type` says input or output. Not in the
 * core's table, which follows the current registry.
 */
export const LEGACY_TOKEN_USAGE = "gen_ai.client.token.usage";
const LEGACY_TOKEN_TYPE = "gen_ai.token.type";
/** The provider's name before gen_ai.provider.name (semantic conventions 1.36 and older). */
const LEGACY_SYSTEM = "gen_ai.system";

export type TokenType = "input" | "output" | "cache_read" | "cache_write" | "reasoning";

const TOKEN_COUNTERS: Record<string, TokenType> = {
  [METRIC.usageInputTokens]: "input",
  [METRIC.usageOutputTokens]: "output",
  [METRIC.usageCacheReadInputTokens]: "cache_read",
  [METRIC.usageCacheWriteInputTokens]: "cache_write",
  [METRIC.usageReasoningOutputTokens]: "reasoning",
};

/** The operation durations charted, in the order the chart lists them (outermost operation first). */
const DURATIONS: readonly string[] = [
  METRIC.invokeWorkflowDuration,
  METRIC.invokeAgentDuration,
  METRIC.inferenceDuration,
  METRIC.clientOperationDuration,
  METRIC.executeToolDuration,
];

/** The GenAI metrics the viewer keeps; everything else a receiver gets is dropped. */
export function isChartedMetric(name: string): boolean {
  return name.startsWith("gen_ai.");
}

function str(attrs: Attrs, key: string): string | undefined {
  const v = attrs[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function tokenTypeOf(p: ReceivedMetricPoint): TokenType | null {
  const counter = Object.hasOwn(TOKEN_COUNTERS, p.name) ? TOKEN_COUNTERS[p.name] : undefined;
  if (counter) return counter;
  if (p.name === LEGACY_TOKEN_USAGE) {
    const t = str(p.attributes, LEGACY_TOKEN_TYPE);
    return t === "input" || t === "output" ? t : null;
  }
  return null;
}

/** What a duration row is about: the agent, tool or workflow, else the operation. */
function subjectOf(p: ReceivedMetricPoint): string | null {
  if (!DURATIONS.includes(p.name)) return null;
  const a = p.attributes;
  if (p.name === METRIC.invokeAgentDuration) return `invoke_agent ${str(a, ATTR.agentName) ?? "(unnamed)"}`;
  if (p.name === METRIC.executeToolDuration) return `execute_tool ${str(a, ATTR.toolName) ?? "(unnamed)"}`;
  if (p.name === METRIC.invokeWorkflowDuration) return `invoke_workflow ${str(a, ATTR.workflowName) ?? "(unnamed)"}`;
  return str(a, ATTR.operationName) ?? p.name;
}

interface StreamState {
  start_ns: string;
  sum: number;
  count: number | null;
  buckets: string | null;
}

interface Buckets {
  bounds: number[];
  counts: number[];
}

/**
 * Metric points kept for the charts. Cumulative streams (the OpenTelemetry JS default) are turned
 * into deltas against the last point of the same stream (resource, scope, name, attributes and
 * start time), kept in `metric_streams` so a restart of the viewer does not count an app's totals
 * twice; a smaller value than before is taken as a reset.
 * Points that add nothing (an idle stream re-exported) are not stored.
 */
export class MetricTables {
  private readonly stmt: Record<
    "stream" | "putStream" | "putPoint" | "trimPoints" | "streamCount" | "trimStreams" | "pointCount",
    StatementSync
  >;

  constructor(
    private readonly db: DatabaseSync,
    private readonly maxPoints: number,
    private readonly maxStreams: number,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.stmt = {
      stream: p("SELECT start_ns, sum, count, buckets FROM metric_streams WHERE key = ?"),
      putStream: p(
        "INSERT OR REPLACE INTO metric_streams (key, start_ns, sum, count, buckets, seen_us) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      putPoint: p(
        `INSERT INTO metric_points (time_us, name, unit, service, model, provider, token_type, subject, error, value, count, min, max, buckets)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      trimPoints: p("DELETE FROM metric_points WHERE id <= (SELECT MAX(id) FROM metric_points) - ?"),
      streamCount: p("SELECT COUNT(*) AS n FROM metric_streams"),
      trimStreams: p("DELETE FROM metric_streams WHERE key IN (SELECT key FROM metric_streams ORDER BY seen_us LIMIT ?)"),
      pointCount: p("SELECT COUNT(*) AS n, MIN(time_us) AS first, MAX(time_us) AS last FROM metric_points"),
    };
  }

  /** Stores the points (call inside a transaction); returns how many were kept. */
  ingest(points: readonly ReceivedMetricPoint[], nowUs: number): number {
    let stored = 0;
    for (const p of points) {
      let value = p.sum;
      let count = p.count ?? null;
      let buckets: Buckets | null = p.bounds && p.bucketCounts ? { bounds: p.bounds, counts: p.bucketCounts } : null;
      if (p.cumulative) {
        // The start time is part of the identity: two copies of an app with the same resource are
        // two streams, not one that keeps resetting.
        const key = createHash("sha1").update(`${p.stream}\n${p.startTimeUnixNano}`).digest("base64");
        const prev = this.stmt.stream.get(key) as StreamState | undefined;
        this.stmt.putStream.run(key, p.startTimeUnixNano, p.sum, count, buckets ? JSON.stringify(buckets) : null, nowUs);
        const continues =
          prev !== undefined &&
          prev.start_ns === p.startTimeUnixNano &&
          value >= prev.sum &&
          (count === null || prev.count === null || count >= prev.count);
        if (continues) {
          value -= prev.sum;
          if (count !== null && prev.count !== null) count -= prev.count;
          buckets = bucketDelta(buckets, prev.buckets);
        }
      }
      if (value === 0 && !count) continue;
      const timeUs = p.timeUnixNano === "0" ? nowUs : toUs(p.timeUnixNano);
      const a = p.attributes;
      this.stmt.putPoint.run(
        timeUs,
        p.name,
        p.unit,
        p.service,
        str(a, ATTR.responseModel) ?? str(a, ATTR.requestModel) ?? "",
        str(a, ATTR.providerName) ?? str(a, LEGACY_SYSTEM) ?? null,
        tokenTypeOf(p),
        subjectOf(p),
        str(a, ATTR.errorType) ?? null,
        value,
        count,
        p.min ?? null,
        p.max ?? null,
        buckets ? JSON.stringify(buckets) : null,
      );
      stored++;
    }
    if (stored > 0) this.stmt.trimPoints.run(this.maxPoints);
    const streams = (this.stmt.streamCount.get() as { n: number }).n;
    if (streams > this.maxStreams) this.stmt.trimStreams.run(streams - this.maxStreams);
    return stored;
  }

  overview(prices?: PriceTable): MetricsOverview {
    const { n, first, last } = this.stmt.pointCount.get() as { n: number; first: number | null; last: number | null };
    return {
      points: n,
      firstUs: first,
      lastUs: last,
      tokensByModel: this.tokensByModel(prices),
      tokensOverTime: this.tokensOverTime(first, last),
      durations: this.durations(),
      ...(prices ? { priceSource: prices.describe() } : {}),
    };
  }

  /**
   * Token totals per model; with a price table, what they cost. Totals are priced per provider and
   * model at the prices of the last point's time (a tier by prompt size cannot apply to a total: the
   * base price does); a model with no price leaves its tokens unpriced, never $0.
   */
  private tokensByModel(prices?: PriceTable): TokenRow[] {
    const rows = this.db
      .prepare(
        `SELECT model, provider, token_type, SUM(value) AS total, MAX(time_us) AS last FROM metric_points
         WHERE token_type IS NOT NULL GROUP BY model, provider, token_type`,
      )
      .all() as { model: string; provider: string | null; token_type: TokenType; total: number; last: number }[];
    const byModel = new Map<string, TokenRow>();
    const byProvider = new Map<string, { row: TokenRow; provider: string | null; tokens: TokenRow; last: number }>();
    for (const r of rows) {
      const model = r.model || "(no model)";
      let row = byModel.get(model);
      if (!row) byModel.set(model, (row = emptyRow(model)));
      row[TOKEN_FIELD[r.token_type]] += r.total;
      const key = `${r.provider ?? ""}\n${model}`;
      let group = byProvider.get(key);
      if (!group) byProvider.set(key, (group = { row, provider: r.provider, tokens: emptyRow(r.model), last: r.last }));
      group.tokens[TOKEN_FIELD[r.token_type]] += r.total;
      group.last = Math.max(group.last, r.last);
    }
    if (prices) {
      for (const { row, provider, tokens, last } of byProvider.values()) {
        const cost = prices.cost({
          provider: provider ?? undefined,
          model: tokens.model || undefined,
          input: tokens.input,
          output: tokens.output,
          cacheRead: tokens.cacheRead,
          cacheWrite: tokens.cacheWrite,
          reasoning: tokens.reasoning,
          atUs: last,
          summed: true,
        });
        if (cost?.usd !== undefined) row.costUsd = (row.costUsd ?? 0) + cost.usd;
        if (cost?.unpricedTokens) row.unpricedTokens = (row.unpricedTokens ?? 0) + cost.unpricedTokens;
      }
    }
    return [...byModel.values()].sort((a, b) => b.input + b.output - (a.input + a.output) || (a.model < b.model ? -1 : 1));
  }

  private tokensOverTime(first: number | null, last: number | null): TokenSeries {
    if (first === null || last === null) return { bucketUs: 0, buckets: [] };
    const bucketUs = bucketWidth(last - first);
    const from = Math.floor(first / bucketUs) * bucketUs;
    const n = Math.floor((last - from) / bucketUs) + 1;
    const buckets = Array.from({ length: n }, (_, i) => ({ startUs: from + i * bucketUs, input: 0, output: 0 }));
    const rows = this.db
      .prepare(
        `SELECT CAST((time_us - ?) / ? AS INTEGER) AS b, token_type, SUM(value) AS total FROM metric_points
         WHERE token_type IN ('input', 'output') GROUP BY b, token_type`,
      )
      .all(from, bucketUs) as { b: number; token_type: "input" | "output"; total: number }[];
    for (const r of rows) {
      const bucket = buckets[r.b];
      if (bucket) bucket[r.token_type] += r.total;
    }
    return { bucketUs, buckets };
  }

  private durations(): DurationRow[] {
    const rows = this.db
      .prepare(
        "SELECT name, subject, model, error, value, count, min, max, buckets FROM metric_points WHERE subject IS NOT NULL AND count > 0",
      )
      .all() as {
      name: string;
      subject: string;
      model: string;
      error: string | null;
      value: number;
      count: number;
      min: number | null;
      max: number | null;
      buckets: string | null;
    }[];
    const groups = new Map<
      string,
      { row: DurationRow; buckets: Buckets | null | undefined; min: number | null; max: number | null }
    >();
    for (const r of rows) {
      const key = `${r.name}\n${r.subject}\n${r.model}`;
      let g = groups.get(key);
      if (!g) {
        g = {
          row: { metric: r.name, label: r.subject, model: r.model, count: 0, errors: 0, sumS: 0, meanS: 0, p95S: null },
          buckets: undefined,
          min: r.min,
          max: r.max,
        };
        groups.set(key, g);
      }
      g.row.count += r.count;
      g.row.sumS += r.value;
      if (r.error) g.row.errors += r.count;
      // A point without min/max leaves the group unbounded.
      g.min = g.min === null || r.min === null ? null : Math.min(g.min, r.min);
      g.max = g.max === null || r.max === null ? null : Math.max(g.max, r.max);
      g.buckets = mergeBuckets(g.buckets, r.buckets ? (JSON.parse(r.buckets) as Buckets) : null);
    }
    const order = (m: string) => DURATIONS.indexOf(m);
    return [...groups.values()]
      .map(({ row, buckets, min, max }) => ({
        ...row,
        meanS: row.count > 0 ? row.sumS / row.count : 0,
        p95S: buckets ? clamp(quantile(buckets, 0.95), min, max) : null,
      }))
      .sort(
        (a, b) =>
          order(a.metric) - order(b.metric) ||
          (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) ||
          (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
      );
  }
}

function emptyRow(model: string): TokenRow {
  return { model, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
}

const TOKEN_FIELD: Record<TokenType, "input" | "output" | "cacheRead" | "cacheWrite" | "reasoning"> = {
  input: "input",
  output: "output",
  cache_read: "cacheRead",
  cache_write: "cacheWrite",
  reasoning: "reasoning",
};

/** A round bucket width that draws the time range in at most 48 columns. */
function bucketWidth(rangeUs: number): number {
  const s = 1_000_000;
  for (const w of [s, 5 * s, 15 * s, 60 * s, 5 * 60 * s, 15 * 60 * s, 3600 * s, 6 * 3600 * s, 24 * 3600 * s]) {
    if (rangeUs / w < 48) return w;
  }
  return Math.ceil(rangeUs / 48 / (24 * 3600 * s)) * 24 * 3600 * s;
}

function bucketDelta(current: Buckets | null, previousJson: string | null): Buckets | null {
  if (!current || !previousJson) return current;
  const prev = JSON.parse(previousJson) as Buckets;
  if (!sameBounds(prev.bounds, current.bounds)) return current;
  return { bounds: current.bounds, counts: current.counts.map((c, i) => Math.max(0, c - (prev.counts[i] ?? 0))) };
}

/** undefined: nothing merged yet; null: a point without buckets, or with other bounds (no percentile then). */
function mergeBuckets(acc: Buckets | null | undefined, next: Buckets | null): Buckets | null {
  if (acc === null || next === null) return null;
  if (acc === undefined) return { bounds: next.bounds, counts: [...next.counts] };
  if (!sameBounds(acc.bounds, next.bounds)) return null;
  return { bounds: acc.bounds, counts: acc.counts.map((c, i) => c + (next.counts[i] ?? 0)) };
}

/** Interpolation inside a wide bucket can overshoot what was recorded: the histogram's min and max bound it. */
function clamp(v: number | null, min: number | null, max: number | null): number | null {
  if (v === null) return null;
  return Math.min(max ?? v, Math.max(min ?? v, v));
}

function sameBounds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * A quantile estimated from explicit buckets, interpolating linearly inside the bucket it falls in
 * (as Prometheus' histogram_quantile does). In the open last bucket it is the last bound.
 */
export function quantile(b: Buckets, q: number): number | null {
  const total = b.counts.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < b.counts.length; i++) {
    const c = b.counts[i] ?? 0;
    if (c > 0 && seen + c >= rank) {
      if (i >= b.bounds.length) return b.bounds.at(-1) ?? null;
      const lower = i === 0 ? 0 : (b.bounds[i - 1] ?? 0);
      const upper = b.bounds[i] ?? lower;
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return b.bounds.at(-1) ?? null;
}
