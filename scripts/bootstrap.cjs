#!/usr/bin/env node
// Runs a workspace script under the repo's pinned toolchain (Node 24 + pnpm 12).
// `npm test` / `npm run demo` call this so that a machine with only Node 20 and npm can run them:
// the system npm installs tools/toolchain (exact `node` and `pnpm` packages, with a lockfile), then
// everything else runs with tools/toolchain/node_modules/.bin first on PATH. Written in plain CommonJS
// for whatever Node the machine has.
// Quiet by design: the first lines say what runs; `pnpm install --frozen-lockfile` runs only when its
// inputs changed since the last successful install (hash recorded in node_modules/.cache) and shows
// its output only when it fails.
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const toolchain = path.join(root, "tools", "toolchain");
const bin = path.join(toolchain, "node_modules", ".bin");
const isWindows = process.platform === "win32";
const exe = (name) => path.join(bin, isWindows ? `${name}.cmd` : name);
const installRecord = path.join(root, "node_modules", ".cache", "otel-agents-install.json");

function fail(message) {
  console.error(`[bootstrap] ${message}`);
  process.exit(1);
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) fail(`${command} ${args.join(" ")}: ${result.error.message}`);
  return result.status ?? 1;
}

/** Runs with the output kept back; it is printed only when the command fails. */
function runQuietly(command, args, options) {
  const result = spawnSync(command, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) fail(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
  }
  return result.status ?? 1;
}

function pinnedVersions() {
  const manifest = JSON.parse(readFileSync(path.join(toolchain, "package.json"), "utf8"));
  return manifest.devDependencies;
}

function installedVersion(name) {
  const file = path.join(toolchain, "node_modules", name, "package.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).version : undefined;
}

function ensureToolchain() {
  const pins = pinnedVersions();
  const ready =
    Object.entries(pins).every(([name, version]) => installedVersion(name) === version) &&
    existsSync(exe("node")) &&
    existsSync(exe("pnpm"));
  if (ready) return pins;
  console.error(`[bootstrap] installing the pinned toolchain (node ${pins.node}, pnpm ${pins.pnpm}) with npm`);
  const npm = isWindows ? "npm.cmd" : "npm";
  // Not `npm ci`: pnpm lists a binary for every platform as an optional dependency, some of which
  // the registry lacks, so the lockfile cannot hold them all; `npm install` skips those and keeps
  // the locked versions of the rest. `--no-save` leaves the checkout clean.
  const status = run(npm, ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: toolchain,
    shell: isWindows,
  });
  if (status !== 0) fail("npm install in tools/toolchain failed");
  return pins;
}

// npm exports its own settings as npm_config_* variables; pnpm would read them as its own config.
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ""}`;
  return env;
}

/** The workspace's package directories, from the `packages:` list of pnpm-workspace.yaml (`dir/*` or `dir`). */
function workspaceDirs() {
  const dirs = [root];
  let inList = false;
  for (const line of readFileSync(path.join(root, "pnpm-workspace.yaml"), "utf8").split(/\r?\n/)) {
    if (/^packages:\s*$/.test(line)) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    const item = /^\s+-\s+["']?([^"'#\s]+)["']?/.exec(line);
    if (!item) {
      if (/^\S/.test(line)) inList = false;
      continue;
    }
    const pattern = item[1];
    if (pattern.endsWith("/*")) {
      const parent = path.join(root, pattern.slice(0, -2));
      if (existsSync(parent)) {
        for (const name of readdirSync(parent).sort()) dirs.push(path.join(parent, name));
      }
    } else dirs.push(path.join(root, pattern));
  }
  return dirs;
}

/**
 * What `pnpm install` reads: the lockfile, the workspace file, .npmrc, every workspace manifest and
 * pnpm's version. An install whose inputs hash to the value recorded after the last successful
 * install would change nothing.
 */
function installKey(pnpmVersion) {
  const hash = createHash("sha256").update(`pnpm ${pnpmVersion}\n`);
  const files = ["pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"].map((file) => path.join(root, file));
  for (const dir of workspaceDirs()) files.push(path.join(dir, "package.json"));
  for (const file of files) {
    hash.update(`${path.relative(root, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : "(absent)");
    hash.update("\0");
  }
  return hash.digest("hex");
}

function recordedInstallKey() {
  try {
    return JSON.parse(readFileSync(installRecord, "utf8")).key;
  } catch {
    return undefined;
  }
}

function ensureDependencies(pnpmVersion, options) {
  const key = installKey(pnpmVersion);
  const installed = existsSync(path.join(root, "node_modules", ".modules.yaml"));
  if (installed && recordedInstallKey() === key) {
    console.log("dependencies: up to date (lockfile and manifests unchanged since the last install)");
    return;
  }
  const started = Date.now();
  console.log(
    installed
      ? "dependencies: pnpm install --frozen-lockfile (the lockfile or a manifest changed since the last install)"
      : "dependencies: pnpm install --frozen-lockfile (first install)",
  );
  const status = runQuietly(exe("pnpm"), ["install", "--frozen-lockfile", "--prefer-offline", "--reporter=append-only"], options);
  if (status !== 0) fail("pnpm install --frozen-lockfile failed (its output is above)");
  mkdirSync(path.dirname(installRecord), { recursive: true });
  writeFileSync(installRecord, `${JSON.stringify({ key })}\n`);
  console.log(`dependencies: installed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function manifestDescription(dir) {
  try {
    return JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8")).description;
  } catch {
    return undefined;
  }
}

/** The first line of the run: what it is about to do. */
function headline(script, args) {
  switch (script) {
    case "demo:run":
      return `otel-agents demo: ${manifestDescription("examples/multi-agent-demo") ?? "examples/multi-agent-demo"}`;
    case "example:run":
      return args[0] && manifestDescription(`examples/${args[0]}`)
        ? `otel-agents example ${args[0]}: ${manifestDescription(`examples/${args[0]}`)}`
        : "otel-agents example";
    case "test:all":
      return "otel-agents tests: build (changed packages only), typecheck, lint, package checks, unit tests";
    case "test:node-matrix":
      return "otel-agents tests under the other supported Node.js lines";
    default:
      return `otel-agents: pnpm run ${script}`;
  }
}

const [script, ...args] = process.argv.slice(2);
if (!script) fail("usage: node scripts/bootstrap.cjs <workspace script> [args...]");

const pins = ensureToolchain();
console.log(headline(script, args));
console.log(`toolchain: node ${pins.node}, pnpm ${pins.pnpm} (tools/toolchain)`);
const env = cleanEnv();
const opts = { cwd: root, env, shell: isWindows };
ensureDependencies(pins.pnpm, opts);
// --silent: no "> otel-agents@ script" banner; the script's own output is unchanged.
process.exit(run(exe("pnpm"), ["run", "--silent", script, ...args], opts));
