// Runs the core, adapter and end-to-end suites again under the other Node.js lines we support (22
// and 26; the main run, on 24, has everything). Each line's binary is the npm registry's
// node-<os>-<cpu> package, installed by npm into tools/node-matrix/<line> on first use (locked, no
// install scripts). Prints one closing line per line.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lines = process.argv.slice(2).length ? process.argv.slice(2) : ["22", "26"];
// What depends on the Node line: async context, fetch, timers, streams. The SDK 3 and
// oldest-framework suites run on 24 only (the OpenTelemetry SDK and framework pairing is their point).
const PROJECTS = ["core", "langchain", "ai-sdk", "openai-agents", "e2e"];
let failed = false;

for (const line of lines) {
  const dir = path.join(root, "tools", "node-matrix", `node${line}`);
  // npm installs the one platform package (node-<os>-<cpu>) that fits this machine.
  const bin = path.join(dir, "node_modules", `node-${process.platform}-${process.arch}`, "bin");
  if (!existsSync(path.join(bin, "node"))) {
    const npm = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      stdio: "inherit",
    });
    if (npm.status !== 0) {
      console.error(`node ${line}: could not install the pinned node package`);
      failed = true;
      continue;
    }
  }
  const report = path.join(root, "node_modules", ".cache", `vitest-node${line}.json`);
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
  const run = spawnSync(
    path.join(bin, "node"),
    [
      path.join(root, "node_modules", "vitest", "vitest.mjs"),
      "run",
      ...PROJECTS.flatMap((p) => ["--project", p]),
      "--reporter=dot",
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    { cwd: root, env, stdio: "inherit" },
  );
  const version = spawnSync(path.join(bin, "node"), ["-v"], { encoding: "utf8" }).stdout.trim();
  if (!existsSync(report)) {
    console.error(`node ${version}: vitest wrote no report`);
    failed = true;
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  console.log(`(Node.js ${version})`);
  console.log(`node${line}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (run.status !== 0 || r.numFailedTests > 0 || r.numTotalTests === 0) failed = true;
}
process.exit(failed ? 1 : 0);
