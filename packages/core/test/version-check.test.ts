import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkFrameworkVersion, satisfies, warnOnce } from "../src/compat/version-check.js";

afterEach(() => {
  diag.disable();
  vi.restoreAllMocks();
});

describe("framework version check", () => {
  it.each([
    ["1.4.0", ">=1.0.0 <2.0.0", true],
    ["1.0.0", ">=1.0.0 <2.0.0", true],
    ["2.0.0", ">=1.0.0 <2.0.0", false],
    ["0.9.9", ">=1.0.0 <2.0.0", false],
    ["7.0.173", ">=7.0.0 <8.0.0", true],
    ["1.4.0-rc.1", ">=1.0.0", true],
    ["garbage", ">=1.0.0", false],
  ])("%s in %s: %s", (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it("warns once through diag when a logger is set, naming the range", () => {
    const warnings: string[] = [];
    diag.setLogger({ warn: (m: string) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const check = { adapter: "@otel-agents/x", framework: "fw", version: "9.0.0", supported: ">=1.0.0 <2.0.0" };
    expect(checkFrameworkVersion(check)).toBe(false);
    expect(checkFrameworkVersion(check)).toBe(false);
    expect(warnings).toEqual([
      "@otel-agents/x: fw version 9.0.0 is outside the tested range >=1.0.0 <2.0.0; spans may be missing or incomplete.",
    ]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it("falls back to the console when no diag logger is registered, and stays quiet in range", () => {
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(checkFrameworkVersion({ adapter: "a", framework: "fw", version: undefined, supported: ">=1.0.0" })).toBe(false);
    expect(checkFrameworkVersion({ adapter: "a", framework: "fw", version: "1.2.3", supported: ">=1.0.0" })).toBe(true);
    expect(consoleWarn).toHaveBeenCalledTimes(1);
    expect(String(consoleWarn.mock.calls[0]?.[0])).toContain("fw an unknown version is outside the tested range >=1.0.0");
  });
});

describe("warnOnce", () => {
  it("logs a message once per key, on the console when no diag logger is set", () => {
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    warnOnce("k1", "first");
    warnOnce("k1", "again");
    warnOnce("k2", "second");
    expect(consoleWarn.mock.calls.map((c) => c[0])).toEqual(["[otel-agents] first", "[otel-agents] second"]);
  });
});
