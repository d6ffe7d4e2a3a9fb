import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkloadResult } from "./report.ts";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs one workload in a process of its own (its arms share the JIT state, the frameworks are
 * loaded once) with `run-workload.ts` options, and returns the result line it prints.
 */
export function spawnWorkload(name: string, options: readonly string[]): Promise<WorkloadResult> {
  const args = ["--expose-gc", join(here, "run-workload.ts"), name, ...options];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) reject(new Error(`${name} exited with ${code}`));
      else resolve(JSON.parse(line.slice("BENCH_RESULT ".length)) as WorkloadResult);
    });
  });
}
