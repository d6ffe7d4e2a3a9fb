import type { Attributes } from "@opentelemetry/api";

// What a sampler saw: each span's attributes when it started, for the conformance check's
// start-time rules (sampling-relevant attributes such as `gen_ai.agent.name`, #495). Keyed by the
// span object, which the SDK hands to the exporter too (both SDK lines).
const starts = new WeakMap<object, Attributes>();

/** A span processor (structural: SDK 2 and SDK 3 alike) that records start attributes; put it before the exporter's. */
export class StartAttributesRecorder {
  // `object`, not api's `Attributes`: an app on api 1.10 hands spans whose Attributes type differs
  // from the 1.9 one this package compiles against.
  onStart(span: { attributes: object }): void {
    starts.set(span, { ...span.attributes } as Attributes);
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The span's attributes at start, if a `StartAttributesRecorder` saw it start. */
export function startAttributesOf(span: object): Attributes | undefined {
  return starts.get(span);
}
