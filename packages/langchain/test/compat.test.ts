import { readFileSync } from "node:fs";
import { compatContract } from "@otel-agents/testing/contract";
import { vi } from "vitest";
import { SUPPORTED } from "../src/compat.js";
import { registerGlobalHandler } from "../src/index.js";
import { driver } from "./driver.js";
import { h, makeHandler } from "./helpers.js";

// Only the version readers are faked: the framework, the handler and the warning are real.
vi.mock("@otel-agents/core/adapter", async (original) =>
  (await import("@otel-agents/testing/fake-versions")).fakeVersionReaders(original),
);

compatContract({
  harness: h,
  adapter: "@otel-agents/langchain",
  framework: "@langchain/core",
  supported: SUPPORTED,
  peerDependencies: (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { peerDependencies: Record<string, string> }
  ).peerDependencies,
  outside: ["2.0.0", "0.3.0"],
  // Both ways to attach the handler check the versions.
  register: () => {
    makeHandler();
    registerGlobalHandler({ tracerProvider: h.tracerProvider });
  },
  traced: async () => {
    h.reset();
    await driver.run(makeHandler(), 0);
    return driver.trees(h.spans());
  },
  expected: [driver.expected(0)],
});
