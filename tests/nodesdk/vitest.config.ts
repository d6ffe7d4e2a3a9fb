import { defineProject } from "vitest/config";

export default defineProject({
  // One copy of each framework, as in an app: the workspace links the adapters, whose own
  // devDependencies would otherwise bring second copies (LangChain's CallbackManager among them).
  resolve: { dedupe: ["@langchain/core", "@openai/agents-core", "ai"] },
  test: {
    name: "nodesdk",
    include: ["test/**/*.test.ts"],
    // Exactly what a user's app has: no capture unless a test asks for it.
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "", OTEL_TRACES_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
  },
});
