import { readFileSync } from "node:fs";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { shape } from "@otel-agents/testing/span-tree";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SUPPORTED } from "../src/compat.js";
import { registerGlobalHandler } from "../src/index.js";
import { h, makeHandler, tree } from "./helpers.js";

// Only the version readers are faked: the framework, the handler and the warning are real.
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

describe("version check on registration", () => {
  it("an unsupported @langchain/core gives exactly one warning naming the tested range, and tracing goes on", async () => {
    fake.framework = "2.0.0";
    const handler = makeHandler();
    makeHandler();
    registerGlobalHandler({ tracerProvider: h.tracerProvider });
    expect(warnings).toEqual([
      "@otel-agents/langchain: @langchain/core version 2.0.0 is outside the tested range >=1.0.0 <2.0.0; spans may be missing or incomplete.",
    ]);
    await new FakeListChatModel({ responses: ["ok"] }).invoke("hi", { callbacks: [handler] });
    expect(shape(tree())).toEqual(["chat [CLIENT]"]);
  });

  it("an unsupported @opentelemetry/api gives one warning too", () => {
    fake.api = "2.1.0";
    makeHandler();
    makeHandler();
    expect(warnings).toEqual([
      "@otel-agents/langchain: @opentelemetry/api version 2.1.0 is outside the tested range >=1.9.0 <2.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("warns on the console when no diag logger is set", () => {
    diag.disable();
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    fake.framework = "0.3.0";
    makeHandler();
    makeHandler();
    expect(consoleWarn.mock.calls.map((c) => c[0])).toEqual([
      "[otel-agents] @otel-agents/langchain: @langchain/core version 0.3.0 is outside the tested range >=1.0.0 <2.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("the installed versions are in range: no warning at all", () => {
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    makeHandler();
    registerGlobalHandler({ tracerProvider: h.tracerProvider });
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

/** `^1.9.0` -> `>=1.9.0 <2.0.0`; an explicit range stays as it is. */
function caretToRange(range: string | undefined): string | undefined {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range ?? "");
  return m ? `>=${m[1]}.${m[2]}.${m[3]} <${Number(m[1]) + 1}.0.0` : range;
}
