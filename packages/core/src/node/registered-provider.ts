import { ProxyTracerProvider, type TracerProvider, trace } from "@opentelemetry/api";

/**
 * The TracerProvider an app registered globally (its NodeSDK, or its own `trace.setGlobalTracerProvider`),
 * or undefined while the API still hands out its no-op. The no-op class is not exported, so it is
 * recognised by name (a minified bundle would only report "none registered" and register ours, which
 * the API then refuses with its own error).
 */
export function registeredTracerProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  return delegate.constructor?.name === "NoopTracerProvider" ? undefined : delegate;
}
