import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import type { ContentOptions } from "../content/policy.js";

/** The default bound on runs an adapter keeps open at once. */
export const DEFAULT_MAX_OPEN_RUNS = 10_000;

/**
 * The options every adapter takes, one name per concept; an adapter's own options extend these.
 * A "run" is whatever the framework reports as one unit with a start and an end (a LangChain run,
 * an AI SDK call, an Agents span).
 */
export interface AdapterOptions extends ContentOptions {
  /** Default: the global TracerProvider. */
  tracerProvider?: TracerProvider;
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** Most runs kept open at once; beyond it the oldest is ended (`error.type` `otel_agents.evicted`). Default 10,000. */
  maxOpenRuns?: number;
  /**
   * Wrap the context manager the SDK registers (now, or once it registers one) so that code inside a
   * step sees the step's span as active. Default: true.
   */
  stepAwareContext?: boolean;
}

/** What every adapter's handler, integration or processor offers for shutdown. */
export interface OpenRuns {
  /** Runs still open (started, not yet ended); 0 when idle. */
  readonly openRuns: number;
  /** Ends every run still open as orphaned (`error.type` `otel_agents.orphaned`); returns how many. */
  endOpenRuns(): number;
}

/** `maxOpenRuns` as given (a whole number of at least 1), else the default. */
export function maxOpenRunsOf(value: unknown): number {
  return typeof value === "number" && value >= 1 ? Math.floor(value) : DEFAULT_MAX_OPEN_RUNS;
}
