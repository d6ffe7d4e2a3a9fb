import type { ArmResult } from "./measure.ts";

export interface WorkloadResult {
  name: string;
  title: string;
  seconds: number;
  counts: { ops: number; warmup: number; rounds: number; sample: number; heap: number };
  results: ArmResult[];
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits));
const kib = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 1024).toFixed(0)} KiB`);

/** Overhead of an arm over "none", on the round-median mean and on the median latency. */
function overhead(arm: ArmResult, none: ArmResult | undefined) {
  if (!none || arm.meanUs === undefined || none.meanUs === undefined) return { mean: undefined, p50: undefined };
  return { mean: arm.meanUs - none.meanUs, p50: (arm.p50Us ?? 0) - (none.p50Us ?? 0) };
}

/** A ratio of overheads; undefined when the denominator is lost in the noise (≤ 0). */
function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b <= 0) return undefined;
  return a / b;
}

export interface Ratios {
  workload: string;
  offFloor: [number | undefined, number | undefined];
  /** Against the floor whose spans are also active while their work runs (AI SDK: its execute wrappers; MCP), where one exists. */
  offFloorContext: [number | undefined, number | undefined] | undefined;
  onFloor: [number | undefined, number | undefined];
  offPeer: [number | undefined, number | undefined];
  onPeer: [number | undefined, number | undefined];
  bestPeer: string | undefined;
  noSdkVsNone: [number | undefined, number | undefined];
  noise: number | undefined;
  /** The same ratios of CPU time overheads (paired by round), one value each. */
  cpu: {
    offFloor: number | undefined;
    offFloorContext: number | undefined;
    onFloor: number | undefined;
    offPeer: number | undefined;
    onPeer: number | undefined;
    bestPeer: string | undefined;
    noSdkVsNone: number | undefined;
  };
}

export function ratiosOf(w: WorkloadResult): Ratios {
  const none = w.results.find((r) => r.kind === "none");
  const get = (kind: ArmResult["kind"]) => w.results.find((r) => r.kind === kind && r.meanUs !== undefined);
  const o = (r: ArmResult | undefined) => (r ? overhead(r, none) : { mean: undefined, p50: undefined });
  const floor = o(get("floor"));
  const floorContextArm = get("floor-context");
  const floorContext = o(floorContextArm);
  const off = o(get("ours-off"));
  const on = o(get("ours-on"));
  const nosdk = o(get("ours-nosdk"));
  const peers = w.results.filter((r) => r.kind === "peer" && r.meanUs !== undefined);
  const best = peers.map((p) => ({ p, ov: o(p) })).sort((a, b) => (a.ov.mean ?? 0) - (b.ov.mean ?? 0))[0];
  const bestP50 = peers.map((p) => o(p).p50 ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b)[0];
  const rel = (x: number | undefined, base: number | undefined) => (x === undefined || !base ? undefined : x / base);
  const cpuOf = (kind: ArmResult["kind"]) => get(kind)?.cpuOverheadUs;
  const cpuBest = peers
    .filter((p) => p.cpuOverheadUs !== undefined)
    .sort((a, b) => (a.cpuOverheadUs ?? 0) - (b.cpuOverheadUs ?? 0))[0];
  return {
    workload: w.name,
    offFloor: [ratio(off.mean, floor.mean), ratio(off.p50, floor.p50)],
    offFloorContext: floorContextArm ? [ratio(off.mean, floorContext.mean), ratio(off.p50, floorContext.p50)] : undefined,
    onFloor: [ratio(on.mean, floor.mean), ratio(on.p50, floor.p50)],
    offPeer: [ratio(off.mean, best?.ov.mean), ratio(off.p50, bestP50)],
    onPeer: [ratio(on.mean, best?.ov.mean), ratio(on.p50, bestP50)],
    bestPeer: best?.p.name,
    noSdkVsNone: [rel(nosdk.mean, none?.meanUs), rel(nosdk.p50, none?.p50Us)],
    noise: none?.roundSpreadUs,
    cpu: {
      offFloor: ratio(cpuOf("ours-off"), cpuOf("floor")),
      offFloorContext: floorContextArm ? ratio(cpuOf("ours-off"), cpuOf("floor-context")) : undefined,
      onFloor: ratio(cpuOf("ours-on"), cpuOf("floor")),
      offPeer: ratio(cpuOf("ours-off"), cpuBest?.cpuOverheadUs),
      onPeer: ratio(cpuOf("ours-on"), cpuBest?.cpuOverheadUs),
      bestPeer: cpuBest?.name,
      noSdkVsNone: rel(cpuOf("ours-nosdk"), none?.cpuUs),
    },
  };
}

export function workloadTable(w: WorkloadResult): string {
  const none = w.results.find((r) => r.kind === "none");
  const lines = [
    `### ${w.name}: ${w.title}`,
    "",
    `${w.counts.ops} timed operations per arm in ${w.counts.rounds} interleaved rounds (a new random arm order each round) after ${w.counts.warmup} warm-up operations; ` +
      `spans/bytes over ${w.counts.sample} operations; heap over ${w.counts.heap} operations; ${w.seconds.toFixed(0)} s.`,
    "",
    "| arm | version | mean µs/op | p50 µs/op | overhead (mean) µs | overhead (p50) µs | CPU µs/op | CPU overhead µs | spans/op | bytes/op | heap growth after GC | open runs after |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const r of w.results) {
    if (r.unavailable) {
      lines.push(`| ${r.name} | ${r.version ?? "–"} | not measured: ${r.unavailable} | | | | | | | | | |`);
      continue;
    }
    const ov = overhead(r, none);
    const heap =
      r.heapGrowthBytes === undefined ? "–" : `${kib(r.heapGrowthBytes)}, trend ${kib(r.heapTrendBytes)} / ${r.heapOps} ops`;
    lines.push(
      `| ${r.name} | ${r.version ?? "–"} | ${fmt(r.meanUs)} ±${fmt((r.roundSpreadUs ?? 0) / 2, 0)} | ${fmt(r.p50Us)} | ` +
        `${r.kind === "none" ? "0" : fmt(ov.mean)} | ${r.kind === "none" ? "0" : fmt(ov.p50)} | ` +
        `${fmt(r.cpuUs)} | ${r.kind === "none" ? "0" : fmt(r.cpuOverheadUs)} | ${fmt(r.spansPerOp, 0)} | ` +
        `${fmt(r.bytesPerOp, 0)} | ${heap} | ${r.openRunsAfter ?? "–"} |`,
    );
  }
  const notes = w.results.filter((r) => r.note).map((r) => `- ${r.note}`);
  if (notes.length) lines.push("", ...notes);
  return lines.join("\n");
}

