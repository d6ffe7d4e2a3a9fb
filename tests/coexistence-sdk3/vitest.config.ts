import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineProject({
  // One copy of each framework, as in an app: the workspace links the adapters, whose own
  // devDependencies would otherwise bring second copies (LangChain's CallbackManager among them).
  resolve: { dedupe: ["@langchain/core", "@openai/agents-core", "ai"] },
  test: {
    name: "coexistence-sdk3",
    include: ["test/**/*.test.ts"],
    // A test's first import of LangChain or the Agents SDK happens inside it (after the SDK started).
    testTimeout: 30_000,
    // As an ESM app runs: `node --import ./esm-hook.mjs app.js`, the NodeSDK started before the
    // app's modules are imported (each test file starts its own and imports them after).
    execArgv: ["--import", path.join(here, "esm-hook.mjs")],
    env: {
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "",
      OTEL_SDK_DISABLED: "",
      OTEL_TRACES_EXPORTER: "none",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
    },
  },
});
