import { beforeAll, describe, expect, it } from "vitest";
import type { Arm } from "../src/arm.ts";
import { CountingExporter, installProcessContext } from "../src/otel.ts";
import { WORKLOADS } from "../src/workloads/index.ts";

// The bench is not run in CI; this keeps it runnable: every arm sets up, runs a few operations,
// exports the spans it should and tears down.

beforeAll(() => installProcessContext());

/** Our spans per operation (the floor copies them): checked against the adapters' own tests' trees. */
const OUR_SPANS: Record<string, number> = {
  "langchain-agent": 7, // invoke_agent > 2 × (model_request > chat), tools > execute_tool
  langgraph: 6, // invoke_workflow > 5 nodes
  "ai-sdk-generate": 4, // invoke_agent > chat, execute_tool, chat
  "ai-sdk-stream": 2, // invoke_agent > chat
  "openai-agents": 8, // workflow > Triage (chat, handoff), Specialist (chat, tool, chat)
  "mcp-tool-call": 2, // tools/call CLIENT > tools/call SERVER
};

const OPS = 3;

async function spansPerOp(arm: Arm): Promise<{ spans: number; openRuns: number | undefined }> {
  const exporter = new CountingExporter();
  const run = await arm.setup!(exporter);
  try {
    for (let i = 0; i < OPS; i++) await run.op();
    await run.flush();
    return { spans: exporter.spans / OPS, openRuns: run.openRuns?.() };
  } finally {
    await run.teardown();
  }
}

describe.each(Object.keys(WORKLOADS))("%s", (name) => {
  it("every arm runs; none and ours without an SDK export nothing, floor and ours the same spans, peers some", async () => {
    const arms = await (await WORKLOADS[name]!()).arms();
    const seen: Record<string, number> = {};
    for (const arm of arms) {
      if (arm.unavailable) {
        expect(arm.kind).toBe("peer");
        continue;
      }
      const { spans, openRuns } = await spansPerOp(arm);
      seen[arm.name] = spans;
      if (arm.kind.startsWith("ours") && arm.kind !== "ours-nosdk") expect(openRuns).toBe(0);
    }
    const expected: Record<string, number> = {};
    for (const arm of arms) {
      if (arm.unavailable) continue;
      if (arm.kind === "none" || arm.kind === "baseline" || arm.kind === "ours-nosdk") expected[arm.name] = 0;
      else if (arm.kind === "peer") expected[arm.name] = seen[arm.name]! > 0 ? seen[arm.name]! : Number.NaN;
      else expected[arm.name] = OUR_SPANS[name]!;
    }
    expect(seen).toEqual(expected);
  });
});
