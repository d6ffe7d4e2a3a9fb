// `npm run example -- <name>`: builds the packages that changed and runs examples/<name> (offline).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const name = process.argv[2];
const available = readdirSync(new URL("../examples/", import.meta.url));
if (!name || !existsSync(new URL(`../examples/${name}/package.json`, import.meta.url))) {
  console.error(`usage: npm run example -- <name>\nexamples: ${available.join(", ")}`);
  process.exit(1);
}
const run = (args) => spawnSync("pnpm", args, { stdio: "inherit" }).status ?? 1;
const built = spawnSync(process.execPath, [fileURLToPath(new URL("./build-changed.mjs", import.meta.url))], {
  stdio: "inherit",
}).status;
if (built !== 0) process.exit(built);
process.exit(run(["--silent", "--filter", `./examples/${name}`, "run", "start"]));
