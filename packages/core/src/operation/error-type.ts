import { ERROR_TYPE } from "../semconv/names.js";

const GENERIC_NAMES = new Set(["Error", "Object", ""]);
const LOW_CARDINALITY = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * A low-cardinality `error.type` for anything thrown: the error's class name (`RateLimitError`,
 * `AbortError`), else its code (`ECONNREFUSED`), else its HTTP status, else `_OTHER`.
 * Never reads more than a few own properties, and never throws.
 */
export function errorType(error: unknown): string {
  try {
    if (error === null || typeof error !== "object") return ERROR_TYPE.other;
    const e = error as { name?: unknown; code?: unknown; status?: unknown; constructor?: { name?: unknown } };
    const name = e.name;
    if (typeof name === "string" && !GENERIC_NAMES.has(name) && LOW_CARDINALITY.test(name)) return name;
    const ctor = e.constructor?.name;
    if (typeof ctor === "string" && !GENERIC_NAMES.has(ctor) && LOW_CARDINALITY.test(ctor)) return ctor;
    const code = e.code;
    if (typeof code === "string" && LOW_CARDINALITY.test(code)) return code;
    const status = e.status;
    if (typeof status === "number" && Number.isInteger(status)) return String(status);
    if (typeof name === "string" && name === "Error") return "Error";
    return ERROR_TYPE.other;
  } catch {
    return ERROR_TYPE.other;
  }
}

/**
 * The `error.type` of an operation cut off by an abort: the reason's own kind when it names one
 * (`TimeoutError` of `AbortSignal.timeout()`, `AbortError`), else `AbortError` (an abort with a
 * string, a plain `Error` or nothing as its reason). Never throws.
 */
export function abortErrorType(reason: unknown): string {
  const type = errorType(reason);
  return type === ERROR_TYPE.other || type === "Error" ? ERROR_TYPE.aborted : type;
}

/** The error's message and stack, read defensively (content: recorded only when capture is on). */
export function errorDetails(error: unknown): { message?: string; stack?: string } {
  try {
    if (typeof error === "string") return { message: error };
    if (error === null || typeof error !== "object") return error === undefined ? {} : { message: String(error) };
    const e = error as { message?: unknown; stack?: unknown };
    return {
      message: typeof e.message === "string" ? e.message : undefined,
      stack: typeof e.stack === "string" ? e.stack : undefined,
    };
  } catch {
    return {};
  }
}
