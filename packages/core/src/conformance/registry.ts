import { REGISTRY } from "../semconv/generated/registry-data.js";
import type { Registry } from "./registry-types.js";

/** The GenAI registry rules, generated from packages/core/semconv/gen-ai-registry.json. */
export const registry: Registry = REGISTRY;

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
