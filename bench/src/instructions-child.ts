import { CountingExporter, installContextManager } from "./otel.ts";
import { WORKLOADS } from "./workloads/index.ts";

/**
 * One arm of one workload, run `ops` times after a warm-up, for instructions.ts to count under
 * valgrind. Usage: node --predictable src/instructions-child.ts <workload> <arm index> <warmup> <ops>
 */
const [name, indexArg, warmupArg, opsArg] = process.argv.slice(2);
installContextManager();
const load = WORKLOADS[name ?? ""];
if (!load) throw new Error(`unknown workload ${name}`);
const arm = (await (await load()).arms())[Number(indexArg)];
if (!arm?.setup) throw new Error(`workload ${name} has no runnable arm ${indexArg}`);
const exporter = new CountingExporter();
const run = await arm.setup(exporter);
const warmup = Number(warmupArg);
const ops = Number(opsArg);
for (let i = 0; i < warmup; i++) await run.op();
await run.flush();
exporter.reset();
for (let i = 0; i < ops; i++) await run.op();
await run.flush();
await run.teardown();
// Read by instructions.ts: the spans the arm exported per operation.
console.log(JSON.stringify({ arm: arm.name, kind: arm.kind, spansPerOp: exporter.spans / Math.max(ops, 1) }));
