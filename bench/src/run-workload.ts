import { parseArgs } from "node:util";
import type { ArmKind } from "./arm.ts";
import { type Counts, measureArms } from "./measure.ts";
import { installProcessContext } from "./otel.ts";
import { WORKLOADS } from "./workloads/index.ts";

// One workload, every arm, in this process. Prints one JSON line (prefixed) for the orchestrator.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ops: { type: "string", default: "10000" },
    warmup: { type: "string", default: "1000" },
    rounds: { type: "string", default: "2" },
    sample: { type: "string", default: "50" },
    heap: { type: "string", default: "0" },
    "heap-kinds": { type: "string", default: "none,floor,ours-off,ours-on" },
  },
});
const name = positionals[0] ?? "";
const load = WORKLOADS[name];
if (!load) throw new Error(`unknown workload ${name}; one of ${Object.keys(WORKLOADS).join(", ")}`);

// Agents SDK tracing is off under NODE_ENV=test; the arms turn it on explicitly where they need it.
installProcessContext();
const workload = await load();
const counts: Counts = {
  ops: Number(values.ops),
  warmup: Number(values.warmup),
  rounds: Number(values.rounds),
  sample: Number(values.sample),
  heap: Number(values.heap),
  heapKinds: values["heap-kinds"]!.split(",") as ArmKind[],
};
const started = performance.now();
process.stderr.write(`${workload.name}: ${workload.title}\n`);
const results = await measureArms(await workload.arms(), counts, (line) => process.stderr.write(`${line}\n`));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `BENCH_RESULT ${JSON.stringify({ name: workload.name, title: workload.title, counts, seconds, results })}\n`,
);
