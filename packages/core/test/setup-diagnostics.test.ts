import { diag, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { captureDiag } from "@otel-agents/testing/diag";
import { ensureGlobalContext } from "@otel-agents/testing/harness";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Importer, loadSdk } from "../src/node/sdk-loader.js";
import { setup } from "../src/node/setup.js";

// What diag says, at warn and above, in order.
let said: string[] = [];
beforeEach(() => {
  said = captureDiag();
});
afterEach(() => {
  diag.disable();
  trace.disable();
});

/**
 * An importer that resolves only `installed`, each to a module with a class of every name asked for
 * (but SDK 3's sdk-trace, like the real one, has no BasicTracerProvider).
 */
function only(...installed: string[]): Importer {
  const module = (specifier: string) =>
    new Proxy({} as Record<string, unknown>, {
      get: (_, name) =>
        name === "then" || (name === "BasicTracerProvider" && specifier === "@opentelemetry/sdk-trace") ? undefined : class {},
    });
  return async (specifier) => (installed.includes(specifier) ? module(specifier) : undefined);
}

// The API's globals and the step-aware manager's brand, both process-wide symbols.
function registeredContextManagerIsStepAware(): boolean {
  const globals = (globalThis as Record<symbol, { context?: Record<symbol, unknown> } | undefined>)[
    Symbol.for("opentelemetry.js.api.1")
  ];
  return globals?.context?.[Symbol.for("otel-agents.step-aware-context-manager")] === true;
}

const SDK3_STABLE = [
  "@opentelemetry/sdk-trace",
  "@opentelemetry/resources",
  "@opentelemetry/core",
  "@opentelemetry/context-async-hooks",
];

describe("setup()'s missing packages", () => {
  it("names every one in one message with one install command, for SDK 3 when no SDK line is installed", async () => {
    await expect(loadSdk({}, only())).rejects.toThrow(
      new Error(
        [
          "otel-agents setup: setup() needs 4 more packages of the OpenTelemetry JS SDK 3 line: @opentelemetry/sdk-trace, @opentelemetry/resources, @opentelemetry/core, @opentelemetry/context-async-hooks. Install them next to @otel-agents/core:",
          "  npm install @opentelemetry/sdk-trace@3 @opentelemetry/resources@3 @opentelemetry/core@3 @opentelemetry/context-async-hooks@3",
          "(Neither @opentelemetry/sdk-trace nor @opentelemetry/sdk-trace-base is installed, so this is the SDK 3 line; an app on SDK 2, with @opentelemetry/api below 1.10, installs @opentelemetry/sdk-trace-base@2 and the others @2, exporters @0.223.)",
        ].join("\n"),
      ),
    );
  });

  it("includes the OTLP exporter of the configured protocol when exporting over OTLP", async () => {
    await expect(
      loadSdk({ traceExporter: "http/json" }, only("@opentelemetry/sdk-trace", "@opentelemetry/core")),
    ).rejects.toThrow(
      new Error(
        [
          "otel-agents setup: setup() exporting over OTLP needs 3 more packages of the OpenTelemetry JS SDK 3 line: @opentelemetry/resources, @opentelemetry/context-async-hooks, @opentelemetry/exporter-trace-otlp-http. Install them next to @otel-agents/core:",
          "  npm install @opentelemetry/resources@3 @opentelemetry/context-async-hooks@3 @opentelemetry/exporter-trace-otlp-http@0.301",
        ].join("\n"),
      ),
    );
  });

  it("keeps to the SDK 2 line when sdk-trace-base is what the app installed", async () => {
    await expect(
      loadSdk({ traceExporter: "http/protobuf" }, only("@opentelemetry/sdk-trace-base", "@opentelemetry/core")),
    ).rejects.toThrow(
      new Error(
        [
          "otel-agents setup: setup() exporting over OTLP needs 3 more packages of the OpenTelemetry JS SDK 2 line: @opentelemetry/resources, @opentelemetry/context-async-hooks, @opentelemetry/exporter-trace-otlp-proto. Install them next to @otel-agents/core:",
          "  npm install @opentelemetry/resources@2 @opentelemetry/context-async-hooks@2 @opentelemetry/exporter-trace-otlp-proto@0.223",
        ].join("\n"),
      ),
    );
  });

  it("says once, through diag, that metrics are not exported when their packages are missing", async () => {
    const sdk = await loadSdk({}, only(...SDK3_STABLE));
    expect(sdk.major).toBe(3);
    expect(await sdk.otlpMeterProvider({}, {})).toBeUndefined();
    expect(await sdk.otlpMeterProvider({}, {})).toBeUndefined();
    expect(said).toEqual([
      [
        "warn: otel-agents setup: Exporting metrics over OTLP needs 2 more packages of the OpenTelemetry JS SDK 3 line: @opentelemetry/sdk-metrics, @opentelemetry/exporter-metrics-otlp-proto. Install them next to @otel-agents/core:",
        "  npm install @opentelemetry/sdk-metrics@3 @opentelemetry/exporter-metrics-otlp-proto@0.301",
        "Until then setup() exports traces only; setup({ metrics: false }) asks for that without this message.",
      ].join("\n"),
    ]);
  });
});

describe("setup() after the app registered its own tracer provider", () => {
  it("registers nothing, says so once, and hands back the app's provider with a step-aware context", async () => {
    ensureGlobalContext();
    const exporter = new InMemorySpanExporter();
    const app = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(trace.setGlobalTracerProvider(app)).toBe(true);

    const first = await setup({ serviceName: "ignored", env: {} });
    const second = await setup({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" } });
    expect(said).toEqual([
      "warn: otel-agents setup: a tracer provider is already registered (the app's own OpenTelemetry SDK, e.g. NodeSDK), so setup() registers nothing and ignores its options: spans go to that provider's processors and exporters, metrics to the registered meter provider, and the registered context manager is made step-aware. Remove the setup() call, or call setup({ global: false }) for separate providers to pass to the adapters.",
    ]);
    for (const result of [first, second]) {
      expect({ exporter: result.exporter, sdkMajor: result.sdkMajor, meterProvider: result.meterProvider }).toEqual({
        exporter: "registered",
        sdkMajor: undefined,
        meterProvider: undefined,
      });
    }
    expect(registeredContextManagerIsStepAware()).toBe(true);

    first.tracerProvider.getTracer("t").startSpan("app-span").end();
    await first.forceFlush();
    await first.shutdown();
    // Shutting down setup()'s result leaves the app's SDK running.
    second.tracerProvider.getTracer("t").startSpan("after-shutdown").end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["app-span", "after-shutdown"]);
    await app.shutdown();
  });

  it("with global: false still builds its own providers, and says nothing", async () => {
    const app = new BasicTracerProvider();
    trace.setGlobalTracerProvider(app);
    const own = await setup({ env: {}, global: false, console: { write: () => undefined } });
    expect(own.exporter).toBe("console");
    expect(own.tracerProvider).not.toBe(trace.getTracerProvider());
    await own.shutdown();
    expect(said).toEqual([]);
  });
});
