import { readFileSync } from "node:fs";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkVersions, detectVersions, SUPPORTED } from "../src/compat.js";

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  const collect = (m: string) => warnings.push(m);
  diag.setLogger({ warn: collect, error: collect, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
});
afterEach(() => diag.disable());

describe("version check", () => {
  it("reads the installed @modelcontextprotocol/sdk, which is in range: no warning", () => {
    expect(detectVersions().packages).toEqual({
      "@modelcontextprotocol/sdk": "1.32.2",
      "@modelcontextprotocol/client": "2.4.0",
      "@modelcontextprotocol/server": "2.4.0",
      "@ai-sdk/mcp": "2.0.99",
    });
    checkVersions();
    expect(warnings).toEqual([]);
  });

  it("an untested @modelcontextprotocol/sdk gives exactly one warning naming the tested range", () => {
    checkVersions({ packages: { "@modelcontextprotocol/sdk": "2.0.1" }, api: undefined });
    checkVersions({ packages: { "@modelcontextprotocol/sdk": "2.0.1" }, api: undefined });
    expect(warnings).toEqual([
      "@otel-agents/mcp: @modelcontextprotocol/sdk version 2.0.1 is outside the tested range >=1.32.0 <2.0.0; spans may be missing or incomplete.",
    ]);
  });

  it("the tested ranges are the peerDependencies of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    expect(Object.keys(SUPPORTED).sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
    expect(pkg.peerDependencies["@modelcontextprotocol/sdk"]).toBe(SUPPORTED["@modelcontextprotocol/sdk"]);
    expect(pkg.peerDependencies["@opentelemetry/api"]).toBe("^1.9.0");
    expect(SUPPORTED["@opentelemetry/api"]).toBe(">=1.9.0 <2.0.0");
  });
});
