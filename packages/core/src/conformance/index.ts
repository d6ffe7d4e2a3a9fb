// @otel-agents/core/conformance: the GenAI registry's rules as a checker of exported spans and
// metrics, for test suites and trace viewers. Built on the generated registry data; needs the `ajv`
// package (an optional peer) for the JSON schemas of content attributes. Apps never import it, so
// it costs them nothing.

export { CONTENT_SCHEMAS, validateContentAttribute } from "./content-schemas.js";
export { assertMetricConformance, type CheckedMetric, metricViolations } from "./metric-rules.js";
export { deprecatedAttributes, deprecatedMetrics, registry } from "./registry.js";
export type {
  Registry,
  RegistryAttribute,
  RegistryDeprecation,
  RegistryMetric,
  RegistryRequirement,
  RegistrySpanAttribute,
  RegistrySpanType,
} from "./registry-types.js";
export {
  assertConformance,
  type CheckedSpan,
  FRAMEWORK_TYPE_NAMES,
  missingExpected,
  spanTypeOf,
  spanViolations,
} from "./span-rules.js";
