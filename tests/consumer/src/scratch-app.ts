// Scratch apps outside the workspace, as a user would have them: the packed tarballs and pinned
// third-party versions installed by npm. One persistent app per variant under os.tmpdir() keeps
// `npm install` a no-op when nothing changed (tarballs are named by content, so a changed package is
// a changed dependency); npm's own cache makes a changed one quick.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const scratchRoot = path.join(os.tmpdir(), "otel-agents-consumer");

/** The published packages: every package under packages/ that is not private, by directory. */
export function publishedPackages(): string[] {
  return readdirSync(path.join(repoRoot, "packages"))
    .filter((dir) => existsSync(path.join(repoRoot, "packages", dir, "package.json")))
    .filter((dir) => JSON.parse(readFileSync(path.join(repoRoot, "packages", dir, "package.json"), "utf8")).private !== true)
    .sort();
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A program that never exits is killed (SIGKILL: a starved event loop ignores SIGTERM handlers).
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const ms = performance.now() - started;
      if (signal !== null && options.timeoutMs !== undefined && ms >= options.timeoutMs) {
        stderr += `\n[killed: still running after ${options.timeoutMs} ms]`;
      }
      resolve({ code, stdout, stderr, ms });
    });
  });
}

function manifest(dir: string): { name: string; version: string; devDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
}

/** Where pnpm is: the runner that started us when it is pnpm, else the one on PATH. */
function pnpmCommand(): string {
  const execpath = process.env.npm_execpath;
  return execpath !== undefined && /pnpm/.test(path.basename(execpath)) && !/\.[cm]?js$/.test(execpath) ? execpath : "pnpm";
}

/** The npm CLI script beside the `npm` on PATH, run by this Node (npm picks versions by the Node that runs it). */
function npmCli(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "npm");
    if (!existsSync(candidate)) continue;
    const cli = path.join(path.dirname(readLinkDeep(candidate)), "npm-cli.js");
    if (existsSync(cli)) return cli;
  }
  throw new Error("npm is not on PATH (the consumer test installs the packed packages with npm)");
}

