import { diag, type Tracer, type TracerOptions, type TracerProvider, trace } from "@opentelemetry/api";

// The name `ai` 6 asks the global TracerProvider for, for a call that turns telemetry on
// (`experimental_telemetry: { isEnabled: true }`) without a tracer of its own.
const AI_TRACER_NAME = "ai";

type GetTracer = (this: TracerProvider, name: string, version?: string, options?: TracerOptions) => Tracer;

/**
 * Has the global TracerProvider hand `tracer` to `ai` 6 whenever it asks for its own tracer, so that
 * an `ai` 6 call with telemetry on becomes our GenAI spans with no tracer passed per call (`ai` 6
 * has no integration hook, and its lookup is `trace.getTracer("ai")`, made per call). Every other
 * name goes to the provider as before. Returns the undo.
 *
 * The hook is an own property of the provider the API hands out: the `ProxyTracerProvider` that
 * `trace.setGlobalTracerProvider` registers, the same object before and after the SDK registers its
 * provider, so hooking it before `sdk.start()` works. Never throws.
 */
export function routeAiSixTracer(tracer: Tracer): () => void {
  try {
    const provider = trace.getTracerProvider() as TracerProvider & { getTracer: GetTracer };
    const hadOwn = Object.hasOwn(provider, "getTracer");
    const below = provider.getTracer;
    let routing = true;
    const hook: GetTracer = function getTracer(this: TracerProvider, name, version, options) {
      return routing && name === AI_TRACER_NAME ? tracer : below.call(this, name, version, options);
    };
    Object.defineProperty(provider, "getTracer", { value: hook, writable: true, configurable: true, enumerable: false });
    return () => {
      routing = false;
      try {
        // Another hook went on top of ours since: ours stays in its chain, passing every name through.
        if (provider.getTracer !== hook) return;
        if (hadOwn) Object.defineProperty(provider, "getTracer", { value: below, writable: true, configurable: true });
        else delete (provider as { getTracer?: unknown }).getTracer;
      } catch (err) {
        diag.debug("otel-agents/ai-sdk: could not take the ai 6 tracer route off the global provider", err);
      }
    };
  } catch (err) {
    diag.warn("otel-agents/ai-sdk: could not route ai 6's tracer to otel-agents; ai 6 calls will not be reported", err);
    return () => undefined;
  }
}
