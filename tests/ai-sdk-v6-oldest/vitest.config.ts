import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

// The tests/ai-sdk-v6 test files (`@otel-agents/ai-sdk/v6`) again, on the oldest `ai` 6 the peer
// range claims: every `ai` / `@ai-sdk/*` import of those tests resolves from this package (ai 6.0.0,
// with @ai-sdk/provider 3.0.0, which ai 6.0.0 pins) instead of tests/ai-sdk-v6's newest 6.x.
const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.join(here, "../ai-sdk-v6");
const AI = /^(ai|@ai-sdk\/[^/]+)(\/.*)?$/;

const PINNED: Record<string, string> = { ai: "6.0.0", "@ai-sdk/provider": "3.0.0" };
const ownRequire = createRequire(path.join(here, "package.json"));
const fromAi = createRequire(ownRequire.resolve("ai/package.json"));
const version = (name: string, req: NodeJS.Require) =>
  (JSON.parse(readFileSync(req.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
for (const [name, want] of Object.entries(PINNED)) {
  if (version(name, ownRequire) !== want) throw new Error(`${name} is ${version(name, ownRequire)}, this suite needs ${want}`);
}
// The provider types the tests build results with are the ones ai itself runs on.
if (version("@ai-sdk/provider", fromAi) !== PINNED["@ai-sdk/provider"])
  throw new Error("ai 6.0.0 runs on another @ai-sdk/provider");

function oldestAi6(): Plugin {
  return {
    name: "otel-agents:oldest-ai-6",
    enforce: "pre",
    async resolveId(id, importer, options) {
      if (!AI.test(id) || !importer?.startsWith(suite) || importer.includes("/node_modules/")) return null;
      return this.resolve(id, path.join(here, "package.json"), { ...options, skipSelf: true });
    },
  };
}

export default defineProject({
  plugins: [oldestAi6()],
  test: {
    name: "ai-sdk-v6-oldest",
    dir: suite,
    include: ["test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
