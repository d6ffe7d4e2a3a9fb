import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(packageDir, "..", "..");

/**
 * Tests of built output run what `pnpm build` made (npm test builds first). Run alone, they say
 * what is missing instead of failing somewhere inside a child process.
 */
export function requireBuilt(files: string[]): void {
  const missing = files.filter((f) => !existsSync(join(repoRoot, f)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.map((f) => relative(process.cwd(), join(repoRoot, f))).join(", ")} missing: build first ` +
        "(`pnpm run build` at the repository root; `npm test` builds before it runs the tests).",
    );
  }
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A node child process whose output the test reads as it comes. */
export function startNode(args: string[], cwd = repoRoot): Child {
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: cleanEnv() });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    for (const l of listeners) l();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // "close", not "exit": by then all output has been read.
    child.on("close", (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            resolve(m);
          } else if (done || child.exitCode !== null) {
            listeners.delete(check);
            reject(new Error(`exited (${child.exitCode}) before printing ${pattern}\nstdout: ${out}\nstderr: ${err}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}

/** No OTLP settings of the machine running the tests leak into the child. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("OTEL_")) delete env[key];
  return env;
}
