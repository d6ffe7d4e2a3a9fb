import { ENV_CAPTURE_CONTENT } from "../semconv/names.js";

/**
 * Called with each content attribute before it is recorded. Return the value to record (the same
 * one, or an edited copy); return `undefined` to drop the attribute. A hook that throws drops it.
 */
export type RedactHook = (content: { attribute: string; operation: string; value: unknown }) => unknown;

export interface ContentOptions {
  /** Record message content, tool arguments/results, retrieval queries/documents. Default: off. */
  captureContent?: boolean;
  /** Largest serialised size of one content attribute, in characters. Default 65536. */
  maxContentLength?: number;
  redact?: RedactHook;
}

export interface ContentPolicy {
  readonly capture: boolean;
  readonly maxLength: number;
  readonly redact: RedactHook | undefined;
}

export const DEFAULT_MAX_CONTENT_LENGTH = 65_536;

// OTel Python and the conformance suite use NO_CONTENT | SPAN_ONLY | EVENT_ONLY | SPAN_AND_EVENT,
// older code true/false. We record content on spans, so the values that put it on spans turn it on.
const ON_VALUES = new Set(["true", "1", "yes", "on", "span_only", "span_and_event"]);

/** Options beat the environment; the environment beats the default (off). */
export function resolveContentPolicy(options: ContentOptions = {}, env = readEnv()): ContentPolicy {
  const capture =
    typeof options.captureContent === "boolean"
      ? options.captureContent
      : ON_VALUES.has((env[ENV_CAPTURE_CONTENT] ?? "").trim().toLowerCase());
  const max = options.maxContentLength;
  return {
    capture,
    maxLength: typeof max === "number" && Number.isFinite(max) && max >= 64 ? Math.floor(max) : DEFAULT_MAX_CONTENT_LENGTH,
    redact: typeof options.redact === "function" ? options.redact : undefined,
  };
}

// The main entry is edge-safe: `process` may not exist.
function readEnv(): Record<string, string | undefined> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env ?? {};
}
