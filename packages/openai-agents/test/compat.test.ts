import { readFileSync } from "node:fs";
import { compatContract } from "@otel-agents/testing/contract";
import { describe, expect, it, vi } from "vitest";
import { detectVersions, SUPPORTED } from "../src/compat.js";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { driver } from "./driver.js";
import { agentsCoreVersion, h, install } from "./setup.js";

// Only the version readers are faked: the framework, the processor and the warning are real.
vi.mock("@otel-agents/core/adapter", async (original) =>
  (await import("@otel-agents/testing/fake-versions")).fakeVersionReaders(original),
);

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

compatContract({
  harness: h,
  adapter: "@otel-agents/openai-agents",
  framework: "@openai/agents-core",
  supported: SUPPORTED,
  peerDependencies: pkg.peerDependencies,
  outside: ["1.2.0", "0.3.0"],
  // Installed as the Agents SDK's processor, or only constructed: both check the versions.
  register: () => {
    install();
    new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider });
  },
  traced: async () => {
    h.reset();
    await driver.run(install(), 0);
    return driver.trees(h.spans());
  },
  expected: [driver.expected(0)],
});

describe("version check on construction, OpenAI Agents only", () => {
  it("reads the @openai/agents-core it is attached to, although its package.json is not exported", () => {
    // Node's resolution from the adapter (tests/openai-agents-oldest aliases the import to 0.17 for vitest only).
    const found = detectVersions().framework;
    expect(found === agentsCoreVersion || found === pkg.devDependencies["@openai/agents-core"]).toBe(true);
  });
});
