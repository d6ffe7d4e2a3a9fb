import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem } from "../src/node-version.js";
import { repoRoot, requireBuilt } from "./process.js";

const CLI = "packages/viewer/dist/lib/cli.js";
const refusal = (version: string) =>
  `otel-agents-viewer needs Node.js 22.13 or newer (it stores traces with the built-in node:sqlite); this is Node.js ${version}. Install a newer Node.js (24 LTS is tested) and run it again.\n`;

/** A Node.js older than the viewer needs, from PATH or /usr/bin (the system Node 20 here), if any. */
function oldNode(): { bin: string; version: string } | undefined {
  const which = spawnSync("which", ["-a", "node"], { encoding: "utf8" });
  const candidates = new Set([...(which.stdout ?? "").split("\n").filter(Boolean), "/usr/bin/node", "/usr/local/bin/node"]);
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const version = spawnSync(bin, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout?.trim();
    if (version && nodeVersionProblem(version)) return { bin, version };
  }
  return undefined;
}

function runCli(node: string, args: string[], env: Record<string, string> = {}) {
  const { OTEL_AGENTS_VIEWER_TEST_NODE_VERSION: _, ...inherited } = process.env;
  const run = spawnSync(node, [CLI, ...args], { cwd: repoRoot, encoding: "utf8", env: { ...inherited, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("the Node.js version check", () => {
  it("accepts 22.13 and later, and names the version it needs otherwise", () => {
    expect(
      ["18.20.4", "20.20.2", "22.12.0", "22.13.0", "22.21.1", "23.0.0", "24.21.0", "26.0.0"].map((v) => [
        v,
        nodeVersionProblem(v),
      ]),
    ).toEqual([
      ["18.20.4", refusal("18.20.4").trimEnd()],
      ["20.20.2", refusal("20.20.2").trimEnd()],
      ["22.12.0", refusal("22.12.0").trimEnd()],
      ["22.13.0", undefined],
      ["22.21.1", undefined],
      ["23.0.0", undefined],
      ["24.21.0", undefined],
      ["26.0.0", undefined],
    ]);
  });

  it("runs before node:sqlite loads: the built command on an old Node.js says what it needs and exits 1, even for --help", () => {
    requireBuilt([CLI]);
    // Where no old Node.js is installed, the toolchain's Node stands in with the version override.
    const old = oldNode();
    const run = old
      ? runCli(old.bin, ["--help"])
      : runCli(process.execPath, ["--help"], { OTEL_AGENTS_VIEWER_TEST_NODE_VERSION: "20.20.2" });
    expect(run).toEqual({ status: 1, stdout: "", stderr: refusal(old?.version ?? "20.20.2") });
  });

  it("refuses under the version override on this Node.js too, and the override cannot let an old Node.js through", () => {
    requireBuilt([CLI]);
    expect(runCli(process.execPath, ["--version"], { OTEL_AGENTS_VIEWER_TEST_NODE_VERSION: "22.12.0" })).toEqual({
      status: 1,
      stdout: "",
      stderr: refusal("22.12.0"),
    });
    const old = oldNode();
    if (old) {
      expect(runCli(old.bin, ["--version"], { OTEL_AGENTS_VIEWER_TEST_NODE_VERSION: "24.0.0" })).toEqual({
        status: 1,
        stdout: "",
        stderr: refusal(old.version),
      });
    }
    const current = runCli(process.execPath, ["--version"]);
    expect(current).toEqual({ status: 0, stdout: `${current.stdout.trim()}\n`, stderr: "" });
    expect(current.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
