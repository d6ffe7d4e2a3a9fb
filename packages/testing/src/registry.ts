import { readFileSync } from "node:fs";

/** The GenAI registry data copied into this package (see ../semconv/PROVENANCE.md). */
export interface RegistryAttribute {
  type: "string" | "int" | "double" | "boolean" | "string[]" | "any" | "template[string]";
  enum?: string[];
  enum_open?: boolean;
}
export interface RegistryRequirement {
  level: "required" | "conditionally_required" | "recommended" | "opt_in";
  condition?: string;
}
export interface RegistrySpanType {
  kind: "client" | "internal" | "server";
  span_name: { pattern: string; fallback?: string; operation_names: string[] };
  attributes: Record<string, { requirement: RegistryRequirement }>;
}
export interface RegistryMetric {
  instrument: "histogram" | "counter" | "updowncounter" | "gauge";
  unit: string;
  value_type?: "int" | "double";
  explicit_bucket_boundaries?: number[];
  attributes: Record<string, { requirement: RegistryRequirement }>;
}
export interface Registry {
  semconv: { schema_url: string; version: string };
  attributes: Record<string, RegistryAttribute>;
  spans: Record<string, RegistrySpanType>;
  span_refinements: Record<string, { refines: string; attributes: Record<string, { requirement: RegistryRequirement }> }>;
  metrics: Record<string, RegistryMetric>;
  deprecated: {
    attributes: Record<string, unknown>;
    metrics: Record<string, unknown>;
    removed_or_moved: Record<string, unknown>;
  };
}

export const registry: Registry = JSON.parse(
  readFileSync(new URL("../semconv/gen-ai-registry.json", import.meta.url), "utf8"),
) as Registry;

export function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../semconv/${file}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

/**
 * Attribute names the registry marks deprecated or removed outright. Removals from one span type
 * only ("... on gen_ai.invoke_agent.internal") are enforced by that span type's attribute list.
 */
export const deprecatedAttributes: ReadonlySet<string> = new Set([
  ...Object.keys(registry.deprecated.attributes),
  ...Object.keys(registry.deprecated.removed_or_moved).filter((k) => /^gen_ai\.[a-z_.]+$/.test(k)),
]);

/** Metric names the registry marks renamed or replaced. */
export const deprecatedMetrics: ReadonlySet<string> = new Set(
  Object.keys(registry.deprecated.metrics).filter((k) => !k.includes(" ")),
);
