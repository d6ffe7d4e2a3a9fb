import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

// The @otel-agents/ai-sdk test files (and its src) again, on the oldest `ai` 7 the peer range
// claims: every `ai` / `@ai-sdk/*` import of the adapter's sources and tests resolves from this
// package (ai 7.0.44 with the @ai-sdk/* releases it pins: provider 4.0.4, provider-utils 5.0.16;
// @ai-sdk/openai 4.0.25 and @ai-sdk/otel 1.0.44, which pin the same). ai's own imports keep
// resolving inside its install, so they agree.
// Why 7.0.44 and not 7.0.0: before it, the model-call end event names the requested model as the
// one that answered (this suite, run on 7.0.0, found it); the range starts where the facts are right.
// What the releases since then added is read from the `ai` under test (test/helpers.ts `aiAtLeast`).
const here = path.dirname(fileURLToPath(import.meta.url));
const adapter = path.join(here, "../../packages/ai-sdk");
const AI = /^(ai|@ai-sdk\/[^/]+)(\/.*)?$/;

const PINNED: Record<string, string> = {
  ai: "7.0.44",
  "@ai-sdk/provider": "4.0.4",
  "@ai-sdk/provider-utils": "5.0.16",
  "@ai-sdk/openai": "4.0.25",
  "@ai-sdk/otel": "1.0.44",
};
// What the tests import must be what `ai` itself runs on: read each from inside ai's install.
const fromAi = createRequire(createRequire(path.join(here, "package.json")).resolve("ai/package.json"));
const version = (name: string, req = createRequire(path.join(here, "package.json"))) =>
  (JSON.parse(readFileSync(req.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
for (const [name, want] of Object.entries(PINNED)) {
  if (version(name) !== want) throw new Error(`${name} is ${version(name)}, this suite needs ${want}`);
}
for (const name of ["@ai-sdk/provider", "@ai-sdk/provider-utils"]) {
  if (version(name, fromAi) !== PINNED[name]) throw new Error(`ai ${PINNED.ai} runs on ${name} ${version(name, fromAi)}`);
}

function oldestAi(): Plugin {
  return {
    name: "otel-agents:oldest-ai",
    enforce: "pre",
    async resolveId(id, importer, options) {
      if (!AI.test(id) || !importer?.startsWith(adapter) || importer.includes("/node_modules/")) return null;
      return this.resolve(id, path.join(here, "package.json"), { ...options, skipSelf: true });
    },
  };
}

export default defineProject({
  plugins: [oldestAi()],
  test: {
    name: "ai-sdk-oldest",
    dir: adapter,
    include: ["test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
