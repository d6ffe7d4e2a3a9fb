import { diag } from "@opentelemetry/api";

const warned = new Set<string>();

/**
 * Says once per adapter that a framework run happened while nothing records it: no TracerProvider
 * and no MeterProvider registered (an SDK never started, or started after the run), none given.
 * Adapters go idle then and trace nothing, so without this line nothing would say why the traces
 * are empty. Through `diag` only: an app that runs without an SDK on purpose (OTEL_SDK_DISABLED)
 * gets no console noise. `what` says what happened ("a LangChain run started"); `fix` says how to start one.
 */
export function warnNoSdkOnce(adapter: string, what: string, fix: string): void {
  if (warned.has(adapter)) return;
  warned.add(adapter);
  diag.warn(
    `${adapter}: ${what}, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. ${fix}`,
  );
}
