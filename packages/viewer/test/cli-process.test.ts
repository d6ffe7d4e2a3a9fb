import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { assertConformance } from "@otel-agents/core/conformance";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TraceDetail, TraceSummary } from "../src/shared/model.js";
import { type Child, packageDir, requireBuilt, startNode } from "./process.js";
import { agentTurn, providerWith } from "./support.js";

const CLI = "packages/viewer/dist/lib/cli.js";
const version = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;

let dir: string;
const children: Child[] = [];
beforeAll(() => {
  requireBuilt([CLI, "packages/viewer/dist/page/index.html"]);
  dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-cli-"));
});
// Viewers started by a test's own child process, if a test failed before they exited.
const strays: number[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill("SIGKILL");
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): Child {
  const c = startNode([CLI, ...args]);
  children.push(c);
  return c;
}

/** Starts the CLI and reads the URLs it bound from its banner. */
async function serve(...args: string[]) {
  const c = cli("--otlp-port", "0", "--port", "0", ...args);
  const [, page, otlp] = await c.waitFor(/page: +(http:\/\/\S+)\n +OTLP: +(http:\/\/\S+)/);
  return { child: c, page: page!, otlp: otlp! };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Exactly one line on stderr, the CLI's own, and no stack trace. */
function oneLine(stderr: string): string {
  expect(stderr.endsWith("\n")).toBe(true);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return stderr.trimEnd();
}

describe("the built otel-agents-viewer command", () => {
  it("documents every flag in --help, and prints its version", async () => {
    const help = cli("--help");
    expect(await help.exited).toEqual({ code: 0, signal: null });
    const flags = [...help.stdout().matchAll(/^ +(?:(-\w), )?(--[\w-]+)/gm)].flatMap((m) => m.slice(1).filter(Boolean));
    expect(flags).toEqual([
      "--otlp-port",
      "--port",
      "--host",
      "--db",
      "--max-traces",
      "--quiet-period",
      "--import",
      "--prices",
      "-h",
      "--help",
      "-v",
      "--version",
    ]);
    expect(help.stdout()).toContain("Usage: npx @otel-agents/viewer [options]");
    const v = cli("--version");
    expect(await v.exited).toEqual({ code: 0, signal: null });
    expect(v.stdout()).toBe(`${version}\n`);
  });

  it("serves on the ports it printed, stops cleanly on Ctrl-C, and finds the trace again after a restart", async () => {
    const db = join(dir, "traces.sqlite");
    const first = await serve("--db", db);
    expect(first.child.stdout()).toContain(`db:    ${db}  (0 traces, keeps 1000)`);

    // An app exporting OTLP/JSON, as with OTEL_EXPORTER_OTLP_PROTOCOL=http/json.
    const app = providerWith(new OTLPTraceExporter({ url: `${first.otlp}/v1/traces` }));
    await agentTurn(app.provider, { conversationId: "conv-cli" });
    const sent = app.memory.getFinishedSpans();
    assertConformance(sent);
    await app.provider.shutdown();
    const traceId = sent[0]!.spanContext().traceId;
    const before = await getJson<TraceDetail>(`${first.page}/api/traces/${traceId}`);
    expect(before.spans).toHaveLength(sent.length);

    // A second viewer on the same ports is told which one runs there.
    const second = cli("--otlp-port", new URL(first.otlp).port, "--port", new URL(first.page).port, "--db", ":memory:");
    expect((await second.exited).code).toBe(1);
    expect(oneLine(second.stderr())).toBe(
      `otel-agents-viewer: a viewer is already running: page ${first.page}, OTLP ${first.otlp}. Use that one, or start another with --port and --otlp-port.`,
    );

    first.child.process.kill("SIGINT");
    expect(await first.child.exited).toEqual({ code: 0, signal: null });
    expect(first.child.stderr()).toBe("");

    const again = await serve("--db", db);
    expect(again.child.stdout()).toContain(`db:    ${db}  (1 trace, keeps 1000)`);
    const after = await getJson<TraceDetail>(`${again.page}/api/traces/${traceId}`);
    // Every span, attribute and derived fact as before the restart.
    expect(after).toEqual(before);
    const { traces } = await getJson<{ traces: TraceSummary[] }>(`${again.page}/api/traces?conversation=conv-cli`);
    expect(traces.map((t) => t.traceId)).toEqual([traceId]);
    again.child.process.kill("SIGTERM");
    expect(await again.child.exited).toEqual({ code: 0, signal: null });
  });

  it("shuts down when npx, which started it, exits without passing SIGTERM on", async () => {
    // As npx does: runs the command with stdio inherited, and on SIGTERM exits without passing it on.
    const npxLike = join(dir, "npx-like.mjs");
    writeFileSync(
      npxLike,
      [
        'import { spawn } from "node:child_process";',
        'const child = spawn(process.execPath, process.argv.slice(2), { stdio: "inherit", env: { ...process.env, npm_command: "exec" } });',
        'process.stdout.write("viewer-pid " + child.pid + "\\n");',
      ].join("\n"),
    );
    const c = startNode([npxLike, CLI, "--otlp-port", "0", "--port", "0", "--db", join(dir, "npx.sqlite")]);
    children.push(c);
    const [, pid] = await c.waitFor(/viewer-pid (\d+)/);
    strays.push(Number(pid));
    const [, page] = await c.waitFor(/page: +(http:\/\/\S+)/);
    expect((await fetch(`${page}/api/info`)).status).toBe(200);
    c.process.kill("SIGTERM");
    // The viewer writes to the same pipes: they close, and this resolves, only once it has exited too.
    expect(await c.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(c.stderr()).toBe("otel-agents-viewer: npx, which started it, has exited; shutting down.\n");
    await expect(fetch(`${page}/api/info`)).rejects.toThrow();
  });

  it("refuses a database of another program in one line, and leaves it as it was", async () => {
    const file = join(dir, "crm.sqlite");
    const other = new DatabaseSync(file);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');");
    other.close();
    const hash = createHash("sha256").update(readFileSync(file)).digest("hex");
    const c = cli("--db", file, "--otlp-port", "0", "--port", "0");
    expect(await c.exited).toEqual({ code: 1, signal: null });
    expect(oneLine(c.stderr())).toBe(
      `otel-agents-viewer: ${file} is a SQLite database of another program (tables: customers). Pass another --db; the viewer never writes into a database it did not create.`,
    );
    expect(c.stdout()).toBe("");
    expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(hash);
  });

  it("refuses a file that is no database in one line", async () => {
    const file = join(dir, "notes.sqlite");
    writeFileSync(file, "meeting notes, not a database\n".repeat(100));
    const c = cli("--db", file, "--otlp-port", "0", "--port", "0");
    expect(await c.exited).toEqual({ code: 1, signal: null });
    expect(oneLine(c.stderr())).toBe(
      `otel-agents-viewer: ${file} cannot be opened as a SQLite database (file is not a database). Pass another --db, or delete the file to start afresh.`,
    );
  });

  it("explains a bad flag in one line", async () => {
    const c = cli("--max-traces", "lots");
    expect(await c.exited).toEqual({ code: 1, signal: null });
    expect(oneLine(c.stderr())).toBe('otel-agents-viewer: --max-traces must be a positive whole number, got "lots".');
  });
});
