/**
 * Instructions per operation from two valgrind counts of the same arm (a short and a long run of
 * one process each, same warm-up): the difference divided by the extra operations, so start-up,
 * module loading and warm-up cancel out. Under `node --predictable` (no concurrent compiler or GC
 * threads) a count repeats to within ~0.1%, where CPU time on a shared machine moves by ±15%.
 */
export interface ArmCount {
  name: string;
  kind: string;
  /** Instructions of the whole process at `ops[0]` and `ops[1]` timed operations. */
  instructions: [number, number];
  ops: [number, number];
  spansPerOp: number;
}

export function perOp(count: ArmCount): number {
  const [a, b] = count.instructions;
  const [n1, n2] = count.ops;
  return (b - a) / (n2 - n1);
}

/** The instruction total cachegrind prints (`I refs: 1,234,567`), or undefined. */
export function parseInstructionTotal(valgrindOutput: string): number | undefined {
  const m = valgrindOutput.match(/I\s+refs:\s+([\d,]+)/);
  return m ? Number(m[1]!.replace(/,/g, "")) : undefined;
}

export interface InstructionRow {
  name: string;
  kind: string;
  perOp: number;
  /** Over the arm every traced arm pays first: `baseline` where the workload has one, else `none`. */
  overhead: number | undefined;
  spansPerOp: number;
}

export function instructionRows(counts: readonly ArmCount[]): InstructionRow[] {
  const reference = counts.find((c) => c.kind === "baseline") ?? counts.find((c) => c.kind === "none");
  const base = reference ? perOp(reference) : undefined;
  return counts.map((c) => {
    const own = perOp(c);
    const overhead = base === undefined || c === reference || c.kind === "none" ? undefined : own - base;
    return { name: c.name, kind: c.kind, perOp: own, overhead, spansPerOp: c.spansPerOp };
  });
}

/**
 * Ours over the floors and the peers, by added instructions: capture off against every floor and
 * peer, capture on against the floor (the targets of issue 18 are set that way).
 */
export function instructionRatios(rows: readonly InstructionRow[]): { ours: string; against: string; ratio: number }[] {
  const out: { ours: string; against: string; ratio: number }[] = [];
  for (const ours of rows) {
    if ((ours.kind !== "ours-off" && ours.kind !== "ours-on") || ours.overhead === undefined) continue;
    for (const r of rows) {
      if (r.overhead === undefined || r.overhead <= 0) continue;
      const floor = r.kind === "floor" || r.kind === "floor-context";
      if (floor || (r.kind === "peer" && ours.kind === "ours-off")) {
        out.push({ ours: ours.name, against: r.name, ratio: ours.overhead / r.overhead });
      }
    }
  }
  return out;
}

const k = (n: number) => (n / 1000).toFixed(1);

export function instructionTable(workload: string, counts: readonly ArmCount[]): string {
  const rows = instructionRows(counts);
  const lines = [
    `### ${workload}`,
    "",
    "| arm | k instructions / op | added over reference | spans / op |",
    "|---|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${k(r.perOp)} | ${r.overhead === undefined ? "reference" : k(r.overhead)} | ${r.spansPerOp.toFixed(1)} |`,
    ),
  ];
  const ratios = instructionRatios(rows);
  if (ratios.length > 0) {
    lines.push("", "Added instructions, ours over:", "");
    for (const r of ratios) lines.push(`- ${r.ours} / ${r.against}: ${r.ratio.toFixed(2)}`);
  }
  return lines.join("\n");
}
