import { diag } from "@opentelemetry/api";
import { checkFrameworkVersion } from "../compat/version-check.js";

/** The framework an adapter is attached to and the `@opentelemetry/api` that registered the globals. */
export interface FrameworkVersions {
  framework: string | undefined;
  api: string | undefined;
}

/**
 * The version check of an adapter for one framework package: `detectVersions()` reads the versions
 * through the given readers (the adapter passes the kit's `installedVersion`, resolved from its own
 * file, and `registeredApiVersion`), `checkVersions()` warns as `checkAdapterVersions` does.
 * `supported` names the framework's and `@opentelemetry/api`'s tested ranges.
 */
export function frameworkVersionCheck(options: {
  adapter: string;
  framework: string;
  supported: Readonly<Record<string, string>>;
  installed: () => string | undefined;
  api: () => string | undefined;
}): { detectVersions(): FrameworkVersions; checkVersions(found?: FrameworkVersions): void } {
  const { adapter, framework, supported } = options;
  const detectVersions = (): FrameworkVersions => ({ framework: options.installed(), api: options.api() });
  return {
    detectVersions,
    checkVersions: (found = detectVersions()) =>
      checkAdapterVersions(adapter, supported, { [framework]: found.framework, "@opentelemetry/api": found.api }),
  };
}

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
