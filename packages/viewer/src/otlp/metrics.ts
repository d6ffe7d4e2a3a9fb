import type { Attrs } from "../shared/model.js";
import { keyValues } from "./any-value.js";
import { MalformedRequestError } from "./normalize.js";

type Json = Record<string, unknown>;

/** One data point of a sum or histogram, as sent (cumulative or delta), with the identity of its time series. */
export interface ReceivedMetricPoint {
  name: string;
  unit: string;
  service: string;
  /** Resource, scope, metric name and point attributes: what makes one time series (one cumulative stream). */
  stream: string;
  attributes: Attrs;
  startTimeUnixNano: string;
  timeUnixNano: string;
  cumulative: boolean;
  /** A counter's value, or a histogram's sum. */
  sum: number;
  /** Histograms only: the number of recorded values, and the explicit buckets when the point has them. */
  count?: number;
  bounds?: number[];
  bucketCounts?: number[];
  /** Histograms that report them: the smallest and largest value recorded (for a cumulative point, since its start). */
  min?: number;
  max?: number;
}

// OTLP AggregationTemporality: 1 delta, 2 cumulative (OTLP/JSON may spell the enum name).
const CUMULATIVE = new Set<unknown>([2, "2", "AGGREGATION_TEMPORALITY_CUMULATIVE"]);

/**
 * Reads an ExportMetricsServiceRequest (OTLP/JSON shape, as the protobuf decoder also yields it)
 * into the points of the metrics the viewer charts (`gen_ai.*` sums and histograms). Gauges,
 * summaries and other names are accepted and dropped. Throws MalformedRequestError when the body
 * is not shaped like the request at all.
 */
export function normalizeMetricsRequest(body: unknown, keep: (name: string) => boolean): ReceivedMetricPoint[] {
  if (!isObject(body)) throw new MalformedRequestError("the body is not an ExportMetricsServiceRequest object");
  const points: ReceivedMetricPoint[] = [];
  for (const rm of list(body, "resourceMetrics", "resource_metrics", "ExportMetricsServiceRequest")) {
    if (!isObject(rm)) throw new MalformedRequestError("resourceMetrics must hold objects");
    const resourceAttrs = keyValues(isObject(rm.resource) ? rm.resource.attributes : undefined);
    const service = typeof resourceAttrs["service.name"] === "string" ? resourceAttrs["service.name"] : "unknown_service";
    const resourceKey = stableJson(resourceAttrs);
    for (const sm of list(rm, "scopeMetrics", "scope_metrics", "ResourceMetrics")) {
      if (!isObject(sm)) throw new MalformedRequestError("scopeMetrics must hold objects");
      const scope = isObject(sm.scope) ? `${String(sm.scope.name ?? "")}@${String(sm.scope.version ?? "")}` : "";
      for (const metric of list(sm, "metrics", "metrics", "ScopeMetrics")) {
        if (!isObject(metric)) throw new MalformedRequestError("metrics must hold objects");
        const name = String(metric.name ?? "");
        if (!keep(name)) continue;
        const unit = String(metric.unit ?? "");
        const sumData = objectOrUndefined(metric.sum);
        const histogramData =
          objectOrUndefined(metric.histogram) ?? objectOrUndefined(metric.exponentialHistogram ?? metric.exponential_histogram);
        const series = sumData ?? histogramData;
        if (!series) continue; // gauge, summary: nothing the charts use
        const histogram = !sumData;
        const cumulative = CUMULATIVE.has(series.aggregationTemporality ?? series.aggregation_temporality);
        for (const p of list(series, "dataPoints", "data_points", name)) {
          if (!isObject(p)) throw new MalformedRequestError(`${name}: dataPoints must hold objects`);
          const attributes = keyValues(p.attributes);
          const point: ReceivedMetricPoint = {
            name,
            unit,
            service,
            stream: `${resourceKey}\n${scope}\n${name}\n${stableJson(attributes)}`,
            attributes,
            startTimeUnixNano: nanos(p.startTimeUnixNano ?? p.start_time_unix_nano),
            timeUnixNano: nanos(p.timeUnixNano ?? p.time_unix_nano),
            cumulative,
            sum: histogram ? number(p.sum) : number(p.asDouble ?? p.as_double ?? p.asInt ?? p.as_int),
          };
          if (histogram) {
            point.count = number(p.count);
            if (isFiniteNumber(p.min)) point.min = Number(p.min);
            if (isFiniteNumber(p.max)) point.max = Number(p.max);
            const bounds = p.explicitBounds ?? p.explicit_bounds;
            const counts = p.bucketCounts ?? p.bucket_counts;
            if (Array.isArray(bounds) && Array.isArray(counts) && counts.length === bounds.length + 1) {
              point.bounds = bounds.map(number);
              point.bucketCounts = counts.map(number);
            }
          }
          points.push(point);
        }
      }
    }
  }
  return points;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): boolean {
  return (typeof v === "number" || (typeof v === "string" && v !== "")) && Number.isFinite(Number(v));
}

function objectOrUndefined(v: unknown): Json | undefined {
  return isObject(v) ? v : undefined;
}

function list(o: Json, camel: string, snake: string, where: string): unknown[] {
  const v = o[camel] ?? o[snake];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedRequestError(`${where}.${camel} must be an array`);
  return v;
}

/** int64 and double fields arrive as numbers or (int64 in OTLP/JSON and from the protobuf decoder) strings. */
function number(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

function nanos(v: unknown): string {
  if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v)).toString();
  if (typeof v === "string" && /^\d+$/.test(v)) return v;
  return "0";
}

/** JSON with sorted keys: the same attributes in another order are the same time series. */
function stableJson(attrs: Attrs): string {
  return JSON.stringify(Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
