import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "openai-agents",
    include: ["test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
