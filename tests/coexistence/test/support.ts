import type { Instrumentation } from "@opentelemetry/instrumentation";
import {
  AggregationTemporality,
  AggregationType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
  type ViewOptions,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { type CoexistenceOptions, CoexistenceSpanProcessor, installStepAwareContext } from "@otel-agents/core";
import { assertConformance, assertMetricConformance, type CheckedMetric } from "@otel-agents/testing/conformance";
import { ensureGlobalContext } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { expect } from "vitest";
import { openaiInstrumentation, undiciInstrumentation } from "./instrumentations.js";

ensureGlobalContext();
// What setup() from @otel-agents/core/node installs: framework step bodies see their step's span.
installStepAwareContext();

/** The scope of @opentelemetry/instrumentation-openai's spans and metrics. */
export const CONTRIB_SCOPE = "@opentelemetry/instrumentation-openai";
export const UNDICI_SCOPE = "@opentelemetry/instrumentation-undici";

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A `View` that drops every metric of the contrib OpenAI instrumentation (ours measure the same calls). */
export const DROP_CONTRIB_METRICS: ViewOptions = { meterName: CONTRIB_SCOPE, aggregation: { type: AggregationType.DROP } };

export interface Setup {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /** Every exported span, after checking the conformance of ours (the other instrumentations' are not ours to fix). */
  spans(): ReadableSpan[];
  /** The exported tree's shape. */
  tree(): unknown[];
  /** Histogram data: metric name -> meter (scope) name -> number of measurements, summed over data points. */
  histogramCounts(): Promise<Record<string, Record<string, number>>>;
}

/**
 * Providers for one test: spans export through the coexistence processor with `options` (or with
 * no processor at all for `"none"`), and the contrib OpenAI and undici instrumentations (registered
 * at startup by ./instrumentations.ts) record to them, as an app's would.
 */
export function providers(
  options: CoexistenceOptions | "none",
  views: ViewOptions[] = [],
  instrumentations: readonly Instrumentation[] = [openaiInstrumentation, undiciInstrumentation],
): Setup {
  const exporter = new InMemorySpanExporter();
  const exporting = new SimpleSpanProcessor(exporter);
  const processor: SpanProcessor = options === "none" ? exporting : new CoexistenceSpanProcessor(exporting, options);
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader], views });
  for (const instrumentation of instrumentations) {
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
  }
  const spans = () => {
    const all = exporter.getFinishedSpans();
    assertConformance(all.filter((s) => s.instrumentationScope.name.startsWith("@otel-agents/")));
    return all;
  };
  return {
    tracerProvider,
    meterProvider,
    spans,
    tree: () => shape(spanTree(spans())),
    histogramCounts: async () => {
      const { resourceMetrics } = await reader.collect();
      assertMetricConformance(ours(resourceMetrics));
      const counts: Record<string, Record<string, number>> = {};
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          let n = 0;
          for (const point of metric.dataPoints) n += (point.value as { count?: number }).count ?? 0;
          counts[metric.descriptor.name] ??= {};
          (counts[metric.descriptor.name] as Record<string, number>)[scope.scope.name] = n;
        }
      }
      return counts;
    },
  };
}

function ours(rm: ResourceMetrics): CheckedMetric[] {
  return rm.scopeMetrics
    .filter((s) => s.scope.name.startsWith("@otel-agents/"))
    .flatMap((s) => s.metrics) as unknown as CheckedMetric[];
}

/** The exported spans named like an inference span of `scope`. */
export function inferenceSpans(spans: readonly ReadableSpan[], scope: string): ReadableSpan[] {
  return spans.filter((s) => s.instrumentationScope.name === scope && s.attributes["gen_ai.operation.name"] === "chat");
}

/** The parent span of `span` among `spans`. */
export function parentOf(span: ReadableSpan | undefined, spans: readonly ReadableSpan[]): ReadableSpan | undefined {
  const id = span?.parentSpanContext?.spanId;
  return spans.find((s) => s.spanContext().spanId === id);
}

// Keys of theirs ours deliberately lacks: the deprecated `gen_ai.system` (ours: `gen_ai.provider.name`)
// and content, which ours records only when capture is on (theirs records system instructions regardless).
const NOT_OURS = new Set(["gen_ai.system", "gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages"]);

/**
 * Ours says everything theirs says about the same model call: each of their attributes is on ours
 * with the same value (finish reasons: ours are the mapped values, `tool_call` for `tool_calls`).
 */
export function expectCovers(ours: ReadableSpan | undefined, theirs: ReadableSpan | undefined): void {
  expect(ours).toBeDefined();
  expect(theirs).toBeDefined();
  for (const [key, value] of Object.entries(theirs?.attributes ?? {})) {
    if (NOT_OURS.has(key)) continue;
    expect(ours?.attributes, key).toHaveProperty([key]);
    if (key !== "gen_ai.response.finish_reasons") expect(ours?.attributes[key], key).toEqual(value);
  }
}

/** The histogram counts of one metric, by scope. */
export type Counts = Record<string, Record<string, number>>;

/**
 * No metric is recorded by two instrumentations (a sum over scopes would count a call twice), and
 * each counts each model call once: ours `gen_ai.client.inference.duration`, theirs (when present)
 * the older `gen_ai.client.operation.duration`.
 */
export function expectEachCallCountedOnce(counts: Counts, ourScope: string, calls: number, theirs: boolean): void {
  for (const [name, byScope] of Object.entries(counts)) expect(Object.keys(byScope), name).toHaveLength(1);
  expect(counts["gen_ai.client.inference.duration"]).toEqual({ [ourScope]: calls });
  if (theirs) expect(counts["gen_ai.client.operation.duration"]).toEqual({ [CONTRIB_SCOPE]: calls });
  else expect(counts["gen_ai.client.operation.duration"]).toBeUndefined();
  expect(counts["http.client.request.duration"]).toEqual({ [UNDICI_SCOPE]: calls });
}

/**
 * Siblings in one canonical order: ours get their start time as epoch milliseconds (a double, a
 * fraction of a microsecond coarse at today's epoch) and the other instrumentations from the SDK's
 * clock, so siblings of both started microseconds apart may sort either way.
 */
export function canonical(nodes: unknown[]): unknown[] {
  const node = (n: unknown) =>
    typeof n === "string"
      ? n
      : Object.fromEntries(Object.entries(n as Record<string, unknown[]>).map(([k, v]) => [k, canonical(v)]));
  return nodes.map(node).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** One trace for the whole run. */
export function expectOneTrace(spans: readonly ReadableSpan[]): void {
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
}
