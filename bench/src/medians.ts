import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { median } from "./measure.ts";
import { cpuRatioTable, type Ratios, ratioTable } from "./report.ts";

/**
 * Medians of several `pnpm bench` runs: each ratio is the median of the runs' ratios (runs where
 * it was n/a left out). Usage: `pnpm bench:medians run1.json run2.json run3.json [-o out.md]`;
 * every run writes its numbers to results/latest.json.
 */
const { values, positionals: files } = parseArgs({ allowPositionals: true, options: { o: { type: "string" } } });
const out = values.o;
if (files.length === 0) throw new Error("usage: medians.ts run1.json run2.json ... [-o out.md]");
const runs = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as { date: string; load: number[]; ratios: Ratios[] });

const pair = (xs: [number | undefined, number | undefined][]): [number | undefined, number | undefined] => [
  median(xs.map((x) => x[0])),
  median(xs.map((x) => x[1])),
];
const mostCommon = (xs: (string | undefined)[]) =>
  [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string | undefined, number>())].sort(
    (a, b) => b[1] - a[1],
  )[0]?.[0];

const workloads = [...new Set(runs.flatMap((r) => r.ratios.map((x) => x.workload)))];
const medians: Ratios[] = workloads.map((w) => {
  const rs = runs.map((r) => r.ratios.find((x) => x.workload === w)).filter((x): x is Ratios => x !== undefined);
  const ctx = rs.map((r) => r.offFloorContext).filter((x): x is [number | undefined, number | undefined] => x !== undefined);
  return {
    workload: w,
    offFloor: pair(rs.map((r) => r.offFloor)),
    offFloorContext: ctx.length ? pair(ctx) : undefined,
    onFloor: pair(rs.map((r) => r.onFloor)),
    offPeer: pair(rs.map((r) => r.offPeer)),
    onPeer: pair(rs.map((r) => r.onPeer)),
    bestPeer: mostCommon(rs.map((r) => r.bestPeer)),
    noSdkVsNone: pair(rs.map((r) => r.noSdkVsNone)),
    noise: median(rs.map((r) => r.noise)),
    cpu: {
      offFloor: median(rs.map((r) => r.cpu.offFloor)),
      offFloorContext: median(rs.map((r) => r.cpu.offFloorContext)),
      onFloor: median(rs.map((r) => r.cpu.onFloor)),
      offPeer: median(rs.map((r) => r.cpu.offPeer)),
      onPeer: median(rs.map((r) => r.cpu.onPeer)),
      bestPeer: mostCommon(rs.map((r) => r.cpu.bestPeer)),
      noSdkVsNone: median(rs.map((r) => r.cpu.noSdkVsNone)),
    },
  };
});
const doc = [
  `# Medians of ${runs.length} \`pnpm bench\` runs`,
  "",
  "Each cell is the median over the runs of that run's ratio (runs where it was n/a left out); best peer: the one most runs found best.",
  "",
  "| run | finished (UTC) | 1-minute load, start → end |",
  "|---|---|---|",
  ...runs.map(
    (r, i) => `| ${i + 1} | ${r.date.slice(0, 16).replace("T", " ")} | ${r.load.map((l) => l.toFixed(2)).join(" → ")} |`,
  ),
  "",
  "## On CPU time",
  "",
  cpuRatioTable(medians),
  "",
  "## On wall-clock latency",
  "",
  ratioTable(medians),
  "",
].join("\n");
if (out) writeFileSync(out, doc);
process.stdout.write(doc);
