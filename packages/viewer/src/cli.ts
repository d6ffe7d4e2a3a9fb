#!/usr/bin/env node
// The `otel-agents-viewer` entry: checks the Node.js version first, then loads the CLI, whose
// imports reach node:sqlite. Nothing here may import the CLI statically.
import { nodeVersionProblem } from "./node-version.js";

// OTEL_AGENTS_VIEWER_TEST_NODE_VERSION stands in for process.versions.node, so the refusal can be
// tested where no old Node.js binary is installed (test/node-version.test.ts). It can only make the
// check fail, never let an old Node.js through.
const version = process.env.OTEL_AGENTS_VIEWER_TEST_NODE_VERSION || process.versions.node;
const problem = nodeVersionProblem(version) ?? nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 1;
} else {
  // Called, not only imported: the package is sideEffects: false, so a bare import would be dropped.
  const { runCli } = await import("./cli-main.js");
  runCli();
}