function readLinkDeep(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

export interface Tarballs {
  /** Package name → tarball path, named by content. */
  byName: Map<string, string>;
  ms: number;
}

/**
 * `pnpm pack` of every published package (workspace ranges resolved, devDependencies dropped by
 * .pnpmfile.cjs), of the dist/ as it is: like every suite here, this one tests the built packages
 * (`npm test` builds what changed first), and must not rebuild a dist other suites are reading, so
 * the packages' prepack (which would) does not run.
 */
export async function packAll(): Promise<Tarballs> {
  const started = performance.now();
  const dir = path.join(scratchRoot, "tarballs");
  const staging = path.join(dir, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const byName = new Map<string, string>();
  await Promise.all(
    publishedPackages().map(async (pkg) => {
      const cwd = path.join(repoRoot, "packages", pkg);
      const out = path.join(staging, pkg);
      mkdirSync(out);
      const result = await run(pnpmCommand(), ["pack", "--ignore-scripts", "--pack-destination", out], { cwd });
      if (result.code !== 0) throw new Error(`pnpm pack in packages/${pkg} failed:\n${result.stdout}${result.stderr}`);
      const [file] = readdirSync(out).filter((f) => f.endsWith(".tgz"));
      if (file === undefined) throw new Error(`pnpm pack in packages/${pkg} wrote no tarball`);
      const content = readFileSync(path.join(out, file));
      const hash = createHash("sha256").update(content).digest("hex").slice(0, 16);
      const target = path.join(dir, file.replace(/\.tgz$/, `-${hash}.tgz`));
      if (!existsSync(target)) renameSync(path.join(out, file), target);
      byName.set(manifest(cwd).name, target);
    }),
  );
  rmSync(staging, { recursive: true, force: true });
  return { byName, ms: performance.now() - started };
}

/** The version a workspace package's devDependencies pin (what the workspace tests against). */
export function workspacePin(pkgDir: string, name: string): string {
  const version = manifest(path.join(repoRoot, pkgDir)).devDependencies?.[name];
  if (version === undefined) throw new Error(`${pkgDir}/package.json pins no ${name}`);
  return version;
}

export interface Variant {
  name: "sdk3" | "sdk2" | "ai6";
  /** Third-party packages with the exact versions installed. */
  pins: Record<string, string>;
  /** The packed packages it installs (default: all). */
  packages?: string[];
}

/** The snippets a variant runs: `ai6-*` need `ai` 6, every other one `ai` 7 on both SDK lines. */
export function runsIn(variant: Variant["name"], snippetName: string): boolean {
  return snippetName.startsWith("ai6-") === (variant === "ai6");
}

/** The frameworks and tools: the versions the workspace tests, or newer where users get newer today. */
function common() {
  return {
    "@langchain/core": workspacePin("packages/langchain", "@langchain/core"),
    "@langchain/langgraph": workspacePin("packages/langchain", "@langchain/langgraph"),
    langchain: workspacePin("packages/langchain", "langchain"),
    // What `npm install ai` gives on 2026-12-07. The workspace stays on 7.0.173 (packages/ai-sdk
    // README, "Supported versions": @ai-sdk/mcp's types), which no snippet here imports.
    ai: "7.0.185",
    "@openai/agents": workspacePin("packages/openai-agents", "@openai/agents"),
    "@openai/agents-core": workspacePin("packages/openai-agents", "@openai/agents-core"),
    "@modelcontextprotocol/sdk": workspacePin("packages/mcp", "@modelcontextprotocol/sdk"),
    zod: workspacePin("packages/langchain", "zod"),
    typescript: manifest(repoRoot).devDependencies?.typescript ?? "6.0.3",
    "@types/node": manifest(repoRoot).devDependencies?.["@types/node"] ?? "24.19.2",
  };
}

// What `npm install @opentelemetry/sdk-node` gives today.
const SDK3 = {
  "@opentelemetry/api": "1.10.0",
  "@opentelemetry/sdk-node": "0.301.2",
  "@opentelemetry/sdk-trace": "3.1.1",
  "@opentelemetry/resources": "3.1.1",
  "@opentelemetry/core": "3.1.1",
  "@opentelemetry/context-async-hooks": "3.1.1",
  "@opentelemetry/sdk-metrics": "3.1.1",
  "@opentelemetry/exporter-trace-otlp-proto": "0.301.2",
  "@opentelemetry/exporter-metrics-otlp-proto": "0.301.2",
};

export function variants(): Variant[] {
  const { typescript, zod, "@types/node": types } = common();
  return [
    { name: "sdk3", pins: { ...common(), ...SDK3 } },
    {
      name: "sdk2",
      pins: {
        ...common(),
        "@opentelemetry/api": "1.9.1",
        "@opentelemetry/sdk-node": "0.223.0",
        "@opentelemetry/sdk-trace-base": "2.12.1",
        "@opentelemetry/resources": "2.12.1",
        "@opentelemetry/core": "2.12.1",
        "@opentelemetry/context-async-hooks": "2.12.0",
        "@opentelemetry/sdk-metrics": "2.12.1",
        "@opentelemetry/exporter-trace-otlp-proto": "0.223.1",
        "@opentelemetry/exporter-metrics-otlp-proto": "0.223.0",
      },
    },
    {
      // An app still on ai 6 (the newest 6.x, what `npm install ai@6` gives), on today's SDK.
      name: "ai6",
      pins: { ...SDK3, ai: workspacePin("tests/ai-sdk-v6", "ai"), zod, typescript, "@types/node": types },
      packages: ["@otel-agents/core", "@otel-agents/ai-sdk"],
    },
  ];
}

export interface App {
  dir: string;
  variant: Variant;
  installMs: number;
  release(): void;
}

/**
 * Takes the variant's app for this run (one run at a time per app: a lock file naming our pid; a
 * lock whose process is gone is taken over) and brings its node_modules to the current manifest.
 */
export async function prepareApp(variant: Variant, tarballs: Tarballs): Promise<App> {
  const dir = path.join(scratchRoot, variant.name);
  mkdirSync(dir, { recursive: true });
  const release = lock(dir);
  try {
    const dependencies: Record<string, string> = { ...variant.pins };
    for (const [name, file] of tarballs.byName) {
      if (!variant.packages || variant.packages.includes(name)) dependencies[name] = `file:${path.relative(dir, file)}`;
    }
    const pkg = {
      name: `otel-agents-consumer-${variant.name}`,
      private: true,
      description: "Scratch app of the otel-agents consumer test (tests/consumer); safe to delete.",
      dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
      // The adapters depend on @otel-agents/core ^x: the packed one, never the registry's.
      overrides: { "@otel-agents/core": "$@otel-agents/core" },
    };
    writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    const install = (flags: string[]) =>
      run(process.execPath, [npmCli(), "install", ...flags, "--no-audit", "--no-fund"], { cwd: dir, env: withoutNpmConfig() });
    let result = await install(["--prefer-offline"]);
    // --prefer-offline trusts cached package metadata, which predates a release a pin (or a
    // dependency's range) now needs: npm then finds no such version (ETARGET). Ask the registry.
    if (result.code !== 0 && /ETARGET|notarget/.test(`${result.stdout}${result.stderr}`)) {
      const offline = result.ms;
      result = await install(["--prefer-online"]);
      result.ms += offline;
    }
    if (result.code !== 0) throw new Error(`npm install (${variant.name}) failed:\n${result.stdout}${result.stderr}`);
    return { dir, variant, installMs: result.ms, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** pnpm and vitest export npm_config_* settings meant for the workspace; a user's npm sees none. */
export function withoutNpmConfig(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== "NODE_ENV" && !key.startsWith("OTEL_") && !key.startsWith("VITEST")) env[key] = value;
  }
  return { ...env, ...extra };
}

function lock(dir: string): () => void {
  const file = path.join(dir, ".lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(file, "utf8"));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(`${dir} is in use by another consumer test run (pid ${owner}); run one at a time`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Tarballs no app refers to any more. */
export function pruneTarballs(keep: Iterable<string>): void {
  const dir = path.join(scratchRoot, "tarballs");
  const wanted = new Set(keep);
  for (const file of readdirSync(dir)) {
    if (file.endsWith(".tgz") && !wanted.has(path.join(dir, file))) rmSync(path.join(dir, file), { force: true });
  }
}
