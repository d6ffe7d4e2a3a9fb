import { describe, expect, it } from "vitest";
import { readGenAI } from "../src/shared/read-genai.js";

describe("reading other instrumentations' spans", () => {
  it("takes no operation from a kind named like an Object.prototype member", () => {
    // The kind tables are looked up by the span's own strings.
    for (const kind of ["constructor", "__proto__", "toString"]) {
      const reading = readGenAI({ "traceloop.span.kind": kind, "llm.request.type": kind, "gen_ai.system": "openai" });
      expect(reading.operation).toBeUndefined();
      expect(readGenAI({ "openinference.span.kind": kind, "llm.model_name": "m" }).operation).toBeUndefined();
    }
    expect(readGenAI({ "traceloop.span.kind": "tool", "gen_ai.system": "openai" }).operation).toBe("execute_tool");
  });
});
