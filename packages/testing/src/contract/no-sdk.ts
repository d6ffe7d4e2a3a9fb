import { diag, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { captureDiag } from "../diag.js";
import type { AdapterDriver } from "./driver.js";

/**
 * An app that registers the adapter but starts no SDK is told so once, through diag, with the fix,
 * at its first run (not at registration: an SDK started later is the normal order). The warning is
 * once per process: call this from a test file of its own, so that no earlier test has said it.
 */
export function noSdkWarningContract<A>(driver: AdapterDriver<A>, expected: string): void {
  describe("no SDK registered: one warning (adapter contract)", () => {
    afterEach(() => {
      diag.disable();
      trace.disable();
    });

    it("says once, through diag, that runs are not recorded and how to fix it; the answers unchanged", async () => {
      const said = captureDiag();
      driver.harness.reset();
      const adapter = driver.createGlobal();
      expect(said).toEqual([]);
      expect(await driver.run(adapter, 0)).toBe("done 0");
      expect(await driver.run(adapter, 1)).toBe("done 1");
      expect(said).toEqual([`warn: ${expected}`]);
      expect(driver.harness.spans()).toEqual([]);
    });
  });
}
