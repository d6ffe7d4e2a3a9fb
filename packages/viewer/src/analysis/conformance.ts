import type { Attributes } from "@opentelemetry/api";
// The published core's checker (bundled at build time, its registry data generated into it): one
// conformance check for the test suites and the viewer.
import { type CheckedSpan, missingExpected, registry, spanViolations } from "@otel-agents/core/conformance";
import type { Attrs, ViewerSpan } from "../shared/model.js";

function checked(span: ViewerSpan): CheckedSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: 1 };
  return {
    name: span.name,
    // OTLP numbers kinds from 1 (internal); the API from 0. Unspecified reads as internal, as in the SDKs.
    kind: span.kind === 0 ? 0 : span.kind - 1,
    attributes: asChecked(span.attributes),
    spanContext: () => context,
    startTime: [0, 0],
    status: span.status,
  };
}

/**
 * The attributes as the checker reads them. An attribute the registry types `any` (messages, system
 * instructions, tool definitions, tool call arguments and results...) may arrive structured over
 * OTLP (an arrayValue or kvlistValue, which the conventions prefer on spans) as well as a JSON
 * string (what JS SDKs can send): the structured form is handed over as its JSON, so it is checked
 * against the same JSON schema, never reported as a wrong type.
 */
function asChecked(attrs: Attrs): Attributes {
  let out: Attrs | undefined;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || typeof value === "string") continue;
    const def = Object.hasOwn(registry.attributes, key) ? registry.attributes[key] : undefined;
    if (def?.type !== "any") continue;
    out ??= { ...attrs };
    out[key] = JSON.stringify(value);
  }
  return (out ?? attrs) as Attributes;
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
const removed = registry.deprecated.removed_or_moved;

/**
 * What replaced a key the registry removed with no deprecated alias (its `removed_or_moved` list
 * says only that it is gone; the notes are in packages/core/semconv/gen-ai-registry.json).
 */
const REMOVED: Record<string, string> = {
  "gen_ai.token.type":
    "input and output are now in the metric's name (gen_ai.client.inference.usage.input_tokens / .output_tokens), and no span carries it",
  "gen_ai.agent.steps": "the metrics gen_ai.invoke_agent.inference_calls and gen_ai.invoke_agent.tool_calls count the steps",
};

/** One line for a key of an older convention, or undefined for a current key. */
function legacyHint(key: string): string | undefined {
  const d = Object.hasOwn(deprecated, key) ? deprecated[key] : undefined;
  if (d) {
    if (d.replaced_by) return `${key} is deprecated: renamed to ${d.replaced_by}`;
    return `${key} is deprecated: ${d.note ?? d.brief ?? "no replacement"}`;
  }
  if (Object.hasOwn(removed, key)) {
    const instead = Object.hasOwn(REMOVED, key) ? REMOVED[key] : undefined;
    return `${key} was removed from the GenAI conventions${instead ? `: ${instead}` : ""}`;
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
