/** The GenAI registry data as the conformance checker reads it (generated into `semconv/generated/registry-data.ts`). */
export interface RegistryAttribute {
  type: "string" | "int" | "double" | "boolean" | "string[]" | "any" | "template[string]";
  enum?: string[];
}
export interface RegistryRequirement {
  level: "required" | "conditionally_required" | "recommended" | "opt_in";
  condition?: string;
}
export interface RegistrySpanAttribute {
  requirement: RegistryRequirement;
  /** Samplers need it: it should be given when the span starts. */
  sampling_relevant?: boolean;
}
export interface RegistrySpanType {
  kind: "client" | "internal" | "server";
  span_name: { pattern: string; fallback?: string; operation_names?: string[] };
  attributes: Record<string, RegistrySpanAttribute>;
}
export interface RegistryMetric {
  instrument: "histogram" | "counter" | "updowncounter" | "gauge";
  unit: string;
  value_type?: "int" | "double";
  explicit_bucket_boundaries?: number[];
  attributes: Record<string, { requirement: RegistryRequirement }>;
}
export interface RegistryDeprecation {
  replaced_by?: string;
  note?: string;
  brief?: string;
}
export interface Registry {
  semconv: { schema_url: string; version: string };
  attributes: Record<string, RegistryAttribute>;
  spans: Record<string, RegistrySpanType>;
  span_refinements: Record<string, { refines: string; attributes: Record<string, { requirement: RegistryRequirement }> }>;
  metrics: Record<string, RegistryMetric>;
  deprecated: {
    attributes: Record<string, RegistryDeprecation>;
    metrics: Record<string, unknown>;
    removed_or_moved: Record<string, unknown>;
  };
}
