import { Bench } from "tinybench";
import type { Arm, ArmKind, ArmRun } from "./arm.ts";
import { CountingExporter } from "./otel.ts";

export interface Counts {
  /** Operations warmed before timing, per round. */
  warmup: number;
  /** Timed operations per arm, split over `rounds` interleaved rounds. */
  ops: number;
  rounds: number;
  /** Operations for spans and bytes per operation. */
  sample: number;
  /** Operations between the two heap snapshots (0: skip). */
  heap: number;
  /** Arm kinds that get a heap measurement. */
  heapKinds: readonly ArmKind[];
}

export interface ArmResult {
  name: string;
  kind: ArmKind;
  version?: string;
  note?: string;
  unavailable?: string;
  /** Mean and median latency per operation, µs. */
  meanUs?: number;
  p50Us?: number;
  /** Spread of the per-round means, µs (max - min). */
  roundSpreadUs?: number;
  /** Process CPU time (user + system, all threads) per operation in each round, µs. */
  cpuRoundsUs?: number[];
  /** Median over rounds of the round's CPU µs/op. */
  cpuUs?: number;
  /**
   * Median over rounds of (this arm's CPU µs/op − none's in the same round): the CPU this arm adds.
   * Paired by round, so load from other processes that moves both arms of a round cancels out.
   */
  cpuOverheadUs?: number;
  spansPerOp?: number;
  bytesPerOp?: number;
  heapGrowthBytes?: number;
  /** Least-squares slope of heap-after-GC over ten samples, times the operations: the leak trend. */
  heapTrendBytes?: number;
  heapOps?: number;
  openRunsAfter?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
}

async function repeat(run: ArmRun, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await run.op();
}

/** Spans and JSON bytes exported per operation, after a short warm-up. */
async function countSpans(arm: Arm, counts: Counts): Promise<Pick<ArmResult, "spansPerOp" | "bytesPerOp">> {
  const exporter = new CountingExporter();
  const run = await arm.setup!(exporter);
  try {
    await repeat(run, Math.min(counts.warmup, 20));
    await run.flush();
    exporter.reset();
    exporter.measureBytes = true;
    await repeat(run, counts.sample);
    await run.flush();
    return { spansPerOp: exporter.spans / counts.sample, bytesPerOp: exporter.bytes / counts.sample };
  } finally {
    await run.teardown();
  }
}

interface Round {
  mean: number;
  p50: number;
  cpu: number;
}

/**
 * One timed round of one arm with tinybench; spans are flushed (and counted) inside the arm. Besides
 * wall-clock latency, the process's CPU time over the timed operations and their flush: on a shared
 * machine, wall time also counts the time other processes hold the core, CPU time only ours.
 */
async function timeRound(arm: Arm, counts: Counts): Promise<Round> {
  const exporter = new CountingExporter();
  const run = await arm.setup!(exporter);
  try {
    const iterations = Math.max(1, Math.round(counts.ops / counts.rounds));
    await repeat(run, Math.max(1, Math.round(counts.warmup / counts.rounds)));
    await run.flush();
    const bench = new Bench({ iterations, time: 0, warmup: false, throws: true });
    bench.add(arm.name, run.op);
    const cpuBefore = process.cpuUsage();
    await bench.run();
    await run.flush();
    const cpu = process.cpuUsage(cpuBefore);
    const result = bench.tasks[0]!.result;
    if (result.state !== "completed") throw new Error(`${arm.name}: tinybench ended in state ${result.state}`);
    return { mean: result.latency.mean * 1000, p50: result.latency.p50 * 1000, cpu: (cpu.user + cpu.system) / iterations };
  } finally {
    await run.teardown();
  }
}

/**
 * Heap growth after GC over `counts.heap` operations, and the runs our adapter still holds.
 * `heapUsed` after a forced GC still moves by megabytes from one sample to the next (V8 keeps
 * different amounts of its own state), so besides end − start the heap is sampled at ten points
 * and the least-squares slope over them, times the operations, gives the trend: a leak shows as
 * a steady slope, noise does not.
 */
