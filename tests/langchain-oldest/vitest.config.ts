import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

// The @otel-agents/langchain suites again, on the oldest LangChain.js 1.x the adapter's peer range
// claims: every LangChain import of the adapter's sources and tests is resolved from this package
// (@langchain/core 1.0.0; the oldest releases of what runs on it: @langchain/langgraph 1.0.0,
// langchain 1.0.1 (there is no 1.0.0), @langchain/openai 1.0.0) instead of the adapter's own
// devDependencies. LangChain's own imports keep resolving inside its install, so they agree.
const here = path.dirname(fileURLToPath(import.meta.url));
const ownRequire = createRequire(path.join(here, "package.json"));

const PINNED: Record<string, string> = {
  "@langchain/core": "1.0.0",
  "@langchain/langgraph": "1.0.0",
  "@langchain/langgraph-checkpoint": "1.0.0",
  "@langchain/openai": "1.0.0",
  langchain: "1.0.1",
};
for (const [name, want] of Object.entries(PINNED)) {
  const found = (JSON.parse(readFileSync(ownRequire.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  if (found !== want) throw new Error(`${name} is ${found}, this suite needs ${want}`);
}
const adapter = path.join(here, "../../packages/langchain");
const LANGCHAIN = /^(@langchain\/(core|langgraph|openai)|langchain)(\/.*)?$/;
const CHECKPOINT = /^@langchain\/langgraph-checkpoint(\/.*)?$/;

// `openai` as @langchain/openai 1.0.0 resolves it (its ^6 dependency), not the adapter's 7.x.
const openaiImporter = ownRequire.resolve("@langchain/openai/package.json");

function oldestLangChain(): Plugin {
  return {
    name: "otel-agents:oldest-langchain",
    enforce: "pre",
    async resolveId(id, importer, options) {
      // LangGraph 1.0.0 and langchain 1.0.1 ask for `@langchain/langgraph-checkpoint ^1.0.0`; pnpm
      // installs the newest (1.2.x, which needs a newer core: `@langchain/core/utils/uuid`). npm
      // would dedupe to the 1.0.0 a user pins next to core 1.0.0; so does this (both are inlined).
      if (CHECKPOINT.test(id) && importer?.includes("/node_modules/")) {
        return this.resolve(id, path.join(here, "package.json"), { ...options, skipSelf: true });
      }
      if (!importer?.startsWith(adapter) || importer.includes("/node_modules/")) return null;
      // The tests check errors with `instanceof` against the OpenAI client ChatOpenAI runs on.
      if (id === "openai") return this.resolve(id, openaiImporter, { ...options, skipSelf: true });
      if (!LANGCHAIN.test(id)) return null;
      // `fakeModel()` is newer than core 1.0.0: a port of it, built on this core.
      if (id === "@langchain/core/testing") return path.join(here, "fake-model-builder.ts");
      return this.resolve(id, path.join(here, "package.json"), { ...options, skipSelf: true });
    },
  };
}

export default defineProject({
  plugins: [oldestLangChain()],
  test: {
    name: "langchain-oldest",
    dir: path.join(here, "../.."),
    include: ["packages/langchain/test/**/*.test.ts", "tests/langchain-oldest/*.test.ts"],
    // These files assert trees these versions cannot give (README "Older versions"):
    // - agent, openai-agent: createAgent as `invoke_agent` with tool call ids and a `thread_id`.
    //   langchain 1.0.1 marks no agent (`lc_agent_name` from 1.2.21, `ls_integration` from 1.2.36,
    //   which need core >=1.1.22), core 1.0.0 hands handlers no tool call id (from 1.1.28), its model
    //   node wraps the model in a RunnableSequence with a `prompt` step, and its invoke() throws
    //   "No checkpointer set" for a `thread_id` without a checkpointer.
    // - aborts, concurrency: createAgent trees (the same reasons).
    // - graph-internals: LangGraph 1.0.0 runs ChannelWrite<...> steps, names routers Branch<...> and
    //   does not pass withConfig() metadata to the graph's run.
    // The same scenarios with the trees of these versions: oldest.test.ts and oldest-runs.test.ts.
    exclude: ["agent", "openai-agent", "aborts", "concurrency", "graph-internals"].map(
      (f) => `packages/langchain/test/${f}.test.ts`,
    ),
    server: { deps: { inline: [/node_modules\/@langchain\/langgraph\//, /node_modules\/langchain\//] } },
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
