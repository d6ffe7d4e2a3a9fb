import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "ai-sdk-v6",
    include: ["test/**/*.test.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
