import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

// The @otel-agents/langchain suites again, on the oldest LangChain.js 1.x the adapter's peer range
// claims: every LangChain import of the adapter's sources and tests is resolved from this package
// (@langchain/core 1.0.0, @langchain/langgraph 1.0.0, langchain 1.0.1) instead of the adapter's own
// devDependencies. LangChain's own imports keep resolving inside its install, so they agree.
const here = path.dirname(fileURLToPath(import.meta.url));
const adapter = path.join(here, "../../packages/langchain");
const LANGCHAIN = /^(@langchain\/(core|langgraph)|langchain)(\/.*)?$/;
const CHECKPOINT = /^@langchain\/langgraph-checkpoint(\/.*)?$/;

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
      if (!LANGCHAIN.test(id) || !importer?.startsWith(adapter) || importer.includes("/node_modules/")) return null;
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
    // Current line only: ChatOpenAI (@langchain/openai 1.6.0 needs @langchain/core ^1.2.13); createAgent
    // trees (langchain 1.0.1 marks no agent: no `lc_agent_name`/`ls_integration`, passes no tool call
    // id, and throws "No checkpointer set" for a thread_id without checkpointer); LangGraph internals
    // that changed in 1.x minors. What these versions give instead: oldest.test.ts.
    exclude: ["openai", "agent", "aborts", "concurrency", "graph-internals"].map((f) => `packages/langchain/test/${f}.test.ts`),
    server: { deps: { inline: [/node_modules\/@langchain\/langgraph\//, /node_modules\/langchain\//] } },
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
