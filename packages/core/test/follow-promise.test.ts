import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import { followPromise } from "../src/adapter/follow-promise.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());

/** A promise subclass with a method of its own, as SDKs return (OpenAI's `APIPromise`). */
class RichPromise<T> extends Promise<T> {
  withResponse() {
    return "response";
  }
}

describe("followPromise", () => {
  it("hands back a plain promise's outcome after its watcher, as a new promise", async () => {
    const seen: string[] = [];
    const original = Promise.resolve("ok");
    const followed = followPromise(original, (v) => seen.push(`watched ${v}`), undefined);
    expect(followed).not.toBe(original);
    expect(await followed.then((v) => seen.push(`caller ${v}`))).toBe(2);
    expect(seen).toEqual(["watched ok", "caller ok"]);
  });

  it("passes the same error on after its watcher, and a watcher's throw changes nothing", async () => {
    const boom = new Error("boom");
    const errors: unknown[] = [];
    const followed = followPromise(
      Promise.reject(boom),
      () => undefined,
      (err) => {
        errors.push(err);
        throw new Error("watcher bug");
      },
    );
    await expect(followed).rejects.toBe(boom);
    expect(errors).toEqual([boom]);
    const value = followPromise(
      Promise.resolve(1),
      () => {
        throw new Error("watcher bug");
      },
      undefined,
    );
    expect(await value).toBe(1);
  });

  it("returns other thenables and plain values as they are", async () => {
    const rich = new RichPromise<string>((resolve) => resolve("rich"));
    const seen: unknown[] = [];
    const back = followPromise(rich, (v) => seen.push(v), undefined);
    expect(back).toBe(rich);
    expect(back.withResponse()).toBe("response");
    expect(await back).toBe("rich");
    expect(followPromise(42, (v) => seen.push(v), undefined)).toBe(42);
    expect(seen).toEqual(["rich", 42]);
  });
});

describe("GenAITelemetry.run with a promise", () => {
  it("ends the span before the caller sees the rejection, which is the function's own", async () => {
    const t = new GenAITelemetry({ name: "follow-test" }, { tracerProvider: h.tracerProvider });
    const failure = new TypeError("lookup failed");
    const spansAtCatch = await t
      .run({ operation: "execute_tool", tool: { name: "lookup" } }, async () => {
        throw failure;
      })
      .then(
        () => "resolved",
        (err: unknown) => (err === failure ? h.spans().map((s) => [s.name, s.status.code, s.attributes["error.type"]]) : err),
      );
    expect(spansAtCatch).toEqual([["execute_tool lookup", 2, "TypeError"]]);
  });

  it("still lets Node report a rejection the app never handles (child process)", async () => {
    const app = fileURLToPath(new URL("./apps/unawaited-run.mjs", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [app]);
    expect(JSON.parse(stdout.trim())).toEqual({
      unhandled: ["lookup failed"],
      spans: [{ name: "execute_tool lookup", status: 2 }],
    });
  });
});
