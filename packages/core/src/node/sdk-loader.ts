import type { ContextManager, MeterProvider, TextMapPropagator, TracerProvider } from "@opentelemetry/api";
import type { SpanExporterLike } from "./setup.js";

// The OpenTelemetry JS SDK is an optional peer: loaded at run time, whichever line is installed.
// SDK 3 (`@opentelemetry/sdk-trace` 3.x) takes processor options objects; SDK 2
// (`@opentelemetry/sdk-trace-base`, itself a shim over `sdk-trace` 2.x) takes the exporter.

type Module = Record<string, unknown>;
type Ctor = new (...args: unknown[]) => unknown;

export interface FlushableTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface FlushableMeterProvider extends MeterProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface LoadedSdk {
  major: 2 | 3;
  resource(attributes: Record<string, string>): unknown;
  simpleProcessor(exporter: SpanExporterLike): unknown;
  batchProcessor(exporter: SpanExporterLike): unknown;
  tracerProvider(resource: unknown, processors: unknown[]): FlushableTracerProvider;
  contextManager(): ContextManager;
  propagator(): TextMapPropagator;
  otlpTraceExporter(env: Record<string, string | undefined>): Promise<SpanExporterLike>;
  otlpMeterProvider(resource: unknown, env: Record<string, string | undefined>): Promise<FlushableMeterProvider | undefined>;
}

async function tryImport(specifier: string): Promise<Module | undefined> {
  try {
    return (await import(specifier)) as Module;
  } catch {
    return undefined;
  }
}

async function mustImport(specifier: string, why: string): Promise<Module> {
  const mod = await tryImport(specifier);
  if (!mod) throw new Error(`otel-agents setup: ${why} needs the package "${specifier}"; install it next to @otel-agents/core.`);
  return mod;
}

const ctor = (mod: Module, name: string): Ctor => {
  const value = mod[name];
  if (typeof value !== "function") throw new Error(`otel-agents setup: ${name} not found in the OpenTelemetry SDK`);
  return value as Ctor;
};

/** The signal's OTLP/HTTP URL from the standard variables (the per-signal one is used as is). */
export function otlpUrl(env: Record<string, string | undefined>, signal: "TRACES" | "METRICS"): string | undefined {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`];
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return undefined;
  return `${base.replace(/\/+$/, "")}/v1/${signal.toLowerCase()}`;
}

function exporterConfig(env: Record<string, string | undefined>, signal: "TRACES" | "METRICS"): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const url = otlpUrl(env, signal);
  if (url) config.url = url;
  const timeout = Number(env[`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`] || env.OTEL_EXPORTER_OTLP_TIMEOUT);
  if (Number.isFinite(timeout) && timeout > 0) config.timeoutMillis = timeout;
  return config;
}

function protocolOf(env: Record<string, string | undefined>, signal: "TRACES" | "METRICS"): "http/protobuf" | "http/json" {
  const raw = (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
  return raw === "http/json" ? "http/json" : "http/protobuf";
}

export async function loadSdk(): Promise<LoadedSdk> {
  const sdkTrace = await tryImport("@opentelemetry/sdk-trace");
  const isV3 = !!sdkTrace && typeof sdkTrace.TracerProvider === "function" && typeof sdkTrace.BasicTracerProvider !== "function";
  const traceMod = isV3 ? (sdkTrace as Module) : await mustImport("@opentelemetry/sdk-trace-base", "setup()");
  const resources = await mustImport("@opentelemetry/resources", "setup()");
  const core = await mustImport("@opentelemetry/core", "setup()");
  const hooks = await mustImport("@opentelemetry/context-async-hooks", "setup()");
  const major: 2 | 3 = isV3 ? 3 : 2;
  const processorArg = (exporter: SpanExporterLike): unknown => (isV3 ? { exporter } : exporter);

  return {
    major,
    resource: (attributes) => (resources.resourceFromAttributes as (a: Record<string, string>) => unknown)(attributes),
    simpleProcessor: (exporter) => new (ctor(traceMod, "SimpleSpanProcessor"))(processorArg(exporter)),
    batchProcessor: (exporter) => new (ctor(traceMod, "BatchSpanProcessor"))(processorArg(exporter)),
    tracerProvider: (resource, spanProcessors) =>
      new (ctor(traceMod, isV3 ? "TracerProvider" : "BasicTracerProvider"))({
        resource,
        spanProcessors,
      }) as FlushableTracerProvider,
    contextManager: () => {
      const manager = new (ctor(hooks, "AsyncLocalStorageContextManager"))() as ContextManager;
      return manager.enable();
    },
    propagator: () =>
      new (ctor(core, "CompositePropagator"))({
        propagators: [new (ctor(core, "W3CTraceContextPropagator"))(), new (ctor(core, "W3CBaggagePropagator"))()],
      }) as TextMapPropagator,
    otlpTraceExporter: async (env) => {
      const pkg =
        protocolOf(env, "TRACES") === "http/json"
          ? "@opentelemetry/exporter-trace-otlp-http"
          : "@opentelemetry/exporter-trace-otlp-proto";
      const mod = await mustImport(pkg, "Exporting over OTLP");
      // URL and timeout from the environment given to setup(); headers etc. the exporter reads itself.
      return new (ctor(mod, "OTLPTraceExporter"))(exporterConfig(env, "TRACES")) as SpanExporterLike;
    },
    otlpMeterProvider: async (resource, env) => {
      const sdkMetrics = await tryImport("@opentelemetry/sdk-metrics");
      const pkg =
        protocolOf(env, "METRICS") === "http/json"
          ? "@opentelemetry/exporter-metrics-otlp-http"
          : "@opentelemetry/exporter-metrics-otlp-proto";
      const exporterMod = await tryImport(pkg);
      if (!sdkMetrics || !exporterMod) return undefined;
      const exporter = new (ctor(exporterMod, "OTLPMetricExporter"))(exporterConfig(env, "METRICS"));
      const reader = new (ctor(sdkMetrics, "PeriodicExportingMetricReader"))({ exporter });
      return new (ctor(sdkMetrics, "MeterProvider"))({ resource, readers: [reader] }) as FlushableMeterProvider;
    },
  };
}