async function heapGrowth(
  arm: Arm,
  counts: Counts,
): Promise<Pick<ArmResult, "heapGrowthBytes" | "heapTrendBytes" | "heapOps" | "openRunsAfter">> {
  const exporter = new CountingExporter();
  const run = await arm.setup!(exporter);
  const sample = async (): Promise<number> => {
    await run.flush();
    await settle();
    return process.memoryUsage().heapUsed;
  };
  try {
    await repeat(run, Math.min(counts.warmup, 500));
    const points: [number, number][] = [[0, await sample()]];
    const checkpoints = 10;
    let done = 0;
    for (let i = 1; i <= checkpoints; i++) {
      const next = Math.round((counts.heap * i) / checkpoints);
      await repeat(run, next - done);
      done = next;
      points.push([done, await sample()]);
    }
    return {
      heapGrowthBytes: points.at(-1)![1] - points[0]![1],
      heapTrendBytes: slope(points) * counts.heap,
      heapOps: counts.heap,
      openRunsAfter: run.openRuns?.(),
    };
  } finally {
    await run.teardown();
  }
}

function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Measures every arm in this process. Timing is done in interleaved rounds, each round in a new
 * random order: drift of the machine is spread over all arms, and so is what one arm leaves to the
 * next (its garbage, and shared code the JIT optimised for the other arm's objects). With a fixed
 * order the arm after a given one always paid for it: measured with the core micro-benchmark, the
 * first arm of a fixed order read ~10% slower than the same code later in the round.
 */
export async function measureArms(arms: Arm[], counts: Counts, log: (line: string) => void): Promise<ArmResult[]> {
  const results: ArmResult[] = arms.map((a) => ({
    name: a.name,
    kind: a.kind,
    version: a.version,
    note: a.note,
    unavailable: a.unavailable,
  }));
  const runnable = arms.map((a, i) => ({ arm: a, result: results[i]! })).filter((x) => x.arm.setup && !x.arm.unavailable);

  for (const { arm, result } of runnable) {
    try {
      Object.assign(result, await countSpans(arm, counts));
      log(`  ${arm.name}: ${result.spansPerOp} spans/op, ${Math.round(result.bytesPerOp ?? 0)} B/op`);
    } catch (err) {
      result.unavailable = `failed to run: ${(err as Error).message.split("\n")[0]}`;
      log(`  ${arm.name}: ${result.unavailable}`);
    }
  }
  const timed = runnable.filter((x) => !x.result.unavailable);
  const rounds = new Map<string, Round[]>();
  for (let r = 0; r < counts.rounds; r++) {
    for (const { arm } of shuffled(timed)) {
      const t = await timeRound(arm, counts);
      rounds.set(arm.name, [...(rounds.get(arm.name) ?? []), t]);
      log(`  round ${r + 1} ${arm.name}: ${t.mean.toFixed(1)} µs/op, CPU ${t.cpu.toFixed(1)} µs/op`);
    }
  }
  for (const { arm, result } of timed) {
    const rs = rounds.get(arm.name)!;
    const means = rs.map((x) => x.mean);
    // Median of the round means: one round disturbed by a neighbour process does not move it.
    result.meanUs = median(means);
    result.p50Us = median(rs.map((x) => x.p50));
    result.roundSpreadUs = Math.max(...means) - Math.min(...means);
    result.cpuRoundsUs = rs.map((x) => x.cpu);
    result.cpuUs = median(result.cpuRoundsUs);
  }
  const none = timed.find((x) => x.arm.kind === "none")?.result.cpuRoundsUs;
  if (none) {
    for (const { result } of timed) {
      const own = result.cpuRoundsUs!;
      result.cpuOverheadUs = median(own.map((cpu, r) => cpu - none[r]!));
    }
  }
  if (counts.heap > 0) {
    for (const { arm, result } of timed) {
      if (!counts.heapKinds.includes(arm.kind)) continue;
      Object.assign(result, await heapGrowth(arm, counts));
      log(`  heap ${arm.name}: ${((result.heapGrowthBytes ?? 0) / 1024).toFixed(0)} KiB over ${counts.heap} ops`);
    }
  }
  return results;
}

/** The median of the finite values (undefined and n/a left out); undefined when there are none. */
export function median(xs: readonly (number | undefined)[]): number | undefined {
  const s = xs.filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A copy of `items` in random order (Fisher-Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
