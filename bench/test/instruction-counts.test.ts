import { describe, expect, it } from "vitest";
import {
  type ArmCount,
  instructionRatios,
  instructionRows,
  instructionTable,
  parseInstructionTotal,
  perOp,
} from "../src/instruction-counts.ts";

const arm = (name: string, kind: string, a: number, b: number): ArmCount => ({
  name,
  kind,
  instructions: [a, b],
  ops: [100, 300],
  spansPerOp: kind === "none" ? 0 : 4,
});

describe("instruction counts", () => {
  it("reads cachegrind's total", () => {
    expect(parseInstructionTotal("==12== \n==12== I   refs:      8,582,562,036\n")).toBe(8_582_562_036);
    expect(parseInstructionTotal("no summary")).toBeUndefined();
  });

  it("takes the per-operation count from the difference of the two runs, so start-up cancels out", () => {
    expect(perOp(arm("x", "floor", 1_000_000, 1_400_000))).toBe(2_000);
  });

  it("measures each arm over the baseline when there is one, and gives ours over floors and peers", () => {
    const rows = instructionRows([
      arm("none", "none", 1_000_000, 1_200_000), // 1,000 / op
      arm("tracing on", "baseline", 1_000_000, 1_400_000), // 2,000 / op
      arm("floor", "floor", 1_000_000, 1_600_000), // +1,000
      arm("ours", "ours-off", 1_000_000, 1_800_000), // +2,000
      arm("ours on", "ours-on", 1_000_000, 2_000_000), // +3,000
      arm("peer", "peer", 1_000_000, 2_200_000), // +4,000
    ]);
    expect(rows.map((r) => r.overhead)).toEqual([undefined, undefined, 1_000, 2_000, 3_000, 4_000]);
    expect(instructionRatios(rows)).toEqual([
      { ours: "ours", against: "floor", ratio: 2 },
      { ours: "ours", against: "peer", ratio: 0.5 },
      { ours: "ours on", against: "floor", ratio: 3 },
    ]);
    expect(instructionTable("w", [arm("none", "none", 1_000_000, 1_200_000), arm("floor", "floor", 1_000_000, 1_600_000)])).toBe(
      [
        "### w",
        "",
        "| arm | k instructions / op | added over reference | spans / op |",
        "|---|--:|--:|--:|",
        "| none | 1.0 | reference | 0.0 |",
        "| floor | 3.0 | 2.0 | 4.0 |",
      ].join("\n"),
    );
  });
});