const pct = (x: number | undefined) => (x === undefined ? "n/a" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`);
const r2 = (x: number | undefined) => (x === undefined ? "n/a" : x.toFixed(2));
const verdict = (x: number | undefined, limit: number) => (x === undefined ? "n/a" : x <= limit ? "met" : "missed");

export function ratioTable(all: Ratios[]): string {
  const lines = [
    "| workload | ours/floor, capture off (mean / p50) | ours/floor with its spans active as ours (AI SDK: the execute wrappers; MCP: call and tool body), capture off | ours/floor, capture on (mean / p50) | ours off / best peer (mean / p50) | ours on / best peer (mean / p50) | best peer (mean) | ours without SDK vs none (mean / p50) |",
    "|---|--:|--:|--:|--:|--:|---|--:|",
  ];
  for (const r of all) {
    lines.push(
      `| ${r.workload} | ${r2(r.offFloor[0])} / ${r2(r.offFloor[1])} (≤ 1.3: ${verdict(r.offFloor[0], 1.3)}) | ` +
        `${r.offFloorContext ? `${r2(r.offFloorContext[0])} / ${r2(r.offFloorContext[1])}` : "–"} | ` +
        `${r2(r.onFloor[0])} / ${r2(r.onFloor[1])} (≤ 2.0: ${verdict(r.onFloor[0], 2)}) | ` +
        `${r2(r.offPeer[0])} / ${r2(r.offPeer[1])} (≤ 0.5: ${verdict(r.offPeer[0], 0.5)}) | ` +
        `${r2(r.onPeer[0])} / ${r2(r.onPeer[1])} (≤ 0.5: ${verdict(r.onPeer[0], 0.5)}) | ${r.bestPeer ?? "–"} | ` +
        `${pct(r.noSdkVsNone[0])} / ${pct(r.noSdkVsNone[1])} (≤ 10%: ${verdict(r.noSdkVsNone[0] === undefined ? undefined : Math.abs(r.noSdkVsNone[0]), 0.1)}) |`,
    );
  }
  return lines.join("\n");
}

/** The targets judged on CPU time: what each arm costs this process, whatever else runs on the machine. */
export function cpuRatioTable(all: Ratios[]): string {
  const lines = [
    "| workload | ours/floor, capture off | ours/floor with its spans active as ours (AI SDK: the execute wrappers; MCP: call and tool body), capture off | ours/floor, capture on | ours off / best peer | ours on / best peer | best peer (CPU) | ours without SDK vs none |",
    "|---|--:|--:|--:|--:|--:|---|--:|",
  ];
  for (const r of all) {
    const c = r.cpu;
    lines.push(
      `| ${r.workload} | ${r2(c.offFloor)} (≤ 1.3: ${verdict(c.offFloor, 1.3)}) | ` +
        `${c.offFloorContext === undefined ? "–" : `${r2(c.offFloorContext)} (≤ 1.3: ${verdict(c.offFloorContext, 1.3)})`} | ` +
        `${r2(c.onFloor)} (≤ 2.0: ${verdict(c.onFloor, 2)}) | ` +
        `${r2(c.offPeer)} (≤ 0.5: ${verdict(c.offPeer, 0.5)}) | ${r2(c.onPeer)} (≤ 0.5: ${verdict(c.onPeer, 0.5)}) | ${c.bestPeer ?? "–"} | ` +
        `${pct(c.noSdkVsNone)} (≤ 10%: ${verdict(c.noSdkVsNone === undefined ? undefined : Math.abs(c.noSdkVsNone), 0.1)}) |`,
    );
  }
  return lines.join("\n");
}
