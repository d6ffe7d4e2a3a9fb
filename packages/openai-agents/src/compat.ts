import { checkAdapterVersions, installedVersion, registeredApiVersion } from "@otel-agents/core/adapter";

const ADAPTER = "@otel-agents/openai-agents";

/**
 * The tested ranges: the same as the `peerDependencies` in package.json (a test keeps them equal).
 * Outside them the processor warns once and keeps working as far as it can.
 */
export const SUPPORTED = {
  "@openai/agents-core": ">=0.17.0 <1.0.0",
  "@opentelemetry/api": ">=1.9.0 <2.0.0",
} as const;

export interface FoundVersions {
  framework: string | undefined;
  api: string | undefined;
}

// Resolve from this file, so the copy read is the one this adapter imports (CJS build: __filename).
const here = (): string => (typeof __filename === "string" ? __filename : import.meta.url);

/** The `@openai/agents-core` this adapter resolves, and the `@opentelemetry/api` that registered the globals. */
export function detectVersions(): FoundVersions {
  return { framework: installedVersion("@openai/agents-core", here()), api: registeredApiVersion() };
}

/**
 * Warns (once per version, through `diag` or the console) when either version is outside its
 * tested range. A version that cannot be read (no Node module system) is not a mismatch.
 */
export function checkVersions(found: FoundVersions = detectVersions()): void {
  checkAdapterVersions(ADAPTER, SUPPORTED, { "@openai/agents-core": found.framework, "@opentelemetry/api": found.api });
}
