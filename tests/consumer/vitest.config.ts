import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "consumer",
    include: ["test/**/*.test.ts"],
    // Cold, npm downloads what its cache lacks; warm, each snippet is a Node process of its own.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Two snippet processes at a time (the receiver for each runs in this process).
    maxConcurrency: 2,
  },
});
