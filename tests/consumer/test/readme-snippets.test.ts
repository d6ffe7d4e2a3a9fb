// The READMEs' quick starts, run as a user runs them: the publishable packages packed, installed by
// npm into scratch apps outside the workspace (SDK 3 and SDK 2, pinned; an ai 6 app for the `ai6-*`
// snippets), type-checked by tsc --strict and run as ESM and as CommonJS, each exporting over OTLP/HTTP
// to a receiver on 127.0.0.1. A snippet that drifts from the packages breaks this suite.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { received, startReceiver } from "../src/received.js";
import {
  type App,
  packAll,
  prepareApp,
  pruneTarballs,
  type RunResult,
  repoRoot,
  run,
  runsIn,
  type Tarballs,
  type Variant,
  variants,
  withoutNpmConfig,
} from "../src/scratch-app.js";
import { asCommonJs, asSdk2, importedPackages, readReadme, type Snippet } from "../src/snippets.js";
import { EXPECTED } from "./expected.js";

const READMES = [
  "README.md",
  "packages/core/README.md",
  "packages/langchain/README.md",
  "packages/ai-sdk/README.md",
  "packages/openai-agents/README.md",
  "packages/mcp/README.md",
  "packages/viewer/README.md",
];
const docs = READMES.map((readme) => ({ readme, ...readReadme(repoRoot, readme) }));
const snippets = docs.flatMap((doc) => doc.snippets);
const timings: string[] = [];
const suiteStarted = performance.now();

let tarballs: Promise<Tarballs>;
/** Each variant's app, installed and compiled, both at once (npm waits on the network, tsc on a core). */
const prepared = new Map<string, Promise<Prepared>>();
beforeAll(() => {
  tarballs = packAll();
  for (const variant of variants()) {
    const promise = tarballs.then((packed) => prepare(variant, packed));
    // An unhandled rejection here would be reported twice; each variant's suite awaits its own.
    promise.catch(() => {});
    prepared.set(variant.name, promise);
  }
});

afterAll(async () => {
  const packed = await tarballs.catch(() => undefined);
  if (packed) {
    pruneTarballs(packed.byName.values());
    timings.unshift(`pack ${ms(packed.ms)}`);
  }
  console.log(`consumer test: ${ms(performance.now() - suiteStarted)} in all (${timings.join(", ")})`);
});

function ms(value: number): string {
  return `${(value / 1000).toFixed(1)} s`;
}

function where(snippet: Snippet): string {
  return `${snippet.readme}:${snippet.line} (${snippet.name})`;
}

