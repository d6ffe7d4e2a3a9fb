import type { Attributes } from "@opentelemetry/api";
// Bundled at build time from the private @otel-agents/testing package (tsdown inlines it), with the
// registry JSON it reads copied next to the bundle: one conformance check for the tests and the viewer.
import { type CheckedSpan, missingExpected, spanViolations } from "@otel-agents/testing/conformance";
import type { ViewerSpan } from "../shared/model.js";

function checked(span: ViewerSpan): CheckedSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: 1 };
  return {
    name: span.name,
    // OTLP numbers kinds from 1 (internal); the API from 0. Unspecified reads as internal, as in the SDKs.
    kind: span.kind === 0 ? 0 : span.kind - 1,
    attributes: span.attributes as Attributes,
    spanContext: () => context,
    startTime: [0, 0],
    status: span.status,
  };
}

/** What the GenAI registry says about one span: rule violations and expected-but-missing attributes. */
export function conformanceOf(span: ViewerSpan): { violations: string[]; missingExpected: string[] } {
  try {
    const c = checked(span);
    // The check names the span in every message; the panel already shows which span it is.
    const prefix = `span "${span.name}": `;
    return {
      violations: spanViolations(c).map((v) => (v.startsWith(prefix) ? v.slice(prefix.length) : v)),
      missingExpected: missingExpected(c),
    };
  } catch (error) {
    return { violations: [`conformance check failed: ${(error as Error).message}`], missingExpected: [] };
  }
}
