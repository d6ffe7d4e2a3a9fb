// `npm run example -- <name>`: builds the packages and runs examples/<name> (offline).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const name = process.argv[2];
const available = readdirSync(new URL("../examples/", import.meta.url));
if (!name || !existsSync(new URL(`../examples/${name}/package.json`, import.meta.url))) {
  console.error(`usage: npm run example -- <name>\nexamples: ${available.join(", ")}`);
  process.exit(1);
}
const run = (args) => spawnSync("pnpm", args, { stdio: "inherit" }).status ?? 1;
const built = run(["run", "build"]);
if (built !== 0) process.exit(built);
process.exit(run(["--filter", `./examples/${name}`, "run", "start"]));
