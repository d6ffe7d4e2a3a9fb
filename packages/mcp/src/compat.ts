import { checkAdapterVersions, installedVersion, registeredApiVersion } from "@otel-agents/core/adapter";

const ADAPTER = "@otel-agents/mcp";

/**
 * The tested ranges: the same as the `peerDependencies` in package.json (a test keeps them equal).
 * Outside them the adapter warns once and keeps working as far as it can: it reads a few of the
 * SDKs' internals (the next request id, the request handler table, the transport's URL).
 */
export const SUPPORTED = {
  "@modelcontextprotocol/sdk": ">=1.32.0 <2.0.0",
  "@modelcontextprotocol/client": ">=2.4.0 <3.0.0",
  "@modelcontextprotocol/server": ">=2.4.0 <3.0.0",
  "@ai-sdk/mcp": ">=2.0.99 <3.0.0",
  "@opentelemetry/api": ">=1.9.0 <2.0.0",
} as const;

export type McpPackage = Exclude<keyof typeof SUPPORTED, "@opentelemetry/api">;

/** A module of each package to find its manifest from (the v1 SDK's root export has no CommonJS entry). */
const ENTRY: Record<McpPackage, string> = {
  "@modelcontextprotocol/sdk": "@modelcontextprotocol/sdk/client/index.js",
  "@modelcontextprotocol/client": "@modelcontextprotocol/client",
  "@modelcontextprotocol/server": "@modelcontextprotocol/server",
  "@ai-sdk/mcp": "@ai-sdk/mcp",
};

/** Each MCP package's installed version (undefined when it is not installed), and the registered API's. */
export interface FoundVersions {
  packages: Partial<Record<McpPackage, string | undefined>>;
  api: string | undefined;
}

// Resolve from this file, so the copy read is the one this adapter imports (CJS build: __filename).
const here = (): string => (typeof __filename === "string" ? __filename : import.meta.url);

/** The MCP packages this adapter resolves, and the `@opentelemetry/api` that registered the globals. */
export function detectVersions(): FoundVersions {
  const packages: FoundVersions["packages"] = {};
  for (const pkg of Object.keys(ENTRY) as McpPackage[]) packages[pkg] = installedVersion(pkg, here(), ENTRY[pkg]);
  return { packages, api: registeredApiVersion() };
}

/** Warns once per version (through `diag`, or the console) when an installed one is outside its tested range. */
export function checkVersions(found: FoundVersions = detectVersions()): void {
  checkAdapterVersions(ADAPTER, SUPPORTED, { ...found.packages, "@opentelemetry/api": found.api });
}
