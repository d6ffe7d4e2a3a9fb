import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Harness } from "../harness.js";
import type { TreeNode } from "../span-tree.js";
import { caretToRange, fakeVersions } from "./versions.js";

export interface CompatCase {
  harness: Harness;
  /** The published name, as the warnings spell it. */
  adapter: string;
  framework: string;
  /** The tested ranges the adapter exports (its `SUPPORTED`). */
  supported: Readonly<Record<string, string>>;
  /** The framework range the warning names (default `supported[framework]`). */
  frameworkRange?: string;
  /** The adapter's package.json `peerDependencies`. */
  peerDependencies: Readonly<Record<string, string>>;
  /** The tested range a peer range stands for, where not the caret rule (`^1.9.0` is `>=1.9.0 <2.0.0`). */
  rangeOf?(name: string, peer: string): string | undefined;
  /** Two framework versions outside the tested range. */
  outside: readonly [string, string];
  /** Registers the adapter as its users do, so that it checks the versions (the framework's once it sees it). */
  register(): unknown;
  /** Runs one operation through the adapter `register()` made and resolves with the trees exported. */
  traced(): Promise<TreeNode[]>;
  /** What `traced()` exports. */
  expected: TreeNode[];
}

/**
 * Versions outside the tested ranges: one warning per version naming the range (through `diag`, or
 * the console without a diag logger), and tracing goes on; none for the installed versions; the
 * tested ranges are the package's `peerDependencies`.
 */
export function compatContract(c: CompatCase): { warnings(): readonly string[] } {
  const frameworkRange = c.frameworkRange ?? c.supported[c.framework];
  const apiRange = c.supported["@opentelemetry/api"];
  const message = (name: string, version: string, range: string | undefined) =>
    `${c.adapter}: ${name} version ${version} is outside the tested range ${range}; spans may be missing or incomplete.`;

  let warnings: string[] = [];
  beforeEach(() => {
    c.harness.reset();
    warnings = [];
    fakeVersions.framework = undefined;
    fakeVersions.api = undefined;
    const collect = (m: string) => warnings.push(m);
    diag.setLogger({ warn: collect, error: collect, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  });
  afterEach(() => {
    fakeVersions.framework = undefined;
    fakeVersions.api = undefined;
    diag.disable();
    vi.restoreAllMocks();
  });

  describe("version check (adapter contract)", () => {
    it(`an unsupported ${c.framework} gives exactly one warning naming the tested range, and tracing goes on`, async () => {
      fakeVersions.framework = c.outside[0];
      await c.register();
      await c.register();
      expect(warnings).toEqual([message(c.framework, c.outside[0], frameworkRange)]);
      expect(await c.traced()).toStrictEqual(c.expected);
    });

    it("an unsupported @opentelemetry/api gives one warning too", async () => {
      fakeVersions.api = "2.1.0";
      await c.register();
      await c.register();
      expect(warnings).toEqual([message("@opentelemetry/api", "2.1.0", apiRange)]);
    });

    it("warns on the console when no diag logger is set", async () => {
      diag.disable();
      const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
      fakeVersions.framework = c.outside[1];
      await c.register();
      await c.register();
      expect(consoleWarn.mock.calls.map((call) => call[0])).toEqual([
        `[otel-agents] ${message(c.framework, c.outside[1], frameworkRange)}`,
      ]);
    });

    it("the installed versions are in range: no warning at all", async () => {
      const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
      await c.register();
      expect(warnings).toEqual([]);
      expect(consoleWarn).not.toHaveBeenCalled();
    });

    it("the tested ranges are the peerDependencies of package.json", () => {
      expect(Object.keys(c.supported).sort()).toEqual(Object.keys(c.peerDependencies).sort());
      for (const [name, range] of Object.entries(c.supported)) {
        const peer = c.peerDependencies[name] ?? "";
        expect(c.rangeOf?.(name, peer) ?? caretToRange(peer)).toBe(range);
      }
    });
  });
  // What diag got in the current test, for the adapter's own version tests.
  return { warnings: () => warnings };
}
