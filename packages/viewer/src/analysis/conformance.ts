import type { Attributes } from "@opentelemetry/api";
// The published core's checker (bundled at build time, its registry data generated into it): one
// conformance check for the test suites and the viewer.
import { type CheckedSpan, missingExpected, registry, spanViolations } from "@otel-agents/core/conformance";
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

/**
 * Keys of older conventions (OpenLLMetry's indexed prompt keys and usage names) with the current
 * name. The registry's own deprecations come first; these cover what it lists under no name.
 */
const LEGACY: [RegExp, string][] = [
  [/^gen_ai\.prompt\.\d+\./, "gen_ai.input.messages (and gen_ai.system_instructions)"],
  [/^gen_ai\.completion\.\d+\./, "gen_ai.output.messages"],
  [/^gen_ai\.usage\.cache_read_input_tokens$/, "gen_ai.usage.cache_read.input_tokens"],
  [/^gen_ai\.usage\.cache_creation_input_tokens$/, "gen_ai.usage.cache_creation.input_tokens"],
  [/^gen_ai\.usage\.total_tokens$/, "gen_ai.usage.input_tokens + gen_ai.usage.output_tokens"],
];

const deprecated = registry.deprecated.attributes;

/** One line for a key of an older convention, or undefined for a current key. */
function legacyHint(key: string): string | undefined {
  const d = Object.hasOwn(deprecated, key) ? deprecated[key] : undefined;
  if (d) {
    if (d.replaced_by) return `${key} is deprecated: renamed to ${d.replaced_by}`;
    return `${key} is deprecated: ${d.note ?? d.brief ?? "no replacement"}`;
  }
  for (const [pattern, current] of LEGACY) if (pattern.test(key)) return `${key} is a legacy key: the current name is ${current}`;
  return undefined;
}

/**
 * What the GenAI registry says about one span: rule violations and expected-but-missing attributes.
 * A key of an older convention is one line naming its current name, however many rules it breaks.
 */
export function conformanceOf(span: ViewerSpan): { violations: string[]; missingExpected: string[] } {
  try {
    const c = checked(span);
    // The check names the span in every message; the panel already shows which span it is.
    const prefix = `span "${span.name}": `;
    const raw = spanViolations(c).map((v) => (v.startsWith(prefix) ? v.slice(prefix.length) : v));
    const hints = new Map<string, string>();
    for (const key of Object.keys(span.attributes)) {
      const hint = legacyHint(key);
      if (hint) hints.set(key, hint);
    }
    const out: string[] = [];
    const said = new Set<string>();
    for (const v of raw) {
      const key = [...hints.keys()].find((k) => mentions(v, k));
      const line = key ? hints.get(key)! : v;
      if (!said.has(line)) {
        said.add(line);
        out.push(line);
      }
    }
    return { violations: out, missingExpected: missingExpected(c) };
  } catch (error) {
    return { violations: [`conformance check failed: ${(error as Error).message}`], missingExpected: [] };
  }
}

/** The message names this key, as a whole key (gen_ai.system, not gen_ai.system_instructions). */
function mentions(message: string, key: string): boolean {
  let i = message.indexOf(key);
  while (i >= 0) {
    const after = message[i + key.length];
    if (after === undefined || !/[\w.]/.test(after)) return true;
    i = message.indexOf(key, i + 1);
  }
  return false;
}
