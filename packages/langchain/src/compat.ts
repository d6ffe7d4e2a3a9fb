import { frameworkVersionCheck, installedVersion, registeredApiVersion } from "@otel-agents/core/adapter";

const ADAPTER = "@otel-agents/langchain";

/**
 * The tested ranges: the same as the `peerDependencies` in package.json (a test keeps them equal).
 * Outside them the handler warns once and keeps working as far as it can.
 */
export const SUPPORTED = {
  "@langchain/core": ">=1.0.0 <2.0.0",
  "@opentelemetry/api": ">=1.9.0 <2.0.0",
} as const;

// Resolve from this file, so the copy read is the one this adapter imports (CJS build: __filename).
const here = (): string => (typeof __filename === "string" ? __filename : import.meta.url);

/**
 * `detectVersions()`: the `@langchain/core` this adapter resolves and the `@opentelemetry/api` that registered
 * the globals. `checkVersions()`: one warning per version outside its tested range (through `diag`
 * or the console); a version that cannot be read (no Node module system) is no mismatch.
 */
export const { detectVersions, checkVersions } = frameworkVersionCheck({
  adapter: ADAPTER,
  framework: "@langchain/core",
  supported: SUPPORTED,
  installed: () => installedVersion("@langchain/core", here()),
  api: () => registeredApiVersion(),
});
