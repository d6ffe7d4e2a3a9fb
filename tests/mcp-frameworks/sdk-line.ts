// The app's own OpenTelemetry setup, as the READMEs show it, on SDK 3 (`@opentelemetry/sdk-node`
// 0.301, API 1.10). tests/nodesdk-sdk2 swaps this module for its SDK 2 twin.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";

export type { ReadableSpan };

export const SDK_LINE = 3;

type Instrumentations = NonNullable<ConstructorParameters<typeof NodeSDK>[0]>["instrumentations"];

export interface AppSdk {
  /** Exported spans, after flushing the batch processor. */
  spans(): Promise<ReadableSpan[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

/** A NodeSDK with a Resource, a BatchSpanProcessor, an exporter and the given instrumentations: nothing else. */
export function startAppSdk(instrumentations: Instrumentations): AppSdk {
  const exporter = new InMemorySpanExporter();
  const processor = new BatchSpanProcessor({ exporter });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      "service.name": "weather-agent",
      "service.version": "1.0.0",
      "deployment.environment.name": "test",
    }),
    spanProcessors: [processor],
    metricReaders: [],
    instrumentations,
  });
  sdk.start();
  return {
    spans: async () => {
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
    reset: () => exporter.reset(),
    shutdown: () => sdk.shutdown(),
  };
}
