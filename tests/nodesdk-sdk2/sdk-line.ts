// tests/nodesdk/sdk-line.ts on SDK 2 (`@opentelemetry/sdk-node` 0.223, API 1.9): the processor
// takes the exporter positionally there.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

export type { ReadableSpan };

export const SDK_LINE = 2;

type Instrumentations = NonNullable<ConstructorParameters<typeof NodeSDK>[0]>["instrumentations"];

export interface AppSdk {
  spans(): Promise<ReadableSpan[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

export function startAppSdk(instrumentations: Instrumentations): AppSdk {
  const exporter = new InMemorySpanExporter();
  const processor = new BatchSpanProcessor(exporter);
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
