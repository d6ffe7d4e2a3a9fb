import {
  type ContextManager,
  context,
  diag,
  type MeterProvider,
  metrics,
  propagation,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { type CoexistenceOptions, CoexistenceSpanProcessor } from "../coexistence/inference-spans.js";
import { installStepAwareContext, StepAwareContextManager } from "../context/step-context.js";
import { ConsoleTreeExporter, type ConsoleTreeExporterOptions } from "./console-tree-exporter.js";
import { registeredTracerProvider } from "./registered-provider.js";
import { type FlushableTracerProvider, type LoadedSdk, loadSdk, protocolOf } from "./sdk-loader.js";

export interface SetupOptions {
  /** `service.name`. Default: `OTEL_SERVICE_NAME`, else `unknown_service:node`. */
  serviceName?: string;
  /**
   * Where spans go. Default: OTLP over HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, else the console tree.
   */
  exporter?: "otlp" | "console" | SpanExporterLike;
  console?: ConsoleTreeExporterOptions;
  /** Export metrics over OTLP too (only when exporting over OTLP). Default: true. */
  metrics?: boolean;
  /** Environment to read. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Register the providers, async context and W3C propagation globally. Default true. With false
   * you get providers to pass to the adapters yourself (several services in one process).
   */
  global?: boolean;
  /**
   * One inference span per model call next to provider instrumentations (OpenInference,
   * `@opentelemetry/instrumentation-openai`...): the exporting processor is wrapped in a
   * `CoexistenceSpanProcessor` with these options. Default `{}` (`inferenceSpans: "suppress-inner"`,
   * `httpSpans: "keep"`); `false` exports every span as it is.
   */
  coexistence?: CoexistenceOptions | false;
}

/** Any SpanExporter of SDK 2 or SDK 3. */
export interface SpanExporterLike {
  export(spans: never[], resultCallback: (result: { code: number }) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

export interface SetupResult {
  readonly tracerProvider: TracerProvider;
  /** Only when exporting metrics over OTLP. */
  readonly meterProvider: MeterProvider | undefined;
  /**
   * Which exporter is in use; `"registered"` when the app had registered a tracer provider already
   * (its own NodeSDK): setup() then uses that one and registers nothing.
   */
  readonly exporter: "otlp" | "console" | "custom" | "registered";
  /**
   * Which OpenTelemetry SDK line was found: 2 (`sdk-trace-base`) or 3 (`sdk-trace`); undefined when
   * setup() used the provider the app had registered.
   */
  readonly sdkMajor: 2 | 3 | undefined;
  /** Ends open batches, exports them, and unregisters the globals. Resolves; never rejects. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * A one-call OpenTelemetry setup for quick starts and demos: a tracer provider (and a meter
 * provider when exporting over OTLP) from the standard `OTEL_*` variables, W3C trace context and
 * baggage propagation, and async context. Works with either OpenTelemetry JS SDK line (2.x
 * `@opentelemetry/sdk-trace-base` or 3.x `@opentelemetry/sdk-trace`), whichever the app installed.
 * Real apps keep using `@opentelemetry/sdk-node`.
 *
 * When the app already registered a tracer provider (its own NodeSDK started first), setup()
 * registers nothing, says so once through `diag`, and returns that provider.
 * Missing SDK packages are all named in one error, with one install command.
 */
export async function setup(options: SetupOptions = {}): Promise<SetupResult> {
  const env = options.env ?? process.env;
  const global = options.global !== false;
  const registered = global ? registeredTracerProvider() : undefined;
  if (registered) return useRegistered(registered);
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const mode = typeof options.exporter === "object" ? "custom" : (options.exporter ?? (otlpEndpoint ? "otlp" : "console"));
  const sdk = await loadSdk(mode === "otlp" ? { traceExporter: protocolOf(env, "TRACES") } : {});
  const serviceName = options.serviceName ?? env.OTEL_SERVICE_NAME ?? "unknown_service:node";
  const resource = sdk.resource({ "service.name": serviceName });

  let exporter: SpanExporterLike;
  if (typeof options.exporter === "object") exporter = options.exporter;
  else if (mode === "otlp") exporter = await sdk.otlpTraceExporter(env);
  else exporter = new ConsoleTreeExporter(options.console) as unknown as SpanExporterLike;

  // The console tree wants each span as it ends; OTLP wants batches.
  const printsTrees = mode === "console" || exporter instanceof ConsoleTreeExporter;
  const exporting = printsTrees ? sdk.simpleProcessor(exporter) : sdk.batchProcessor(exporter);
  const processor =
    options.coexistence === false
      ? exporting
      : new CoexistenceSpanProcessor(exporting as ConstructorParameters<typeof CoexistenceSpanProcessor>[0], options.coexistence);
  const tracerProvider = sdk.tracerProvider(resource, [processor]);

  if (global) {
    // Step-aware: code inside a framework step (a LangChain tool body...) sees the step's span.
    const contextManager: ContextManager = new StepAwareContextManager(sdk.contextManager());
    if (!context.setGlobalContextManager(contextManager))
      diag.warn("otel-agents setup: a context manager was already registered");
    if (!propagation.setGlobalPropagator(sdk.propagator())) diag.warn("otel-agents setup: a propagator was already registered");
    if (!trace.setGlobalTracerProvider(tracerProvider)) diag.warn("otel-agents setup: a tracer provider was already registered");
  }

  const meterProvider = mode === "otlp" && options.metrics !== false ? await sdk.otlpMeterProvider(resource, env) : undefined;
  if (global && meterProvider && !metrics.setGlobalMeterProvider(meterProvider)) {
    diag.warn("otel-agents setup: a meter provider was already registered");
  }

  let down: Promise<void> | undefined;
  return {
    tracerProvider,
    meterProvider,
    exporter: mode,
    sdkMajor: sdk.major,
    forceFlush: () => settle(Promise.all([tracerProvider.forceFlush(), meterProvider?.forceFlush()])),
    shutdown: () => {
      down ??= settle(Promise.all([tracerProvider.shutdown(), meterProvider?.shutdown()])).finally(() => {
        if (!global) return;
        trace.disable();
        context.disable();
        propagation.disable();
        if (meterProvider) metrics.disable();
      });
      return down;
    },
  };
}

let warnedRegistered = false;

/**
 * The app's own SDK came first: a second provider would be refused by the API (or, registered
 * anyway, would split the app's spans from ours), so setup() steps aside and uses the app's.
 */
function useRegistered(provider: TracerProvider): SetupResult {
  if (!warnedRegistered) {
    warnedRegistered = true;
    diag.warn(
      "otel-agents setup: a tracer provider is already registered (the app's own OpenTelemetry SDK, e.g. NodeSDK), so setup() registers nothing and ignores its options: spans go to that provider's processors and exporters, metrics to the registered meter provider, and the registered context manager is made step-aware. Remove the setup() call, or call setup({ global: false }) for separate providers to pass to the adapters.",
    );
  }
  installStepAwareContext();
  const flushable = provider as Partial<FlushableTracerProvider>;
  return {
    tracerProvider: trace.getTracerProvider(),
    meterProvider: undefined,
    exporter: "registered",
    sdkMajor: undefined,
    forceFlush: () => settle(typeof flushable.forceFlush === "function" ? flushable.forceFlush() : Promise.resolve()),
    // The app's SDK owns its providers and shuts them down itself.
    shutdown: () => Promise.resolve(),
  };
}

async function settle(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    diag.warn("otel-agents setup: flush failed", err);
  }
}

export type { LoadedSdk };
