// The SDK 3 twin of packages/testing/src/harness.ts: same exports, OpenTelemetry JS SDK 3
// (`@opentelemetry/sdk-trace` 3.x, processors take `{ exporter }`, API 1.10).
import { type TracerProvider as ApiTracerProvider, context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { CheckedMetric } from "@otel-agents/testing/conformance";
import { StartAttributesRecorder } from "@otel-agents/testing/start-attributes";

export const SDK_LINE = 3;

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

export interface Harness {
  tracerProvider: ApiTracerProvider;
  meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  metrics(): Promise<CheckedMetric[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

let contextReady = false;

export function ensureGlobalContext(): void {
  if (contextReady) return;
  contextReady = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

export function createHarness(): Harness {
  ensureGlobalContext();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new StartAttributesRecorder(), new SimpleSpanProcessor({ exporter })],
  });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    metrics: async () => {
      const { resourceMetrics } = await reader.collect();
      return flatten(resourceMetrics);
    },
    reset: () => exporter.reset(),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

function flatten(rm: ResourceMetrics): CheckedMetric[] {
  return rm.scopeMetrics.flatMap((s) => s.metrics) as unknown as CheckedMetric[];
}
