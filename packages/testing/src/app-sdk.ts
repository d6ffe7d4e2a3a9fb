// The app's own OpenTelemetry setup, as the READMEs show it: a NodeSDK with a Resource, a
// BatchSpanProcessor, an in-memory exporter and the given instrumentations, nothing else. Written
// once for both SDK lines: each suite hands in its line's classes (SDK 2 and 3 differ in how the
// processor takes its exporter).

/** What the app's resource says. */
export const APP_RESOURCE = {
  "service.name": "weather-agent",
  "service.version": "1.0.0",
  "deployment.environment.name": "test",
};

export interface AppSdk<S> {
  /** Exported spans, after flushing the batch processor. */
  spans(): Promise<S[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

interface Exporter {
  getFinishedSpans(): unknown[];
  reset(): void;
}

/** The span type an exporter hands back (the SDK line's ReadableSpan). */
type SpanOf<E extends Exporter> = ReturnType<E["getFinishedSpans"]>[number];

export interface SdkLine<E extends Exporter, P extends { forceFlush(): Promise<void> }, R, I> {
  NodeSDK: new (config: {
    resource: R;
    spanProcessors: P[];
    metricReaders: [];
    instrumentations: I;
  }) => { start(): void; shutdown(): Promise<void> };
  resourceFromAttributes(attributes: typeof APP_RESOURCE): R;
  exporter(): E;
  processor(exporter: E): P;
}

/** `startAppSdk(instrumentations)` for one SDK line. */
export function appSdkLine<E extends Exporter, P extends { forceFlush(): Promise<void> }, R, I>(
  line: SdkLine<E, P, R, I>,
): (instrumentations: I) => AppSdk<SpanOf<E>> {
  return (instrumentations) => {
    const exporter = line.exporter();
    const processor = line.processor(exporter);
    const sdk = new line.NodeSDK({
      resource: line.resourceFromAttributes(APP_RESOURCE),
      spanProcessors: [processor],
      metricReaders: [],
      instrumentations,
    });
    sdk.start();
    return {
      spans: async () => {
        await processor.forceFlush();
        return exporter.getFinishedSpans() as SpanOf<E>[];
      },
      reset: () => exporter.reset(),
      shutdown: () => sdk.shutdown(),
    };
  };
}
