import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "scripts",
    include: ["test/**/*.test.ts"],
    // Each case spawns pnpm for every package it builds.
    testTimeout: 60_000,
  },
});
