// The app's own OpenTelemetry setup, as the READMEs show it, on SDK 3 (`@opentelemetry/sdk-node`
// 0.301, API 1.10). tests/nodesdk-sdk2 swaps this module for its SDK 2 twin.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { type AppSdk, appSdkLine } from "@otel-agents/testing/app-sdk";

export type { AppSdk } from "@otel-agents/testing/app-sdk";
export type { ReadableSpan };

export const SDK_LINE = 3;

type Instrumentations = NonNullable<ConstructorParameters<typeof NodeSDK>[0]>["instrumentations"];

/** A NodeSDK with a Resource, a BatchSpanProcessor, an exporter and the given instrumentations: nothing else. */
export const startAppSdk: (instrumentations: Instrumentations) => AppSdk<ReadableSpan> = appSdkLine({
  NodeSDK,
  resourceFromAttributes,
  exporter: () => new InMemorySpanExporter(),
  processor: (exporter) => new BatchSpanProcessor({ exporter }),
});
