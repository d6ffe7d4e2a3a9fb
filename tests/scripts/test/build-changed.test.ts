import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// scripts/build-changed.mjs on a workspace of its own: package "b" depends on "a"; each build
// prints noise, fails on a source containing "bad", and writes dist/out.txt.
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "scripts", "build-changed.mjs");
let root: string;

const BUILD = `import fs from "node:fs";
const source = fs.readFileSync("src/x.txt", "utf8");
console.log("build noise from " + process.cwd());
if (source.includes("bad")) { console.error("ERROR: bad input"); process.exit(1); }
fs.mkdirSync("dist", { recursive: true });
fs.writeFileSync("dist/out.txt", source);
`;

function writePackage(name: string, deps: Record<string, string>) {
  const dir = path.join(root, "packages", name);
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, dependencies: deps, scripts: { build: "node build.mjs" } }),
  );
  writeFileSync(path.join(dir, "build.mjs"), BUILD);
  writeFileSync(path.join(dir, "src", "x.txt"), `${name} v1`);
}
const source = (name: string, text: string) => writeFileSync(path.join(root, "packages", name, "src", "x.txt"), text);

/** Runs the script; timings are replaced by "N s". */
function build(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(root, "scripts", "build-changed.mjs"), ...args], { encoding: "utf8" });
  const clean = (s: string) => s.replace(/\d+\.\d s\)/g, "N s)");
  return { status: run.status, stdout: clean(run.stdout), stderr: clean(run.stderr) };
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "otel-agents-build-changed-"));
  mkdirSync(path.join(root, "scripts"));
  copyFileSync(script, path.join(root, "scripts", "build-changed.mjs"));
  writeFileSync(path.join(root, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
  writePackage("a", {});
  writePackage("b", { a: "workspace:*" });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("scripts/build-changed.mjs", () => {
  it("builds everything the first time (a fresh clone has no cache), quietly", () => {
    expect(build()).toEqual({ status: 0, stdout: "build: a, b\nbuild: done (N s)\n", stderr: "" });
  });

  it("builds nothing when nothing changed", () => {
    expect(build()).toEqual({ status: 0, stdout: "build: 2 packages up to date (N s)\n", stderr: "" });
  });

  it("rebuilds a changed package alone, and a dependency's change rebuilds its dependents", () => {
    source("b", "b v2");
    expect(build()).toEqual({ status: 0, stdout: "build: b (the rest are up to date)\nbuild: done (N s)\n", stderr: "" });
    source("a", "a v2");
    expect(build()).toEqual({ status: 0, stdout: "build: a, b\nbuild: done (N s)\n", stderr: "" });
  });

  it("shows a failing build's own output, and does not build what depends on it", () => {
    source("a", "bad");
    const failed = build();
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe("build: a, b\n");
    expect(failed.stderr).toBe(
      [
        "",
        "build: a failed (pnpm run build in packages/a):",
        `build noise from ${path.join(root, "packages", "a")}`,
        "ERROR: bad input",
        "",
        "build: failed: a; not built (a dependency failed): b (N s)",
        "",
      ].join("\n"),
    );
    // Back to the sources of the last good build: the outputs still match them.
    source("a", "a v2");
    expect(build()).toEqual({ status: 0, stdout: "build: 2 packages up to date (N s)\n", stderr: "" });
  });

  it("rebuilds a package whose dist/ was deleted or rebuilt by hand, and --force rebuilds all", () => {
    rmSync(path.join(root, "packages", "b", "dist"), { recursive: true });
    expect(build("--explain")).toEqual({
      status: 0,
      stdout: "a: up to date\nb: dist/ changed or missing since the last build here\n",
      stderr: "",
    });
    expect(build()).toEqual({ status: 0, stdout: "build: b (the rest are up to date)\nbuild: done (N s)\n", stderr: "" });
    writeFileSync(path.join(root, "packages", "a", "dist", "out.txt"), "built by hand from other sources");
    expect(build()).toEqual({ status: 0, stdout: "build: a (the rest are up to date)\nbuild: done (N s)\n", stderr: "" });
    expect(build("--force")).toEqual({ status: 0, stdout: "build: a, b\nbuild: done (N s)\n", stderr: "" });
  });
});
