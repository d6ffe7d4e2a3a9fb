import { readFileSync } from "node:fs";
import { Agent, run } from "@openai/agents";
import { assistantMessage, ScriptedModel } from "@openai/agents-core/testing";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { shape } from "@otel-agents/testing/span-tree";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detectVersions, SUPPORTED } from "../src/compat.js";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { usage } from "./fixtures.js";
import { agentsCoreVersion, checkedTrees, h, install } from "./setup.js";

// Only the version readers are faked: the framework, the processor and the warning are real.
const fake = vi.hoisted(() => ({ framework: undefined as string | undefined, api: undefined as string | undefined }));
vi.mock("@otel-agents/core/adapter", async (importOriginal) => {
  const core = await importOriginal<typeof import("@otel-agents/core/adapter")>();
  return {
    ...core,
    installedVersion: (name: string, from: string) => fake.framework ?? core.installedVersion(name, from),
    registeredApiVersion: () => fake.api ?? core.registeredApiVersion(),
  };
});

let warnings: string[] = [];
beforeEach(() => {
  h.reset();
  warnings = [];
  fake.framework = undefined;
  fake.api = undefined;
  const collect = (m: string) => warnings.push(m);
  diag.setLogger({ warn: collect, error: collect, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
});
afterEach(() => {
  diag.disable();
  vi.restoreAllMocks();
});

describe("version check on construction", () => {
  it("reads the @openai/agents-core it is attached to, although its package.json is not exported", () => {
    // Node's resolution from the adapter (tests/openai-agents-oldest aliases the import to 0.17 for vitest only).
    const found = detectVersions().framework;
    expect(found === agentsCoreVersion || found === installedPin).toBe(true);
  });

  it("an unsupported @openai/agents-core gives exactly one warning naming the tested range, and tracing goes on", async () => {
    fake.framework = "1.2.0";
    install();
    new OpenTelemetryTracingProcessor({ tracerProvider: h.tracerProvider });
    expect(warnings).toEqual([
      "@otel-agents/openai-agents: @openai/agents-core version 1.2.0 is outside the tested range >=0.17.0 <1.0.0; spans may be missing or incomplete.",
    ]);
    const model = new ScriptedModel([{ usage: usage(3, 1), output: [assistantMessage("ok")] }]);
    await run(new Agent({ name: "Greeter", model }), "hi");
    expect(shape(await checkedTrees())).toEqual([{ "invoke_agent Greeter [INTERNAL]": ["chat [CLIENT]"] }]);
  });

  it("an unsupported @opentelemetry/api gives one warning too", () => {
    fake.api = "2.1.0";
    install();
    install();
    expect(warnings).toEqual([
      "@otel-agents/openai-agents: @opentelemetry/api version 2.1.0 is outside the tested range >=1.9.0 <2.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("the installed versions are in range: no warning at all", () => {
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    install();
    expect(warnings).toEqual([]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it("the tested ranges are the peerDependencies of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    expect(Object.keys(SUPPORTED).sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
    for (const [name, range] of Object.entries(SUPPORTED)) expect(caretToRange(pkg.peerDependencies[name])).toBe(range);
  });
});

const installedPin = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    devDependencies: Record<string, string>;
  }
).devDependencies["@openai/agents-core"];

/** `^1.9.0` -> `>=1.9.0 <2.0.0`; an explicit range stays as it is. */
function caretToRange(range: string | undefined): string | undefined {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range ?? "");
  return m ? `>=${m[1]}.${m[2]}.${m[3]} <${Number(m[1]) + 1}.0.0` : range;
}
