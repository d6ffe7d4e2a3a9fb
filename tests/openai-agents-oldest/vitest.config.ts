import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The @otel-agents/openai-agents test files (and its src) run again with @openai/agents and
// @openai/agents-core resolved to the oldest release the adapter's peer range claims (0.17.0).
// `openai` too: the tests check errors with `instanceof` against the client the SDK uses.
const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = (name: string) => realpathSync(path.join(here, "node_modules", name));

/** The ESM entry of `name` (or of its `subpath` export), as its package.json declares it. */
function entry(name: string, subpath = "."): string {
  const dir = pkgDir(name);
  const exports = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).exports as Record<string, unknown>;
  const target = exports[subpath] as { import?: string; default?: string } | undefined;
  const file = target?.import ?? target?.default;
  if (typeof file !== "string") throw new Error(`no ESM entry for ${name} ${subpath}`);
  return path.join(dir, file);
}

const exact = (specifier: string, replacement: string) => ({
  find: new RegExp(`^${specifier.replace(/[/.]/g, "\\$&")}$`),
  replacement,
});

export default defineProject({
  resolve: {
    alias: [
      exact("@openai/agents", entry("@openai/agents")),
      exact("@openai/agents-core", entry("@openai/agents-core")),
      exact("@openai/agents-core/testing", entry("@openai/agents-core", "./testing")),
      exact("openai", entry("openai")),
    ],
  },
  test: {
    name: "openai-agents-oldest",
    dir: path.join(here, "../../packages/openai-agents"),
    include: ["test/**/*.test.ts"],
    env: {
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "",
      AGENTS_CORE_VERSION: (
        JSON.parse(readFileSync(path.join(pkgDir("@openai/agents-core"), "package.json"), "utf8")) as { version: string }
      ).version,
    },
  },
});
