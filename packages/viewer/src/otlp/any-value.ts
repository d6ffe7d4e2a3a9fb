import type { Attrs, AttrTypeNote, AttrTypes, AttrValue } from "../shared/model.js";

type Json = Record<string, unknown>;

/** A decoded AnyValue, with the OTLP type its plain JSON value does not tell (see AttrTypeNote). */
interface Typed {
  value: AttrValue;
  type?: AttrTypeNote;
}

/**
 * OTLP AnyValue to a plain JSON value. int64 arrives as a string (protobuf decode, and OTLP/JSON
 * allows it) and becomes a number when it is a safe integer, so `gen_ai.usage.*` type checks see an int.
 */
export function anyValue(v: unknown): AttrValue {
  return typedValue(v).value;
}

function typedValue(v: unknown): Typed {
  if (v === null || typeof v !== "object") return { value: null };
  const o = v as Json;
  if ("stringValue" in o) return { value: String(o.stringValue ?? "") };
  if ("boolValue" in o) return { value: Boolean(o.boolValue) };
  if ("intValue" in o) return intValue(o.intValue);
  if ("doubleValue" in o) return doubleValue(o.doubleValue);
  if ("arrayValue" in o) {
    const values = (o.arrayValue as Json | null)?.values;
    if (!Array.isArray(values)) return { value: [] };
    const typed = values.map(typedValue);
    const value = typed.map((t) => t.value);
    return typed.some((t) => t.type !== undefined) ? { value, type: typed.map((t) => t.type ?? null) } : { value };
  }
  if ("kvlistValue" in o) {
    const { attrs, types } = typedKeyValues((o.kvlistValue as Json | null)?.values);
    return types ? { value: attrs, type: types } : { value: attrs };
  }
  if ("bytesValue" in o) return { value: String(o.bytesValue ?? ""), type: "bytes" };
  return { value: null };
}

function intValue(raw: unknown): Typed {
  const n = typeof raw === "number" ? raw : Number(raw);
  if (Number.isSafeInteger(n)) return { value: n };
  return { value: String(raw), type: "int" };
}

/**
 * A double whose JSON number would read back as an int (2.0 is 2), or that JSON has no number
 * for (NaN and the infinities, kept as the strings OTLP/JSON spells them with).
 */
function doubleValue(raw: unknown): Typed {
  const n = Number(raw);
  if (Number.isNaN(n)) return { value: "NaN", type: "double" };
  if (!Number.isFinite(n)) return { value: n > 0 ? "Infinity" : "-Infinity", type: "double" };
  return Number.isInteger(n) ? { value: n, type: "double" } : { value: n };
}

/** A repeated KeyValue to an object; later duplicates win, as in the SDKs. */
export function keyValues(list: unknown): Attrs {
  return typedKeyValues(list).attrs;
}

/** keyValues(), with the OTLP types the plain values do not tell (undefined when there are none). */
export function typedKeyValues(list: unknown): { attrs: Attrs; types: AttrTypes | undefined } {
  const attrs: Attrs = {};
  let types: AttrTypes | undefined;
  if (!Array.isArray(list)) return { attrs, types };
  for (const kv of list) {
    if (kv && typeof kv === "object" && typeof (kv as Json).key === "string") {
      const key = (kv as Json).key as string;
      const { value, type } = typedValue((kv as Json).value);
      attrs[key] = value;
      if (type !== undefined) (types ??= {})[key] = type;
      else if (types && Object.hasOwn(types, key)) delete types[key];
    }
  }
  return { attrs, types: types && Object.keys(types).length > 0 ? types : undefined };
}

/**
 * A plain JSON value back to OTLP/JSON AnyValue (for export), in the type it arrived as when
 * `type` says it: without, an integral number is an intValue and any other a doubleValue.
 */
export function toAnyValue(v: AttrValue, type?: AttrTypeNote | null): Json {
  if (type === "double" && (typeof v === "number" || typeof v === "string")) return { doubleValue: v };
  if (type === "int" && (typeof v === "number" || typeof v === "string")) return { intValue: String(v) };
  if (type === "bytes" && typeof v === "string") return { bytesValue: v };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) {
    const types = Array.isArray(type) ? type : undefined;
    return { arrayValue: { values: v.map((x, i) => toAnyValue(x, types?.[i])) } };
  }
  if (v && typeof v === "object") {
    const types = type && typeof type === "object" && !Array.isArray(type) ? type : undefined;
    return { kvlistValue: { values: toKeyValues(v, types) } };
  }
  return {};
}

export function toKeyValues(attrs: Attrs, types?: AttrTypes): Json[] {
  return Object.entries(attrs).map(([key, value]) => ({
    key,
    value: toAnyValue(value, types && Object.hasOwn(types, key) ? types[key] : undefined),
  }));
}
