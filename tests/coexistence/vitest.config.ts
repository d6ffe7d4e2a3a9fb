import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineProject({
  test: {
    name: "coexistence",
    include: ["test/**/*.test.ts"],
    // The ESM loader hook is in place before anything loads (as `node --import` does for an app),
    // and the instrumentations are registered before a test file imports `openai`.
    execArgv: ["--import", path.join(here, "esm-hook.mjs")],
    setupFiles: ["test/instrumentations.ts"],
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "" },
  },
});
