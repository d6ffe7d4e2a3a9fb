// tests/nodesdk/sdk-line.ts on SDK 2 (`@opentelemetry/sdk-node` 0.223, API 1.9): the processor
// takes the exporter positionally there.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
// By path: this suite has no dependency on @otel-agents/testing, and the module imports nothing.
import { type AppSdk, appSdkLine } from "../../packages/testing/src/app-sdk.ts";

export type { AppSdk, ReadableSpan };

export const SDK_LINE = 2;

type Instrumentations = NonNullable<ConstructorParameters<typeof NodeSDK>[0]>["instrumentations"];

export const startAppSdk: (instrumentations: Instrumentations) => AppSdk<ReadableSpan> = appSdkLine({
  NodeSDK,
  resourceFromAttributes,
  exporter: () => new InMemorySpanExporter(),
  processor: (exporter) => new BatchSpanProcessor(exporter),
});
