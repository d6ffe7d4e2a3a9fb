#!/usr/bin/env node
// Runs a workspace script under the repo's pinned toolchain (Node 24 + pnpm 12).
// `npm test` / `npm run demo` call this so that a machine with only Node 20 and npm can run them:
// the system npm installs tools/toolchain (exact `node` and `pnpm` packages, with a lockfile), then
// everything else runs with tools/toolchain/node_modules/.bin first on PATH. Written in plain CommonJS
// for whatever Node the machine has.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const toolchain = path.join(root, "tools", "toolchain");
const bin = path.join(toolchain, "node_modules", ".bin");
const isWindows = process.platform === "win32";
const exe = (name) => path.join(bin, isWindows ? `${name}.cmd` : name);

function fail(message) {
  console.error(`[bootstrap] ${message}`);
  process.exit(1);
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) fail(`${command} ${args.join(" ")}: ${result.error.message}`);
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
  if (ready) return;
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

const [script, ...args] = process.argv.slice(2);
if (!script) fail("usage: node scripts/bootstrap.cjs <workspace script> [args...]");

ensureToolchain();
const env = cleanEnv();
const pnpm = exe("pnpm");
const opts = { cwd: root, env, shell: isWindows };
const install = run(pnpm, ["install", "--frozen-lockfile", "--prefer-offline", "--reporter=append-only"], opts);
if (install !== 0) fail("pnpm install --frozen-lockfile failed");
process.exit(run(pnpm, ["run", script, ...args], opts));
