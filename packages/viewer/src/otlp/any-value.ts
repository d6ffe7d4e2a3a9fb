import type { Attrs, AttrValue } from "../shared/model.js";

type Json = Record<string, unknown>;

/**
 * OTLP AnyValue to a plain JSON value. int64 arrives as a string (protobuf decode, and OTLP/JSON
 * allows it) and becomes a number when it is a safe integer, so `gen_ai.usage.*` type checks see an int.
 */
export function anyValue(v: unknown): AttrValue {
  if (v === null || typeof v !== "object") return null;
  const o = v as Json;
  if ("stringValue" in o) return String(o.stringValue ?? "");
  if ("boolValue" in o) return Boolean(o.boolValue);
  if ("intValue" in o) return intValue(o.intValue);
  if ("doubleValue" in o) return Number(o.doubleValue);
  if ("arrayValue" in o) {
    const values = (o.arrayValue as Json | null)?.values;
    return Array.isArray(values) ? values.map(anyValue) : [];
  }
  if ("kvlistValue" in o) return keyValues((o.kvlistValue as Json | null)?.values);
  if ("bytesValue" in o) return String(o.bytesValue ?? "");
  return null;
}

function intValue(raw: unknown): number | string {
  const n = typeof raw === "number" ? raw : Number(raw);
  if (Number.isSafeInteger(n)) return n;
  return String(raw);
}

/** A repeated KeyValue to an object; later duplicates win, as in the SDKs. */
export function keyValues(list: unknown): Attrs {
  const out: Attrs = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (kv && typeof kv === "object" && typeof (kv as Json).key === "string") {
      out[(kv as Json).key as string] = anyValue((kv as Json).value);
    }
  }
  return out;
}

/** A plain JSON value back to OTLP/JSON AnyValue (for export). */
export function toAnyValue(v: AttrValue): Json {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
  if (v && typeof v === "object") return { kvlistValue: { values: toKeyValues(v) } };
  return {};
}

export function toKeyValues(attrs: Attrs): Json[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}
