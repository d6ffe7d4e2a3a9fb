// pnpm hooks: what a published manifest may say.
//
// `pnpm pack` / `pnpm publish` rewrite `workspace:` ranges to versions, so a devDependency on a private
// workspace package (@otel-agents/testing) would ship as a dependency nobody can install. Consumers
// never install devDependencies, so the packed manifest drops them; a private workspace package left
// in any other dependency field stops the pack.
const { readdirSync, readFileSync } = require("node:fs");
const path = require("node:path");

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"];

function privateWorkspacePackages() {
  const names = new Set();
  for (const group of ["packages", "tests", "examples"]) {
    const dir = path.join(__dirname, group);
    let entries = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      try {
        const manifest = JSON.parse(readFileSync(path.join(dir, entry, "package.json"), "utf8"));
        if (manifest.private) names.add(manifest.name);
      } catch {
        // not a package
      }
    }
  }
  return names;
}

function beforePacking(pkg) {
  delete pkg.devDependencies;
  const privates = privateWorkspacePackages();
  for (const field of DEPENDENCY_FIELDS) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (privates.has(name)) {
        throw new Error(`${pkg.name}: ${field} names the private workspace package ${name}, which is never published`);
      }
    }
  }
  return pkg;
}

module.exports = { hooks: { beforePacking } };
