import { diag } from "@opentelemetry/api";
import { nodeBuiltin } from "@otel-agents/core/adapter";

// Node's modules through `process.getBuiltinModule` at call time, as the core does: no static import.
type Require = ((id: string) => unknown) & { resolve(id: string): string };
interface NodeModule {
  createRequire(from: string): Require;
}
interface NodePath {
  dirname(path: string): string;
  resolve(...parts: string[]): string;
}

// Resolve from this file, so the copy loaded is the one the app's own imports resolve to (CJS build: __filename).
const here = (): string => (typeof __filename === "string" ? __filename : import.meta.url);

/** The file an `exports` entry maps to under `condition` (`import` or `require`), `node`/`default` as fallbacks. */
function target(entry: unknown, condition: "import" | "require"): string | undefined {
  if (typeof entry === "string") return entry;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
  const e = entry as Record<string, unknown>;
  for (const key of [condition, "node", "default"]) {
    if (key in e) {
      const found = target(e[key], condition);
      if (found) return found;
    }
  }
  return undefined;
}

/** `exports[subpath]`, with `./*` patterns as the v1 SDK uses them. */
function exportEntry(exports: unknown, subpath: string): { entry: unknown; star?: string } | undefined {
  if (typeof exports !== "object" || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  if (subpath in map) return { entry: map[subpath] };
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length) {
      return { entry: map[key], star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return undefined;
}

/**
 * The package's own `package.json`: its exports may map `./package.json` elsewhere (the v1 SDK's
 * `./*` gives `dist/cjs/package.json`) or not at all, so walk up from what resolves to the manifest
 * that names the package.
 */
function findManifest(req: Require, path: NodePath, pkg: string, subpath: string): string | undefined {
  for (const id of [`${pkg}/package.json`, subpath === "." ? pkg : `${pkg}${subpath.slice(1)}`]) {
    let file: string;
    try {
      file = req.resolve(id);
    } catch {
      continue;
    }
    let dir = path.dirname(file);
    for (let i = 0; i < 8; i++) {
      const candidate = path.resolve(dir, "package.json");
      try {
        if ((req(candidate) as { name?: unknown }).name === pkg) return candidate;
      } catch {
        // No manifest here: go up.
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/**
 * Every copy of an installed package's module that an app can hold: its ES module (the one `import`
 * gives, loaded through `require(esm)`, which shares Node's module cache with `import`) and its
 * CommonJS build, when it has one. Both are patched, so an app is traced whichever way it imports
 * the SDK. Empty when the package is not installed. Never throws.
 */
export function loadModuleCopies(pkg: string, subpath = "."): Record<string, unknown>[] {
  const mod = nodeBuiltin<NodeModule>("node:module");
  const path = nodeBuiltin<NodePath>("node:path");
  if (!mod || !path) return [];
  let req: Require;
  try {
    req = mod.createRequire(here());
  } catch {
    return [];
  }
  const manifestPath = findManifest(req, path, pkg, subpath);
  if (!manifestPath) return [];
  const copies: Record<string, unknown>[] = [];
  try {
    const manifest = req(manifestPath) as { exports?: unknown };
    const found = exportEntry(manifest.exports, subpath);
    if (!found) return [];
    const root = path.dirname(manifestPath);
    for (const condition of ["import", "require"] as const) {
      const file = target(found.entry, condition);
      if (!file) continue;
      const resolved = path.resolve(root, found.star === undefined ? file : file.replace("*", found.star));
      try {
        const loaded = req(resolved) as Record<string, unknown>;
        if (!copies.includes(loaded)) copies.push(loaded);
      } catch (err) {
        // Node before 22.12 cannot require() an ES module; the CommonJS copy is still patched.
        diag.debug(`@otel-agents/mcp: could not load the ${condition} copy of ${pkg}${subpath.slice(1)}`, err);
      }
    }
  } catch (err) {
    diag.debug(`@otel-agents/mcp: could not read ${pkg}`, err);
  }
  return copies;
}
