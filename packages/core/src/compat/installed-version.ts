// Edge-safe: Node's modules are reached through `process.getBuiltinModule` at call time, never imported.

type Require = ((id: string) => unknown) & { resolve(id: string): string };
interface NodeModule {
  createRequire(from: string): Require;
}
interface NodeFs {
  readFileSync(path: string, encoding: "utf8"): string;
}
interface NodePath {
  dirname(path: string): string;
  join(...parts: string[]): string;
}

/** A Node built-in module (`node:fs`...) through `process.getBuiltinModule`, or undefined outside Node. Never throws. */
export function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

function versionOf(manifest: unknown, name: string): string | undefined {
  if (typeof manifest !== "object" || manifest === null) return undefined;
  const m = manifest as { name?: unknown; version?: unknown };
  return m.name === name && typeof m.version === "string" ? m.version : undefined;
}

/**
 * The version of the package `name` as Node resolves it from `from` (a file path or `file:` URL; the
 * adapter passes its own location so that it reads the copy it is attached to). Reads its
 * `package.json`, also when the package's `exports` do not list it (then from its resolved entry
 * point upwards, or from `entry`, a module of the package, when its root has no entry point). Undefined where there is no Node module system (edge runtimes) or nothing is found.
 */
export function installedVersion(name: string, from: string, entry: string = name): string | undefined {
  const mod = nodeBuiltin<NodeModule>("node:module");
  if (!mod) return undefined;
  let req: Require;
  try {
    req = mod.createRequire(from);
  } catch {
    return undefined;
  }
  try {
    const version = versionOf(req(`${name}/package.json`), name);
    if (version) return version;
  } catch {
    // Not exported: find it from the entry point below.
  }
  const fs = nodeBuiltin<NodeFs>("node:fs");
  const path = nodeBuiltin<NodePath>("node:path");
  if (!fs || !path) return undefined;
  let dir: string;
  try {
    dir = path.dirname(req.resolve(entry));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 8; i++) {
    try {
      const version = versionOf(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")), name);
      if (version) return version;
    } catch {
      // No package.json here, or another package's: keep going up.
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

// The API keeps its globals (and the version that registered them) under this symbol.
const API_GLOBALS = Symbol.for("opentelemetry.js.api.1");

/**
 * The version of `@opentelemetry/api` that registered the global providers, context manager or
 * diag logger: the copy the SDK and the adapters meet through. Undefined until something is registered.
 */
export function registeredApiVersion(): string | undefined {
  const globals = (globalThis as { [API_GLOBALS]?: { version?: unknown } })[API_GLOBALS];
  return typeof globals?.version === "string" ? globals.version : undefined;
}
