import { diag } from "@opentelemetry/api";

export interface VersionCheck {
  /** The adapter package, e.g. `@otel-agents/langchain`. */
  adapter: string;
  /** The framework package, e.g. `@langchain/core`. */
  framework: string;
  /** The version found at run time (undefined when it could not be read). */
  version: string | undefined;
  /** The tested range, as `>=A.B.C <X.Y.Z` (either bound optional). */
  supported: string;
}

const warned = new Set<string>();

type Triple = [number, number, number];

function parse(version: string): Triple | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether `version` is inside `range` (space-separated `>=`, `>`, `<=`, `<`, `=` comparators). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  for (const part of range.trim().split(/\s+/)) {
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(part);
    const bound = m?.[2] ? parse(m[2]) : undefined;
    if (!m || !bound) return false;
    const c = compare(v, bound);
    const ok = m[1] === ">=" ? c >= 0 : m[1] === ">" ? c > 0 : m[1] === "<=" ? c <= 0 : m[1] === "<" ? c < 0 : c === 0;
    if (!ok) return false;
  }
  return true;
}

// The API keeps its diag logger in its globals; without one, diag.warn goes nowhere.
const API_GLOBALS = Symbol.for("opentelemetry.js.api.1");
function hasDiagLogger(): boolean {
  const globals = (globalThis as { [API_GLOBALS]?: { diag?: unknown } })[API_GLOBALS];
  return globals?.diag !== undefined;
}

/**
 * Warns once, loudly, when an adapter is attached to a framework version outside its tested
 * range: through `diag`, and on the console when no diag logger is registered (otherwise the
 * warning is lost, which is how integrations go silently dark after a framework release). The
 * adapter keeps working as far as it can. Returns whether the version is supported.
 */
export function checkFrameworkVersion(check: VersionCheck): boolean {
  const ok = check.version !== undefined && satisfies(check.version, check.supported);
  if (ok) return true;
  const key = `${check.adapter}|${check.framework}|${check.version}`;
  if (warned.has(key)) return false;
  warned.add(key);
  const found = check.version === undefined ? "an unknown version" : `version ${check.version}`;
  const message = `${check.adapter}: ${check.framework} ${found} is outside the tested range ${check.supported}; spans may be missing or incomplete.`;
  diag.warn(message);
  if (!hasDiagLogger()) console.warn(`[otel-agents] ${message}`);
  return false;
}

const warnedKeys = new Set<string>();

/**
 * Logs `message` once per `key` for the process, through `diag.warn`, and on the console when no
 * diag logger is registered: for setup mistakes the user must see (a second instrumentation
 * emitting the same spans, an unsupported version).
 */
export function warnOnce(key: string, message: string): void {
  if (warnedKeys.has(key)) return;
  warnedKeys.add(key);
  diag.warn(message);
  if (!hasDiagLogger()) console.warn(`[otel-agents] ${message}`);
}
