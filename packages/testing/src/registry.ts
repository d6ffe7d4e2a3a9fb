import { readFileSync } from "node:fs";
import type { Registry } from "../../core/src/conformance/index.js";

export { deprecatedAttributes, deprecatedMetrics, type Registry } from "../../core/src/conformance/index.js";

/**
 * The GenAI registry data as committed (packages/core/semconv/, see its PROVENANCE.md): the oracle
 * the core's generated tables are tested against. The conformance checker reads the generated copy.
 */
export const registry: Registry = JSON.parse(
  readFileSync(new URL("../../core/semconv/gen-ai-registry.json", import.meta.url), "utf8"),
) as Registry;
