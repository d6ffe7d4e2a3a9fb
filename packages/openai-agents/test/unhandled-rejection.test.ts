import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const app = fileURLToPath(new URL("./apps/unawaited-streamed-run.mjs", import.meta.url));

/** Runs the app in its own process (with or without our Instrumentation) and returns what it printed. */
async function runApp(instrument: boolean): Promise<{ unhandled: string[]; hooked: boolean }> {
  const { stdout } = await promisify(execFile)(process.execPath, [app], {
    env: { ...process.env, INSTRUMENT: instrument ? "1" : "0" },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

describe("a streamed run the app never awaits", () => {
  it("still reports its rejection to the app once, as without instrumentation", async () => {
    const [without, withUs] = await Promise.all([runApp(false), runApp(true)]);
    expect(without).toEqual({ unhandled: ["session store is down"], hooked: false });
    expect(withUs).toEqual({ unhandled: ["session store is down"], hooked: true });
  });
});
