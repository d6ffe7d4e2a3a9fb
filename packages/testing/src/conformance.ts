// The conformance checker lives in the published core (`@otel-agents/core/conformance`), where the
// viewer uses it too; this module adds what the test harness knows: the attributes each span had
// when it started.
import {
  type CheckedSpan,
  assertConformance as checkAll,
  spanViolations as checkSpan,
} from "../../core/src/conformance/index.js";
import { startAttributesOf } from "./start-attributes.js";

export {
  assertMetricConformance,
  type CheckedMetric,
  type CheckedSpan,
  FRAMEWORK_TYPE_NAMES,
  metricViolations,
  missingExpected,
  spanTypeOf,
} from "../../core/src/conformance/index.js";

/** The span with its start attributes, when the harness recorded them. */
function withStart(span: CheckedSpan): CheckedSpan {
  if (span.startAttributes) return span;
  const startAttributes = startAttributesOf(span);
  if (!startAttributes) return span;
  return {
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    status: span.status,
    startAttributes,
  };
}

/** `spanViolations` of the core's checker, with the start-time rules for spans the harness saw start. */
export function spanViolations(span: CheckedSpan): string[] {
  return checkSpan(withStart(span));
}

/** Throws with every violation of every span (start-time rules included where the harness saw the start). */
export function assertConformance(spans: readonly CheckedSpan[]): void {
  checkAll(spans.map(withStart));
}
