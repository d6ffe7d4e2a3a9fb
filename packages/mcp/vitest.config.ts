import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "mcp",
    include: ["test/**/*.test.ts"],
    // Content capture must come from each test's options, never from the developer's shell.
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
    // Each test starts a server in a child process (stdio) or on 127.0.0.1 (HTTP).
    testTimeout: 30_000,
  },
});
