import { diag, type MeterProvider, metrics, type TracerProvider, trace } from "@opentelemetry/api";
import type { OpenRuns } from "../adapter/options.js";
import { requestStepAwareContext } from "../context/step-context.js";

/** The options every adapter's Instrumentation takes, beside its adapter's own. */
export interface GenAIInstrumentationConfig {
  /**
   * Register with the framework when constructed. Default: true. `registerInstrumentations()` and
   * NodeSDK enable an instrumentation whose config says false, as they do contrib's.
   */
  enabled?: boolean;
  /**
   * Wrap the context manager the SDK registers so that code inside a framework step (a tool body, a
   * graph node) sees the step's span as active: its spans and outgoing `traceparent` nest under the
   * step. Default: true.
   */
  stepAwareContext?: boolean;
}

/** The providers the SDK hands over; undefined means "the global one, looked up when used". */
export interface ProviderOptions {
  tracerProvider?: TracerProvider;
  meterProvider?: MeterProvider;
}

/** What an adapter registered with its framework, and how to take it back. */
export interface FrameworkRegistration {
  /** Undoes the registration. Runs already started end as the framework reports them. */
  detach(): void;
  /** The registered handler's open runs, for `openRuns` and `endOpenRuns()`. */
  runs?: OpenRuns;
}

/**
 * The OpenTelemetry `Instrumentation` contract (from `@opentelemetry/instrumentation`), implemented
 * without depending on that package: its releases are tied to one SDK line each (0.2xx to API
 * < 1.10, 0.3xx to API 1.10), and the adapters patch no module, they register with their
 * framework's own hook. NodeSDK's `instrumentations` and `registerInstrumentations()` take any
 * object of this shape.
 *
 * An adapter subclasses it with `attach` (register a handler, integration or processor built from
 * the current options) and everything else is here: provider changes and `setConfig` re-register,
 * `disable()` takes the registration back, `enable()` restores it, and nothing throws.
 */
export abstract class GenAIInstrumentation<Config extends GenAIInstrumentationConfig = GenAIInstrumentationConfig>
  implements OpenRuns
{
  readonly instrumentationName: string;
  readonly instrumentationVersion: string;
  private config: Config;
  private providers: ProviderOptions = {};
  private registration: FrameworkRegistration | undefined;
  // Handlers replaced by a re-registration (a new provider or config) still end the runs they began.
  private retired: OpenRuns[] = [];
  private enabled = false;

  protected constructor(name: string, version: string, config: Config | undefined) {
    this.instrumentationName = name;
    this.instrumentationVersion = version;
    this.config = withEnabledDefault(config);
    if (this.config.enabled) this.enable();
  }

  /** Registers with the framework; returns how to undo it. Called with the config and providers. */
  protected abstract attach(options: Config & ProviderOptions): FrameworkRegistration | undefined;

  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    this.register();
  }

  disable(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.unregister();
  }

  /** Whether the adapter is registered with its framework now. */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /**
   * Runs still open (started, not yet ended) in what this instrumentation registered, including
   * handlers a re-registration replaced; 0 when idle.
   */
  get openRuns(): number {
    let open = 0;
    for (const runs of this.allRuns()) {
      try {
        open += runs.openRuns;
      } catch {
        // A handler that cannot count has nothing we could end either.
      }
    }
    return open;
  }

  /**
   * Ends every run still open as orphaned (`error.type` `otel_agents.orphaned`) and returns how
   * many: call it before the SDK's `shutdown()`, so runs whose end never comes (a stream the app
   * stopped reading, a process stopping mid-run) are exported rather than lost. Recording goes on.
   */
  endOpenRuns(): number {
    let ended = 0;
    for (const runs of this.allRuns()) {
      try {
        ended += runs.endOpenRuns();
      } catch (err) {
        diag.debug(`${this.instrumentationName}: could not end open runs`, err);
      }
    }
    this.retired = [];
    return ended;
  }

  private allRuns(): OpenRuns[] {
    // Retired handlers are dropped once they have nothing open.
    this.retired = this.retired.filter((runs) => safeOpenRuns(runs) > 0);
    const current = this.registration?.runs;
    return current ? [...this.retired, current] : this.retired;
  }

  setTracerProvider(tracerProvider: TracerProvider): void {
    const next = isGlobalTracerProvider(tracerProvider) ? undefined : tracerProvider;
    if (next === this.providers.tracerProvider) return;
    this.providers = { ...this.providers, tracerProvider: next };
    this.reregister();
  }

  setMeterProvider(meterProvider: MeterProvider): void {
    const next = isGlobalMeterProvider(meterProvider) ? undefined : meterProvider;
    if (next === this.providers.meterProvider) return;
    this.providers = { ...this.providers, meterProvider: next };
    this.reregister();
  }

  setConfig(config: Config): void {
    this.config = withEnabledDefault(config);
    this.reregister();
  }

  getConfig(): Config {
    return this.config;
  }

  private reregister(): void {
    if (!this.enabled) return;
    this.unregister();
    this.register();
  }

  private register(): void {
    try {
      if (this.config.stepAwareContext !== false) requestStepAwareContext();
      const options: Config & ProviderOptions = { ...this.config };
      if (this.providers.tracerProvider) options.tracerProvider = this.providers.tracerProvider;
      if (this.providers.meterProvider) options.meterProvider = this.providers.meterProvider;
      this.registration = this.attach(options);
    } catch (err) {
      diag.warn(`${this.instrumentationName}: could not register with the framework; nothing will be reported`, err);
    }
  }

  private unregister(): void {
    const registration = this.registration;
    this.registration = undefined;
    if (registration?.runs && safeOpenRuns(registration.runs) > 0) this.retired.push(registration.runs);
    try {
      registration?.detach();
    } catch (err) {
      diag.debug(`${this.instrumentationName}: could not unregister from the framework`, err);
    }
  }
}

function safeOpenRuns(runs: OpenRuns): number {
  try {
    return runs.openRuns;
  } catch {
    return 0;
  }
}

function withEnabledDefault<Config extends GenAIInstrumentationConfig>(config: Config | undefined): Config {
  return { ...(config ?? ({} as Config)), enabled: config?.enabled ?? true };
}

/**
 * NodeSDK hands its instrumentations the API's proxy provider before it registers its own: that is
 * the global provider, found through the API when used, not a provider of the app's choosing.
 * Recognised by shape, since the proxy may come from another copy of `@opentelemetry/api`.
 */
function isGlobalTracerProvider(provider: TracerProvider): boolean {
  return provider === trace.getTracerProvider() || typeof (provider as { getDelegate?: unknown }).getDelegate === "function";
}

function isGlobalMeterProvider(provider: MeterProvider): boolean {
  return provider === metrics.getMeterProvider() || provider?.constructor?.name === "NoopMeterProvider";
}
