import type { Attributes } from "@opentelemetry/api";
import { deprecatedMetrics, registry } from "./registry.js";
import { typeMatches } from "./values.js";

/** A collected metric, in the SDK's `MetricData` shape (both SDK lines). */
export interface CheckedMetric {
  descriptor: { name: string; unit: string; type?: string };
  dataPoints: ReadonlyArray<{ attributes: Attributes; value: unknown }>;
}

/** Registry rules for exported GenAI metrics: name, unit, attributes allowed and required. */
export function metricViolations(metric: CheckedMetric): string[] {
  const { name, unit } = metric.descriptor;
  if (!name.startsWith("gen_ai.") && !name.startsWith("mcp.")) return [];
  const out: string[] = [];
  if (deprecatedMetrics.has(name)) out.push(`metric ${name} is deprecated`);
  const def = Object.hasOwn(registry.metrics, name) ? registry.metrics[name] : undefined;
  if (!def) return [...out, `metric ${name} is not in the registry`];
  if (def.unit !== unit) out.push(`metric ${name}: unit ${unit}, registry ${def.unit}`);
  for (const point of metric.dataPoints) {
    for (const [key, value] of Object.entries(point.attributes)) {
      if (!Object.hasOwn(def.attributes, key)) out.push(`metric ${name}: attribute ${key} not allowed`);
      const attr = Object.hasOwn(registry.attributes, key) ? registry.attributes[key] : undefined;
      if (attr && value !== undefined && !typeMatches(attr.type, value)) out.push(`metric ${name}: ${key} has the wrong type`);
    }
    for (const [key, spec] of Object.entries(def.attributes)) {
      if (spec.requirement.level === "required" && point.attributes[key] === undefined) {
        out.push(`metric ${name}: missing required ${key}`);
      }
    }
  }
  return out;
}

export function assertMetricConformance(metrics: readonly CheckedMetric[]): void {
  const all = metrics.flatMap(metricViolations);
  if (all.length > 0) throw new Error(`GenAI metric violations:\n  ${all.join("\n  ")}`);
}
