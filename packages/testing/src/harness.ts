// The SDK 2 test harness (`@opentelemetry/sdk-trace-base`, as most users have). The SDK 3 suite
// (tests/sdk3) swaps this module for its own with the same exports.
import { type Context, context, propagation, type TracerProvider } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { CheckedMetric } from "./conformance.js";
import { StartAttributesRecorder } from "./start-attributes.js";

export const SDK_LINE = 2;

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
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  /** Finished spans, in end order. */
  spans(): ReadableSpan[];
  /** Collected GenAI metrics. */
  metrics(): Promise<CheckedMetric[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

let contextReady = false;

/** Registers async context and W3C propagation once per process (the tests rely on both). */
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
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new StartAttributesRecorder(), new SimpleSpanProcessor(exporter)],
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

export type { Context, ReadableSpan };
