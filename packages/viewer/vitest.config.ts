import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "viewer",
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // The browser test's setup builds the page and starts Chromium; on a busy two-core machine that took over 30 s.
    hookTimeout: 60_000,
  },
});
