import { deprecatedAttributes, registry } from "@otel-agents/testing/registry";
import { describe, expect, it } from "vitest";
import {
  ATTR,
  FINISH_REASON,
  METRICS,
  OPERATION,
  PROVIDER,
  PROVIDER_REFINEMENT_ATTRIBUTES,
  SCHEMA_URL,
  SPAN_TYPE,
  SPAN_TYPE_ATTRIBUTES,
  TOKEN_MODALITY,
} from "../src/semconv/names.js";

// The core's one table against the registry data: an upstream change shows up here first.
describe("the core's GenAI name table", () => {
  it("pins the registry's schema URL", () => {
    expect(SCHEMA_URL).toBe(registry.semconv.schema_url);
  });

  it("names only registry attributes, none deprecated", () => {
    for (const key of Object.values(ATTR)) {
      expect(registry.attributes[key], key).toBeDefined();
      expect(deprecatedAttributes.has(key), key).toBe(false);
    }
  });

  it("lists each span type's attributes exactly as the registry does", () => {
    for (const id of Object.values(SPAN_TYPE)) {
      const fromRegistry = Object.keys(registry.spans[id]?.attributes ?? {})
        .filter((k) => k !== "gen_ai.prompt.variable")
        .sort();
      expect([...SPAN_TYPE_ATTRIBUTES[id]].sort(), id).toEqual(fromRegistry);
    }
  });

  it("lists the OpenAI refinement's own attributes", () => {
    const refinement = registry.span_refinements["openai.gen_ai.client.inference"];
    const own = Object.keys(refinement?.attributes ?? {}).filter((k) => k.startsWith("openai."));
    expect([...(PROVIDER_REFINEMENT_ATTRIBUTES.openai ?? [])].sort()).toEqual(own.sort());
  });

  it("defines every metric as the registry does: instrument, unit, value type, buckets, attributes", () => {
    for (const [name, def] of Object.entries(METRICS)) {
      const reg = registry.metrics[name];
      expect(reg, name).toBeDefined();
      expect(def.instrument, name).toBe(reg?.instrument);
      expect(def.unit, name).toBe(reg?.unit);
      expect(def.valueType, name).toBe(reg?.value_type);
      expect(def.buckets ? [...def.buckets] : undefined, name).toEqual(reg?.explicit_bucket_boundaries);
      expect([...def.attributes].sort(), name).toEqual(Object.keys(reg?.attributes ?? {}).sort());
    }
  });

  it("uses registry enum values", () => {
    const ops = registry.attributes["gen_ai.operation.name"]?.enum ?? [];
    for (const op of Object.values(OPERATION)) expect(ops).toContain(op);
    expect(Object.values(PROVIDER).sort()).toEqual([...(registry.attributes["gen_ai.provider.name"]?.enum ?? [])].sort());
    expect(Object.values(TOKEN_MODALITY).sort()).toEqual([...(registry.attributes["gen_ai.token.modality"]?.enum ?? [])].sort());
    const schema = JSON.stringify(registry);
    for (const reason of Object.values(FINISH_REASON)) expect(schema).toContain(`"${reason}"`);
  });
});
