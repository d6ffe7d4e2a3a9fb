import { defineConfig } from "vitest/config";

// One run over every package that has a vitest.config.ts (each is a project).
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "tests/*/vitest.config.ts", "bench/vitest.config.ts"],
  },
});
