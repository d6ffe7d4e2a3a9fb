import { diag } from "@opentelemetry/api";
import { checkFrameworkVersion, installedVersion, registeredApiVersion } from "@otel-agents/core";

const ADAPTER = "@otel-agents/mcp";

/**
 * The tested ranges: the same as the `peerDependencies` in package.json (a test keeps them equal).
 * Outside them the adapter warns once and keeps working as far as it can: it reads a few of the
 * SDK's internals (the next request id, the request handler table, the transport's URL).
 */
export const SUPPORTED = {
  "@modelcontextprotocol/sdk": ">=1.32.0 <2.0.0",
  "@opentelemetry/api": ">=1.9.0 <2.0.0",
} as const;

export interface FoundVersions {
  framework: string | undefined;
  api: string | undefined;
}

// Resolve from this file, so the copy read is the one this adapter imports (CJS build: __filename).
const here = (): string => (typeof __filename === "string" ? __filename : import.meta.url);

/** The `@modelcontextprotocol/sdk` this adapter resolves, and the `@opentelemetry/api` that registered the globals. */
export function detectVersions(): FoundVersions {
  // The SDK's root export has no CommonJS entry: find its manifest from the client module instead.
  const framework = installedVersion("@modelcontextprotocol/sdk", here(), "@modelcontextprotocol/sdk/client/index.js");
  return { framework, api: registeredApiVersion() };
}

/** Warns once per version (through `diag`, or the console) when either is outside its tested range. */
export function checkVersions(found: FoundVersions = detectVersions()): void {
  try {
    for (const [framework, version] of [
      ["@modelcontextprotocol/sdk", found.framework],
      ["@opentelemetry/api", found.api],
    ] as const) {
      if (version === undefined) continue;
      checkFrameworkVersion({ adapter: ADAPTER, framework, version, supported: SUPPORTED[framework] });
    }
  } catch (err) {
    diag.debug("otel-agents/mcp: version check failed", err);
  }
}
