// Kept free of imports: the CLI entry runs this before anything loads node:sqlite, on whatever
// Node.js the user has (Node 20 has no node:sqlite and dies on the import with a bare
// ERR_UNKNOWN_BUILTIN_MODULE).

/** node:sqlite without a flag: Node.js 22.13. */
export const REQUIRED_NODE = [22, 13] as const;

/**
 * The one-line reason this Node.js cannot run the viewer, or undefined when it can. `version` is
 * `process.versions.node` ("20.20.2").
 */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  const [needMajor, needMinor] = REQUIRED_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `otel-agents-viewer needs Node.js ${needMajor}.${needMinor} or newer (it stores traces with the built-in node:sqlite); this is Node.js ${version}. Install a newer Node.js (24 LTS is tested) and run it again.`;
}
