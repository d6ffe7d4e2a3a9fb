import { ATTR } from "@otel-agents/core";
import type { Convention, ViewerSpan } from "../shared/model.js";

const OPENLLMETRY_KEY = /^(traceloop\.|llm\.request\.type$|llm\.usage\.|gen_ai\.(prompt|completion)\.\d+\.)/;

/** Which convention a span's GenAI attributes follow (undefined: none). */
export function conventionOf(span: ViewerSpan): Convention | undefined {
  const a = span.attributes;
  if (a["openinference.span.kind"] !== undefined) return "openinference";
  const keys = Object.keys(a);
  if (keys.some((k) => OPENLLMETRY_KEY.test(k))) return "openllmetry";
  if (a[ATTR.operationName] !== undefined) return "genai";
  return undefined;
}
