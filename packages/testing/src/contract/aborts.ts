import { describe, expect, it } from "vitest";
import type { TreeNode } from "../span-tree.js";
import type { AdapterDriver } from "./driver.js";

export interface AbortCase {
  /** The tree of operation 0 aborted while its tool runs (index 0, tool result "late"). */
  expected: TreeNode[];
  /**
   * The framework rejects as soon as the signal aborts, before the tool returns: then the tool
   * outlives the run, and its late result must not reopen anything.
   */
  rejectsBeforeTool?: boolean;
}

/** An operation aborted with an AbortSignal while its tool runs: the caller gets the AbortError, every span ends. */
export function abortContract<A>(driver: AdapterDriver<A>, abort: AbortCase): void {
  describe("aborts (adapter contract)", () => {
    it("an operation aborted with an AbortSignal while its tool runs: the caller gets an AbortError, every span ends as the tree says, nothing stays open", async () => {
      driver.harness.reset();
      const adapter = driver.create();
      const controller = new AbortController();
      let release: () => void = () => {};
      const outlived = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tool = async () => {
        controller.abort();
        if (abort.rejectsBeforeTool) await outlived;
        else await new Promise((resolve) => setImmediate(resolve));
        return "late";
      };
      const error = await driver.run(adapter, 0, { signal: controller.signal, tool }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error | undefined)?.name).toBe("AbortError");
      release();
      await new Promise((resolve) => setImmediate(resolve));
      await expect.poll(() => driver.openRuns(adapter)).toBe(0);
      expect(driver.leftovers?.() ?? 0).toBe(0);
      expect(await driver.trees(driver.harness.spans())).toStrictEqual(abort.expected);
      await driver.checkMetrics?.();
    });
  });
}
