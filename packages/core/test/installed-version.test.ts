import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diag } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { installedVersion, registeredApiVersion } from "../src/compat/installed-version.js";

afterEach(() => diag.disable());

/** A node_modules tree with one package whose exports hide its package.json, and one that lists it. */
function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), "otel-agents-version-"));
  const hidden = join(root, "node_modules", "hidden-pkg");
  mkdirSync(join(hidden, "dist"), { recursive: true });
  writeFileSync(
    join(hidden, "package.json"),
    JSON.stringify({ name: "hidden-pkg", version: "0.20.1", exports: { ".": { require: "./dist/index.js" } } }),
  );
  writeFileSync(join(hidden, "dist", "index.js"), "module.exports = {};");
  // A nested package.json without the name (as some builds ship in dist/) must be skipped.
  writeFileSync(join(hidden, "dist", "package.json"), JSON.stringify({ type: "commonjs" }));
  const open = join(root, "node_modules", "open-pkg");
  mkdirSync(open, { recursive: true });
  writeFileSync(
    join(open, "package.json"),
    JSON.stringify({ name: "open-pkg", version: "1.4.0", exports: { ".": "./index.js", "./package.json": "./package.json" } }),
  );
  writeFileSync(join(open, "index.js"), "module.exports = {};");
  return join(root, "app.js");
}

describe("installedVersion", () => {
  it("reads an exported package.json, finds a hidden one from the entry point, and is undefined for a missing package", () => {
    const from = fixture();
    expect(installedVersion("open-pkg", from)).toBe("1.4.0");
    expect(installedVersion("hidden-pkg", from)).toBe("0.20.1");
    expect(installedVersion("no-such-pkg", from)).toBeUndefined();
    expect(installedVersion("open-pkg", "file:///nowhere/app.js")).toBeUndefined();
  });

  it("reports the API version once something registered the globals", () => {
    diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
    expect(registeredApiVersion()).toMatch(/^1\.\d+\.\d+$/);
  });
});
