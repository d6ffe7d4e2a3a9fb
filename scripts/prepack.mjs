// `prepack` of every published package: a tarball must never ship a missing or stale dist/.
//
// Fresh (every built file newer than every build input): exit at once, so `attw --pack` (which runs
// `npm pack`) stays fast. Missing or stale: build the package with its own `build` script, or, with
// OTEL_AGENTS_PREPACK_BUILD=0 (the consumer test, which must not rewrite a dist other suites are
// reading), refuse with the command to run.
//
//   node ../../scripts/prepack.mjs [extra input dir...]   (run from the package directory)
//
// Extra input dirs are sources bundled from elsewhere (the viewer bundles packages/core).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const dir = process.cwd();
const name = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).name;
const BUILT = /\.(c|m)?js$|\.d\.(c|m)?ts$/;

function* filesUnder(root) {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) yield path.join(entry.parentPath, entry.name);
  }
}

/** Why dist/ cannot be packed as it is, or undefined when it can. */
function staleness() {
  let oldestBuilt;
  for (const file of filesUnder(path.join(dir, "dist"))) {
    if (!BUILT.test(file)) continue; // copied assets keep their sources' times
    const mtime = statSync(file).mtimeMs;
    if (oldestBuilt === undefined || mtime < oldestBuilt) oldestBuilt = mtime;
  }
  if (oldestBuilt === undefined) return "dist/ is missing";
  const inputs = [
    ...filesUnder(path.join(dir, "src")),
    ...readdirSync(dir)
      .filter((file) => /^tsdown\.config\.[cm]?[jt]s$/.test(file))
      .map((file) => path.join(dir, file)),
    ...process.argv.slice(2).flatMap((extra) => [...filesUnder(path.resolve(dir, extra))]),
  ];
  for (const file of inputs) {
    if (statSync(file).mtimeMs > oldestBuilt) return `${path.relative(dir, file)} is newer than dist/`;
  }
  return undefined;
}

const reason = staleness();
if (reason === undefined) process.exit(0);

if (process.env.OTEL_AGENTS_PREPACK_BUILD === "0") {
  console.error(`prepack ${name}: ${reason}; build it first: pnpm --filter ${name} build`);
  process.exit(1);
}

console.error(`prepack ${name}: ${reason}; building it (pnpm --filter ${name} build)`);
// npm and pnpm both say who runs them; pnpm 12 is a native binary, npm a script.
const runner = process.env.npm_execpath;
const [command, args] =
  runner === undefined
    ? ["pnpm", ["run", "build"]]
    : /\.[cm]?js$/.test(runner)
      ? [process.execPath, [runner, "run", "build"]]
      : [runner, ["run", "build"]];
const result = spawnSync(command, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (result.status !== 0) {
  process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}\n`);
  console.error(`prepack ${name}: the build failed (its output is above); nothing was packed`);
  process.exit(1);
}
const after = staleness();
if (after !== undefined) {
  console.error(`prepack ${name}: still not packable after the build: ${after}`);
  process.exit(1);
}
