// The committed API reports (api/<package>.api.md) match what the built packages export: a change
// to a published surface must come with its regenerated report, so that it shows in review.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("API reports", () => {
  it("api/*.api.md list every entry point, name and declaration the built packages export", () => {
    const run = spawnSync(process.execPath, [path.join(root, "scripts/api-report.mjs"), "--check"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
