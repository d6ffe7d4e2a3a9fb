// Framework objects arrive untyped at run time: whatever a model, a tool or an older release put
// there. These readers are the one set every adapter uses; none throws, and each returns undefined
// for a value that is not of its type, so `asString(x) ?? fallback` reads the same everywhere.

export type Dict = Record<string, unknown>;

/** A non-null object that is not an array: what an event or a payload with fields should be. */
export function isRecord(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value as a record (see `isRecord`), else undefined. */
export function asRecord(value: unknown): Dict | undefined {
  return isRecord(value) ? value : undefined;
}

/** A non-empty string, else undefined: an empty id, name or model is no value. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** A finite number, else undefined (NaN and the infinities are no value). */
export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export { nowMs } from "../operation/handle.js";
