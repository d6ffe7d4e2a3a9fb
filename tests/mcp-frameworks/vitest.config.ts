import { defineProject } from "vitest/config";

export default defineProject({
  // One copy of each framework and MCP SDK, as in an app: the workspace links the adapters, whose
  // own devDependencies would otherwise bring second copies (the classes McpInstrumentation patches).
  resolve: {
    dedupe: [
      "@langchain/core",
      "@langchain/langgraph",
      "@openai/agents-core",
      "ai",
      "@ai-sdk/mcp",
      "@modelcontextprotocol/sdk",
      "@modelcontextprotocol/client",
    ],
  },
  test: {
    name: "mcp-frameworks",
    include: ["test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "", OTEL_TRACES_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
    // Each test starts an MCP server in a child process.
    testTimeout: 30_000,
  },
});
