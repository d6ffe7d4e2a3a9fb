// Generated garbage for the adapters' adversarial suites (fast-check): values of every wrong type
// frameworks could hand an adapter, and the checks the suites share.
import type { AttributeValue, Span, Tracer, TracerProvider } from "@opentelemetry/api";
import fc from "fast-check";
import { expect } from "vitest";
import { ATTR } from "../../core/src/semconv/index.js";
import { spanViolations } from "./conformance.js";
import type { ReadableSpan } from "./harness.js";

/** The content limit the suites configure (capture on, small limit, in half the runs). */
export const MAX_CONTENT = 256;
/** Identifiers (names, ids, models) are capped by the core at 1024 characters plus a marker. */
export const MAX_IDENTIFIER = 1024 + 16;

/** The content attributes, whose values the suites check against the content limit. */
export const CONTENT_KEYS: ReadonlySet<string> = new Set([
  ATTR.systemInstructions,
  ATTR.inputMessages,
  ATTR.outputMessages,
  ATTR.toolDefinitions,
  ATTR.toolCallArguments,
  ATTR.toolCallResult,
  ATTR.retrievalQueryText,
  ATTR.retrievalDocuments,
]);
// Garbage may lack what the registry requires, use unknown enum values or names the conventions
// would not pick; it must never produce a key of the wrong type, a deprecated key, or one the span
// type does not list.
export const TOLERATED = ["not a registry value", "name should be", "missing required"];

// ---- garbage ----------------------------------------------------------------------------------

// Fixed huge strings: generating 10 MB per case would dominate the run time.
export const HUGE = "x".repeat(10 * 1024 * 1024);
export const HUGE_BROKEN = `${"\ud83d".repeat(1024)}${"y".repeat(10 * 1024 * 1024)}\udc00`;

export const throwingGetters = (): Record<string, unknown> =>
  new Proxy(
    {},
    {
      get(_t, key) {
        // Symbols (fast-check's own markers, Symbol.toPrimitive) and `then` stay readable.
        if (typeof key === "symbol" || key === "then") return undefined;
        throw new Error(`getter ${String(key)}`);
      },
      has: () => true,
      ownKeys: () => {
        throw new Error("ownKeys");
      },
    },
  );
export const throwingName = (): Error => {
  const e = new Error("boom");
  Object.defineProperty(e, "name", {
    get() {
      throw new Error("name getter");
    },
  });
  return e;
};
export const circular = (): Record<string, unknown> => {
  const o: Record<string, unknown> = { a: 1, big: 2n ** 70n };
  o.self = o;
  o.list = [o, 1n];
  return o;
};

export const scalar = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(-1),
  fc.constant(-1e9),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(2n ** 70n),
  fc.constant("\ud800broken\udfff"),
  fc.constant(""),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  // Names an object used as a lookup table answers from Object.prototype.
  fc.constantFrom("__proto__", "constructor", "toString"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(Symbol("s")),
);
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: scalar, weight: 20 },
  { arbitrary: fc.constant(() => "fn"), weight: 1 },
  { arbitrary: fc.constant(null).map(throwingGetters), weight: 2 },
  { arbitrary: fc.constant(null).map(throwingName), weight: 1 },
  { arbitrary: fc.constant(null).map(circular), weight: 2 },
  { arbitrary: fc.array(scalar, { maxLength: 3 }), weight: 2 },
  { arbitrary: fc.object({ maxDepth: 1, maxKeys: 3 }), weight: 2 },
  // Rare, because a 10 MB value costs milliseconds wherever it is copied.
  { arbitrary: fc.constantFrom(HUGE, HUGE_BROKEN), weight: 1 },
);
export const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 3 }, { arbitrary: garbage, weight: 1 });
export const num = fc.oneof(
  fc.constant(Number.NaN),
  fc.constant(-5),
  fc.constant(Number.NEGATIVE_INFINITY),
  fc.constant(2n ** 70n),
  fc.nat(),
  garbage,
);

// ---- what may reach the exporter ---------------------------------------------------------------

/** A provider that remembers every span the handler starts, so that spans never ended are seen. */
export function watchedProvider(inner: TracerProvider): { provider: TracerProvider; started: Span[] } {
  const started: Span[] = [];
  const provider: TracerProvider = {
    getTracer(name, version, options) {
      const tracer = inner.getTracer(name, version, options);
      const watched: Tracer = {
        startSpan(spanName, spanOptions, ctx) {
          const span = tracer.startSpan(spanName, spanOptions, ctx);
          started.push(span);
          return span;
        },
        startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer["startActiveSpan"],
      };
      return watched;
    },
  };
  return { provider, started };
}

export function validValue(key: string, value: AttributeValue | undefined): boolean {
  if (value === undefined) return true;
  const limit = CONTENT_KEYS.has(key) ? MAX_CONTENT + 64 : MAX_IDENTIFIER;
  if (typeof value === "string") return value.length <= limit;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "boolean") return true;
  if (Array.isArray(value)) {
    if (value.length > 128) return false;
    const types = new Set(value.map((v) => typeof v));
    if (types.size > 1) return false;
    return value.every(
      (v) =>
        (typeof v === "string" && v.length <= limit) || (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean",
    );
  }
  return false;
}

export function checkExported(spans: readonly ReadableSpan[]): void {
  for (const span of spans) {
    expect(span.name.length, "span name length").toBeLessThanOrEqual(MAX_IDENTIFIER + 32);
    for (const [key, value] of Object.entries(span.attributes)) expect(validValue(key, value), key).toBe(true);
    expect(spanViolations(span).filter((v) => !TOLERATED.some((t) => v.includes(t)))).toEqual([]);
  }
}
