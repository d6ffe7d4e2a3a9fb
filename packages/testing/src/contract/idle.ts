import { trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import type { TreeNode } from "../span-tree.js";
import type { AdapterDriver } from "./driver.js";

export interface IdleCase {
  /**
   * The tree of operation 0 when the tool body unregisters the provider: the spans that started
   * end, what would start afterwards is not recorded. Without it, that case is not part of this
   * adapter's contract (yet).
   */
  providerGone?: TreeNode[];
}

/**
 * An adapter on the global providers while none is registered records nothing and changes nothing;
 * it records the next operation once one is, and a run that started while recording gets all its
 * events after the provider goes away.
 */
export function idleContract<A>(driver: AdapterDriver<A>, idle: IdleCase = {}): void {
  describe("idle (adapter contract)", () => {
    afterEach(() => trace.disable());

    it("no SDK registered: the same answer, no spans, nothing tracked", async () => {
      driver.harness.reset();
      const adapter = driver.createGlobal();
      if (driver.listening) expect(driver.listening(adapter)).toBe(false);
      expect(await driver.run(adapter, 0)).toBe("done 0");
      expect(driver.openRuns(adapter)).toBe(0);
      expect(driver.leftovers?.() ?? 0).toBe(0);
      expect(driver.harness.spans()).toEqual([]);
    });

    it("records the next operation in full once a provider is registered", async () => {
      driver.harness.reset();
      const adapter = driver.createGlobal();
      await driver.run(adapter, 1);
      trace.setGlobalTracerProvider(driver.harness.tracerProvider);
      if (driver.listening) expect(driver.listening(adapter)).toBe(true);
      expect(await driver.run(adapter, 0)).toBe("done 0");
      expect(driver.openRuns(adapter)).toBe(0);
      expect(await driver.trees(driver.harness.spans())).toStrictEqual([driver.expected(0)]);
      await driver.checkMetrics?.();
    });

    const providerGone = idle.providerGone;
    if (providerGone)
      it("an operation that started while recording gets all its events after the provider goes away", async () => {
        driver.harness.reset();
        const adapter = driver.createGlobal();
        trace.setGlobalTracerProvider(driver.harness.tracerProvider);
        const tool = async () => {
          trace.disable();
          return "echo 0";
        };
        expect(await driver.run(adapter, 0, { tool })).toBe("done 0");
        expect(driver.openRuns(adapter)).toBe(0);
        expect(driver.leftovers?.() ?? 0).toBe(0);
        if (driver.listening) expect(driver.listening(adapter)).toBe(false);
        expect(await driver.trees(driver.harness.spans())).toStrictEqual(providerGone);
        await driver.checkMetrics?.();
      });
  });
}
