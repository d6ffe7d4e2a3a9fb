import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The installed version of a package, read from its package.json next to its entry point. */
export function versionOf(name: string): string {
  try {
    // A wildcard export can map `package.json` to a build folder's own (`{"type":"commonjs"}`, no
    // version), as @modelcontextprotocol/sdk's does: only the package's own file counts.
    const pkg = require(`${name}/package.json`) as { name?: string; version?: string };
    if (pkg.name !== name || typeof pkg.version !== "string") throw new Error(`${name}: not its package.json`);
    return pkg.version;
  } catch {
    // Packages whose exports map hides package.json: walk up from the resolved entry.
    try {
      let dir = dirname(require.resolve(name));
      for (let i = 0; i < 6; i++, dir = dirname(dir)) {
        try {
          const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version: string };
          if (pkg.name === name) return pkg.version;
        } catch {}
      }
    } catch {}
    // ESM-only packages without a package.json export: read it from this package's node_modules.
    try {
      const here = dirname(new URL(import.meta.url).pathname);
      return (JSON.parse(readFileSync(join(here, "..", "node_modules", name, "package.json"), "utf8")) as { version: string })
        .version;
    } catch {
      return "?";
    }
  }
}
