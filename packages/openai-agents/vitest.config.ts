import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const here = path.dirname(fileURLToPath(import.meta.url));
// The few expectations that differ between Agents SDK releases read it (tests/openai-agents-oldest runs these files on 0.17).
const agentsCore = realpathSync(path.join(here, "node_modules/@openai/agents-core/package.json"));

export default defineProject({
  test: {
    name: "openai-agents",
    include: ["test/**/*.test.ts"],
    env: {
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "",
      AGENTS_CORE_VERSION: (JSON.parse(readFileSync(agentsCore, "utf8")) as { version: string }).version,
    },
  },
});
