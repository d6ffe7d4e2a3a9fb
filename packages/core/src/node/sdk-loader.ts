import { type ContextManager, diag, type MeterProvider, type TextMapPropagator, type TracerProvider } from "@opentelemetry/api";
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

/** Resolves a module, or undefined when it is not installed. Tests pass their own. */
export type Importer = (specifier: string) => Promise<Module | undefined>;

const tryImport: Importer = async (specifier) => {
  try {
    return (await import(specifier)) as Module;
  } catch {
    return undefined;
  }
};

/** What the caller is about to use, so that every missing package is found in one pass. */
export interface SdkNeeds {
  /** The OTLP trace exporter of this protocol. */
  traceExporter?: OtlpProtocol;
}

export type OtlpProtocol = "http/protobuf" | "http/json";

// Each SDK line's packages, with the version range that belongs to that line (the OTLP exporters
// are numbered 0.2xx for SDK 2 and 0.30x for SDK 3).
const LINES = {
  3: { trace: "@opentelemetry/sdk-trace", stable: "3", experimental: "0.301" },
  2: { trace: "@opentelemetry/sdk-trace-base", stable: "2", experimental: "0.223" },
} as const;
const EXPERIMENTAL = /^@opentelemetry\/exporter-/;
const installSpec = (line: 2 | 3, pkg: string) =>
  `${pkg}@${EXPERIMENTAL.test(pkg) ? LINES[line].experimental : LINES[line].stable}`;

/**
 * One message for every package missing at once, with one install command for the SDK line the app
 * is on (SDK 3, what `npm install` gives today, when neither line is installed).
 */
export function missingPackagesMessage(what: string, line: 2 | 3, missing: readonly string[], lineDetected: boolean): string {
  const packages = missing.length === 1 ? "package" : "packages";
  const lines = [
    `otel-agents setup: ${what} needs ${missing.length} more ${packages} of the OpenTelemetry JS SDK ${line} line: ${missing.join(", ")}. Install ${missing.length === 1 ? "it" : "them"} next to @otel-agents/core:`,
    `  npm install ${missing.map((pkg) => installSpec(line, pkg)).join(" ")}`,
  ];
  if (!lineDetected) {
    lines.push(
      "(Neither @opentelemetry/sdk-trace nor @opentelemetry/sdk-trace-base is installed, so this is the SDK 3 line; an app on SDK 2, with @opentelemetry/api below 1.10, installs @opentelemetry/sdk-trace-base@2 and the others @2, exporters @0.223.)",
    );
  }
  return lines.join("\n");
}

// Each warning once per process (setup() may run once per service in one process).
const warnedOnce = new Set<string>();

export function traceExporterPackage(protocol: OtlpProtocol): string {
  return protocol === "http/json" ? "@opentelemetry/exporter-trace-otlp-http" : "@opentelemetry/exporter-trace-otlp-proto";
}

function metricExporterPackage(protocol: OtlpProtocol): string {
  return protocol === "http/json" ? "@opentelemetry/exporter-metrics-otlp-http" : "@opentelemetry/exporter-metrics-otlp-proto";
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

export function protocolOf(env: Record<string, string | undefined>, signal: "TRACES" | "METRICS"): OtlpProtocol {
  const raw = (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
  return raw === "http/json" ? "http/json" : "http/protobuf";
}

export async function loadSdk(needs: SdkNeeds = {}, importer: Importer = tryImport): Promise<LoadedSdk> {
  const sdkTrace = await importer("@opentelemetry/sdk-trace");
  const isV3 = !!sdkTrace && typeof sdkTrace.TracerProvider === "function" && typeof sdkTrace.BasicTracerProvider !== "function";
  const sdkTraceBase = isV3 ? undefined : await importer("@opentelemetry/sdk-trace-base");
  // sdk-trace 2.x (what sdk-trace-base 2 wraps) alone still means the SDK 2 line.
  const major: 2 | 3 = isV3 ? 3 : sdkTraceBase || sdkTrace ? 2 : 3;
  const wanted: Array<[string, Module | undefined]> = [
    [LINES[major].trace, isV3 ? sdkTrace : sdkTraceBase],
    ["@opentelemetry/resources", await importer("@opentelemetry/resources")],
    ["@opentelemetry/core", await importer("@opentelemetry/core")],
    ["@opentelemetry/context-async-hooks", await importer("@opentelemetry/context-async-hooks")],
  ];
  const exporterPackage = needs.traceExporter && traceExporterPackage(needs.traceExporter);
  if (exporterPackage) wanted.push([exporterPackage, await importer(exporterPackage)]);
  const missing = wanted.filter(([, mod]) => !mod).map(([pkg]) => pkg);
  if (missing.length > 0) {
    const what = exporterPackage ? "setup() exporting over OTLP" : "setup()";
    throw new Error(missingPackagesMessage(what, major, missing, Boolean(sdkTrace || sdkTraceBase)));
  }
  const [traceMod, resources, core, hooks] = wanted.map(([, mod]) => mod as Module) as [Module, Module, Module, Module];
  const exporterMod = exporterPackage ? wanted[4]?.[1] : undefined;
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
      const protocol = protocolOf(env, "TRACES");
      const mod = protocol === needs.traceExporter ? exporterMod : await importer(traceExporterPackage(protocol));
      if (!mod) throw new Error(missingPackagesMessage("Exporting over OTLP", major, [traceExporterPackage(protocol)], true));
      // URL and timeout from the environment given to setup(); headers etc. the exporter reads itself.
      return new (ctor(mod, "OTLPTraceExporter"))(exporterConfig(env, "TRACES")) as SpanExporterLike;
    },
    otlpMeterProvider: async (resource, env) => {
      const metricsPackage = metricExporterPackage(protocolOf(env, "METRICS"));
      const sdkMetrics = await importer("@opentelemetry/sdk-metrics");
      const exporterMod = await importer(metricsPackage);
      if (!sdkMetrics || !exporterMod) {
        // Traces still go out; say once that metrics will not, and how to get them.
        const missing = [sdkMetrics ? undefined : "@opentelemetry/sdk-metrics", exporterMod ? undefined : metricsPackage].filter(
          (pkg): pkg is string => pkg !== undefined,
        );
        const message = `${missingPackagesMessage("Exporting metrics over OTLP", major, missing, true)}\nUntil then setup() exports traces only; setup({ metrics: false }) asks for that without this message.`;
        if (!warnedOnce.has(message)) {
          warnedOnce.add(message);
          diag.warn(message);
        }
        return undefined;
      }
      const exporter = new (ctor(exporterMod, "OTLPMetricExporter"))(exporterConfig(env, "METRICS"));
      const reader = new (ctor(sdkMetrics, "PeriodicExportingMetricReader"))({ exporter });
      return new (ctor(sdkMetrics, "MeterProvider"))({ resource, readers: [reader] }) as FlushableMeterProvider;
    },
  };
}
