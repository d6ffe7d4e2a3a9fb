// Builds the workspace packages whose build inputs changed since their last successful build, in
// dependency order, and prints the build's own output only when a build fails.
//
// A package's key hashes its build inputs (src/, semconv/, package.json, tsconfig*.json,
// tsdown.config.*, the shared tsconfig.base.json and the lockfile, which pins the build tools and the
// bundled dependencies) together with the keys of the workspace packages it depends on, so a change
// in core rebuilds the adapters too. The key and a fingerprint of the dist/ it produced are stored in
// node_modules/.cache/otel-agents-build/; a package is skipped only when both still match (a dist
// rebuilt by hand from other sources, or deleted, is rebuilt). A fresh clone has no cache and builds
// everything.
//
//   node scripts/build-changed.mjs [--force]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = path.join(root, "node_modules", ".cache", "otel-agents-build");
const force = process.argv.includes("--force");
// --explain: say why each package would be rebuilt, and build nothing.
const explain = process.argv.includes("--explain");
const started = performance.now();

/** Every file under `dir` (recursively), as paths relative to `base`, sorted; none when `dir` is absent. */
function filesUnder(dir, base) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(base, path.join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

const ROOT_INPUTS = /^(package\.json|tsconfig.*\.json|tsdown\.config\.[cm]?[jt]s)$/;
const INPUT_DIRS = ["src", "semconv"];

function contentHash(dir) {
  const hash = createHash("sha256");
  const files = [
    ...readdirSync(dir).filter((name) => ROOT_INPUTS.test(name)),
    ...INPUT_DIRS.flatMap((sub) => filesUnder(path.join(dir, sub), dir)),
  ].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(dir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** What a later build (by hand, or from other sources) or a deletion would change. */
function distFingerprint(dir) {
  const dist = path.join(dir, "dist");
  const files = filesUnder(dist, dist);
  if (files.length === 0) return undefined;
  const hash = createHash("sha256");
  for (const file of files) {
    const stat = statSync(path.join(dist, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

const shared = createHash("sha256");
for (const file of ["tsconfig.base.json", "pnpm-lock.yaml"]) {
  const full = path.join(root, file);
  if (existsSync(full)) shared.update(readFileSync(full));
}
const sharedHash = shared.digest("hex");

const packagesDir = path.join(root, "packages");
/** @type {Map<string, { name: string, short: string, dir: string, builds: boolean, deps: string[] }>} */
const packages = new Map();
for (const short of readdirSync(packagesDir).sort()) {
  const dir = path.join(packagesDir, short);
  const manifestFile = path.join(dir, "package.json");
  if (!existsSync(manifestFile)) continue;
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies });
  packages.set(manifest.name, { name: manifest.name, short, dir, builds: Boolean(manifest.scripts?.build), deps });
}
for (const pkg of packages.values()) pkg.deps = pkg.deps.filter((dep) => packages.has(dep) && dep !== pkg.name);

/** @type {Map<string, string>} */
const keys = new Map();
function keyOf(name, seen = new Set()) {
  const known = keys.get(name);
  if (known) return known;
  if (seen.has(name)) throw new Error(`workspace dependency cycle through ${name}`);
  seen.add(name);
  const pkg = packages.get(name);
  const hash = createHash("sha256").update(sharedHash).update(contentHash(pkg.dir));
  for (const dep of [...pkg.deps].sort()) hash.update(`${dep}\0${keyOf(dep, seen)}`);
  const key = hash.digest("hex");
  keys.set(name, key);
  return key;
}

const recordFile = (pkg) => path.join(cacheDir, `${pkg.short}.json`);
function staleness(pkg) {
  if (force) return "--force";
  if (!existsSync(recordFile(pkg))) return "never built here";
  let record;
  try {
    record = JSON.parse(readFileSync(recordFile(pkg), "utf8"));
  } catch {
    return "unreadable cache record";
  }
  if (record.key !== keyOf(pkg.name)) return "inputs changed (its own or a dependency's)";
  if (record.dist !== distFingerprint(pkg.dir)) return "dist/ changed or missing since the last build here";
  return undefined;
}

const buildable = [...packages.values()].filter((pkg) => pkg.builds);
const reasons = new Map(buildable.map((pkg) => [pkg.name, staleness(pkg)]));
const stale = new Set(buildable.filter((pkg) => reasons.get(pkg.name)).map((pkg) => pkg.name));
if (explain) {
  for (const pkg of buildable) console.log(`${pkg.short}: ${reasons.get(pkg.name) ?? "up to date"}`);
  process.exit(0);
}
if (stale.size === 0) {
  console.log(`build: ${buildable.length} packages up to date (${seconds()})`);
  process.exit(0);
}
const names = (list) => [...list].map((name) => packages.get(name).short).join(", ");
console.log(`build: ${names(stale)}${stale.size < buildable.length ? " (the rest are up to date)" : ""}`);

/** Runs the package's own build script with its output captured. */
function build(pkg) {
  return new Promise((resolve) => {
    const child = spawn("pnpm", ["run", "--silent", "build"], {
      cwd: pkg.dir,
      stdio: ["ignore", "pipe", "pipe"],
      shell: process.platform === "win32",
    });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    child.on("error", (error) => resolve({ ok: false, output: error.message }));
    child.on("close", (code) => resolve({ ok: code === 0, output: Buffer.concat(output).toString("utf8") }));
  });
}

// A stale package waits for the stale packages it depends on; up-to-date ones are ready already.
const waitingOn = (pkg) => pkg.deps.filter((dep) => stale.has(dep));
const done = new Set();
const failed = new Set();
const skipped = new Set();
const running = new Map();
const limit = Math.max(1, availableParallelism());
mkdirSync(cacheDir, { recursive: true });

while (done.size + failed.size + skipped.size < stale.size) {
  for (const name of stale) {
    if (running.size >= limit) break;
    if (done.has(name) || failed.has(name) || skipped.has(name) || running.has(name)) continue;
    const pkg = packages.get(name);
    const blockers = waitingOn(pkg);
    if (blockers.some((dep) => failed.has(dep) || skipped.has(dep))) {
      skipped.add(name);
      continue;
    }
    if (!blockers.every((dep) => done.has(dep))) continue;
    running.set(
      name,
      build(pkg).then((result) => ({ name, result })),
    );
  }
  if (running.size === 0) continue;
  const { name, result } = await Promise.race(running.values());
  running.delete(name);
  const pkg = packages.get(name);
  if (result.ok) {
    writeFileSync(recordFile(pkg), `${JSON.stringify({ key: keyOf(name), dist: distFingerprint(pkg.dir) })}\n`);
    done.add(name);
  } else {
    failed.add(name);
    process.stderr.write(`\nbuild: ${pkg.short} failed (pnpm run build in ${path.relative(root, pkg.dir)}):\n${result.output}\n`);
  }
}

if (failed.size > 0) {
  const also = [
    done.size ? `built: ${names(done)}` : "",
    skipped.size ? `not built (a dependency failed): ${names(skipped)}` : "",
  ];
  console.error(`build: failed: ${[names(failed), ...also].filter(Boolean).join("; ")} (${seconds()})`);
  process.exit(1);
}
console.log(`build: done (${seconds()})`);

function seconds() {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
