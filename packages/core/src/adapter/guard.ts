import { diag } from "@opentelemetry/api";

/** Runs a framework hook's body: its result, or undefined when it threw (never the throw). */
export type Guard = <T>(hook: string, fn: () => T) => T | undefined;

/**
 * The one way an adapter keeps its own failures out of the framework: a hook body that throws is
 * reported once per hook through `diag.warn` (`{adapter}: {hook} failed; {consequence}`), and at
 * debug level after that, so a bug that fires on every event neither floods the log nor goes unsaid.
 */
export function createGuard(adapter: string, consequence = "ignoring it; the framework's result is not affected"): Guard {
  const warned = new Set<string>();
  return <T>(hook: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (warned.has(hook)) {
        diag.debug(`${adapter}: ${hook} failed`, err);
      } else {
        warned.add(hook);
        diag.warn(`${adapter}: ${hook} failed; ${consequence}`, err);
      }
      return undefined;
    }
  };
}