describe("README sources", () => {
  it("every snippet has its expected trace here, and every expectation a snippet", () => {
    expect(snippets.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(new Set(snippets.map((s) => s.name)).size).toBe(snippets.length);
  });

  it("each adapter's quick start ends the runs still open before it shuts the SDK down", () => {
    // tsc --strict and the runs below check that endOpenRuns() exists on the packed Instrumentation.
    const problems: string[] = [];
    for (const name of ["langchain-quickstart", "ai-sdk-quickstart", "openai-agents-quickstart"]) {
      const code = snippets.find((s) => s.name === name)?.code ?? "";
      const ends = code.indexOf("\ninstrumentation.endOpenRuns();");
      if (!code.includes("instrumentations: [instrumentation]")) problems.push(`${name}: no instrumentations: [instrumentation]`);
      if (ends === -1) problems.push(`${name}: no instrumentation.endOpenRuns()`);
      else if (code.indexOf("\nawait sdk.shutdown();", ends) === -1)
        problems.push(`${name}: no await sdk.shutdown() after endOpenRuns()`);
    }
    expect(problems).toEqual([]);
  });

  it("each README's install lines name every package its snippets import", () => {
    const problems: string[] = [];
    for (const doc of docs) {
      if (doc.snippets.length === 0) continue;
      for (const variant of variants().map((v) => v.name)) {
        const own = doc.snippets.filter((snippet) => runsIn(variant, snippet.name));
        if (own.length === 0) continue;
        const line = doc.installs.find((install) => install.variant === variant);
        if (line === undefined) {
          problems.push(`${doc.readme}: no <!-- install: ${variant} --> line`);
          continue;
        }
        for (const snippet of own) {
          const code = variant === "sdk2" ? asSdk2(snippet.code, where(snippet)) : snippet.code;
          for (const pkg of importedPackages(code)) {
            if (!line.packages.includes(pkg))
              problems.push(`${doc.readme}:${line.line} (${variant}) lacks ${pkg}, imported by ${snippet.name}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("packed packages", () => {
  it("ship LICENSE, README and dist, say where they come from, and name no private or dev dependency", async () => {
    const packed = await tarballs;
    const problems: string[] = [];
    for (const [name, file] of packed.byName) {
      const listing = await run("tar", ["-tzf", file], { cwd: repoRoot });
      const files = listing.stdout.split("\n");
      for (const required of ["package/LICENSE", "package/README.md", "package/package.json"]) {
        if (!files.includes(required)) problems.push(`${name}: no ${required.slice("package/".length)}`);
      }
      if (!files.some((f) => f.startsWith("package/dist/") && f.endsWith(".js")))
        problems.push(`${name}: no built code in dist/`);
      const manifest = JSON.parse((await run("tar", ["-xzOf", file, "package/package.json"], { cwd: repoRoot })).stdout);
      if (manifest.devDependencies !== undefined) problems.push(`${name}: devDependencies in the packed manifest`);
      const dependencies = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
      for (const dep of Object.keys(dependencies)) {
        if (!packed.byName.has(dep) && dep.startsWith("@otel-agents/")) problems.push(`${name}: depends on unpublished ${dep}`);
        if (String(dependencies[dep]).startsWith("workspace:")) problems.push(`${name}: ${dep} left as ${dependencies[dep]}`);
      }
      if (manifest.license !== "Apache-2.0") problems.push(`${name}: license ${manifest.license}`);
      if (!manifest.repository?.url || !manifest.repository?.directory) problems.push(`${name}: no repository url and directory`);
      if (!manifest.homepage || !manifest.bugs?.url) problems.push(`${name}: no homepage or bugs`);
    }
    expect(problems).toEqual([]);
  });
});

const formats = (snippet: Snippet) => (EXPECTED[snippet.name]?.commonJs === false ? ["esm"] : ["esm", "cjs"]);

interface Prepared {
  app: App;
  runDir: string;
  compiled: RunResult;
}

async function prepare(variant: Variant, packed: Tarballs): Promise<Prepared> {
  const app = await prepareApp(variant, packed);
  try {
    timings.push(`${variant.name} npm install ${ms(app.installMs)}`);
    // Each run writes its programs beside the app's node_modules, in a directory of its own.
    const runDir = path.join(app.dir, `run-${process.pid}`);
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(path.join(runDir, "src"), { recursive: true });
    for (const snippet of snippets.filter((s) => runsIn(variant.name, s.name))) {
      const code = variant.name === "sdk2" ? asSdk2(snippet.code, where(snippet)) : snippet.code;
      writeFileSync(path.join(runDir, "src", `${snippet.name}.mts`), code);
      if (formats(snippet).includes("cjs")) writeFileSync(path.join(runDir, "src", `${snippet.name}.cts`), asCommonJs(code));
    }
    writeFileSync(
      path.join(runDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "es2023",
          module: "nodenext",
          moduleResolution: "nodenext",
          types: ["node"],
          rootDir: "src",
          outDir: "out",
          noEmitOnError: true,
          // Our own declarations are checked by attw and publint (npm run check:packages); the
          // frameworks' are large, and checking them here took most of a minute.
          skipLibCheck: true,
        },
        include: ["src"],
      }),
    );
    const compiled = await run(process.execPath, [path.join(app.dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: runDir,
      env: withoutNpmConfig(),
    });
    timings.push(`${variant.name} tsc ${ms(compiled.ms)}`);
    return { app, runDir, compiled };
  } catch (error) {
    app.release();
    throw error;
  }
}

for (const variant of variants()) {
  describe(`${variant.name}: npm-installed tarballs`, () => {
    let app: App | undefined;
    let runDir = "";
    let compiled: RunResult | undefined;

    beforeAll(async () => {
      ({ app, runDir, compiled } = await (prepared.get(variant.name) as Promise<Prepared>));
    }, 600_000);

    afterAll(() => {
      if (runDir !== "") rmSync(runDir, { recursive: true, force: true });
      app?.release();
    });

    it("tsc --strict type-checks every snippet, as ESM and as CommonJS", () => {
      expect(compiled?.stdout ?? "", "tsc output").toBe("");
      expect(compiled?.code).toBe(0);
    });

    for (const snippet of snippets.filter((s) => runsIn(variant.name, s.name))) {
      for (const format of formats(snippet)) {
        it.concurrent(`${snippet.name} (${format}) exports its trace over OTLP: ${snippet.readme}:${snippet.line}`, async () => {
          const expected = EXPECTED[snippet.name];
          const program = path.join(runDir, "out", `${snippet.name}.${format === "esm" ? "mjs" : "cjs"}`);
          const viewer = await startReceiver();
          try {
            const result = await run(process.execPath, [program], {
              cwd: runDir,
              env: withoutNpmConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: viewer.otlpUrl }),
              timeoutMs: 30_000,
            });
            const got = received(viewer);
            if (expected === undefined) {
              // What to write into expected.ts, once checked by eye.
              throw new Error(
                `no expectation for ${where(snippet)}; it exited ${result.code}, printed ${JSON.stringify(result.stdout)} (stderr ${JSON.stringify(result.stderr)}) and exported:\n${got.tree}`,
              );
            }
            expect(result.stderr, `stderr of ${where(snippet)}`).toBe(expected.stderr ?? "");
            expect(result.code, `exit code of ${where(snippet)}`).toBe(0);
            expect(result.stdout).toBe(expected.stdout);
            expect(got.tree).toBe(expected.tree);
            expect(got.orphans).toEqual([]);
            expect(got.violations).toEqual([]);
          } finally {
            await viewer.close();
          }
        });
      }
    }
  });
}
