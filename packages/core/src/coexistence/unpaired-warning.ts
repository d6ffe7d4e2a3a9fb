import { diag, type Span, type TracerProvider } from "@opentelemetry/api";

// Process-wide (a second copy of the core, ESM beside CommonJS, shares it): the last inference span
// of ours a CoexistenceSpanProcessor saw start. Span processors run inside `startSpan`, so right
// after starting one, the slot holds it exactly when the pipeline it went through has the processor.
const SEEN = Symbol.for("otel-agents.coexistence.seen");
const WARNED = Symbol.for("otel-agents.coexistence.warned");

interface Slots {
  [SEEN]?: object;
  [WARNED]?: boolean;
}

const slots = globalThis as Slots;

/** Called by the processor when one of our inference spans starts through it. */
export function markSeenByProcessor(span: object): void {
  slots[SEEN] = span;
}

// Tracer names of instrumentations that trace the model clients the frameworks call (`openai`, the
// Anthropic, Bedrock, Vertex... SDKs). `name@` is how the SDK keys its tracers: `-openai-agents` is
// not one of them.
const PROVIDER_TRACER =
  /^(?:@opentelemetry\/instrumentation-|@arizeai\/openinference-instrumentation-|@traceloop\/instrumentation-)(?:openai|anthropic|bedrock|vertexai|google-genai|mistralai?|cohere|groq|together|ollama)@/;

interface SdkTracerProvider {
  getDelegate?(): unknown;
  _tracers?: unknown;
}

/**
 * Whether an instrumentation of a model client got a tracer from the same SDK provider. Every SDK
 * line (1, 2, 3) caches its tracers by `name@version:schemaUrl` in `_tracers`; a tracer is there once
 * the instrumentation was given the provider, or (through the global proxy) once it started a span.
 * An SDK without that map says nothing: no warning.
 */
function providerTracerName(provider: TracerProvider): string | undefined {
  const p = provider as SdkTracerProvider;
  const sdk = (typeof p.getDelegate === "function" ? p.getDelegate() : p) as SdkTracerProvider | undefined;
  const tracers = sdk?._tracers;
  if (!(tracers instanceof Map)) return undefined;
  for (const key of tracers.keys()) {
    if (typeof key === "string" && PROVIDER_TRACER.test(key)) return key.slice(0, key.indexOf("@", 1));
  }
  return undefined;
}

/**
 * Says once (per process) that model calls are traced twice: an inference span of ours went
 * through a pipeline without `CoexistenceSpanProcessor`, and a model-client instrumentation records
 * to the same provider. What it costs per model call while there is nothing to say: a slot read and,
 * until a provider instrumentation's tracer shows up, one look at the SDK's tracer map when its size
 * changed.
 */
export class UnpairedInferenceWarning {
  private tracersSeen = -1;

  constructor(private readonly provider: TracerProvider) {}

  /** Right after one of our inference spans started. */
  check(span: Span): void {
    if (slots[WARNED] === true) return;
    if (slots[SEEN] === span) {
      slots[SEEN] = undefined;
      return;
    }
    try {
      this.lookForProviders(span);
    } catch (err) {
      diag.debug("otel-agents: could not look for provider instrumentations", err);
    }
  }

  private lookForProviders(span: Span): void {
    if (!span.isRecording()) return;
    const size = this.tracerCount();
    if (size === this.tracersSeen) return;
    this.tracersSeen = size;
    const name = providerTracerName(this.provider);
    if (name === undefined) return;
    slots[WARNED] = true;
    diag.warn(
      `otel-agents: ${name} traces the model calls that otel-agents traces too, and spans are exported ` +
        "without CoexistenceSpanProcessor: each such model call gets two model-call spans. Wrap the span " +
        "processor that exports in it (NodeSDK `spanProcessors: [new CoexistenceSpanProcessor(new " +
        "BatchSpanProcessor(...))]`, CoexistenceSpanProcessor from @otel-agents/core), or use setup(), which installs it.",
    );
  }

  private tracerCount(): number {
    const p = this.provider as SdkTracerProvider;
    const sdk = (typeof p.getDelegate === "function" ? p.getDelegate() : p) as SdkTracerProvider | undefined;
    const tracers = sdk?._tracers;
    return tracers instanceof Map ? tracers.size : -1;
  }
}
