import { diag } from "@opentelemetry/api";
import { checkFrameworkVersion } from "../compat/version-check.js";

/**
 * Checks each found version against its tested range (`supported`, the adapter's peer ranges:
 * package name -> `>=A.B.C <X.Y.Z`): one warning per version outside it, through `diag` or the
 * console (see `checkFrameworkVersion`). A version that could not be read (undefined: no Node
 * module system, package not installed) is no mismatch. Never throws.
 */
export function checkAdapterVersions(
  adapter: string,
  supported: Readonly<Record<string, string>>,
  found: Readonly<Record<string, string | undefined>>,
): void {
  try {
    for (const [framework, version] of Object.entries(found)) {
      const range = supported[framework];
      if (version === undefined || range === undefined) continue;
      checkFrameworkVersion({ adapter, framework, version, supported: range });
    }
  } catch (err) {
    diag.debug(`${adapter}: version check failed`, err);
  }
}
