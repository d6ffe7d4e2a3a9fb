import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CompactTrace, expandTrace } from "../src/shared/compact.js";
import type { TraceDetail, ViewerSpan } from "../src/shared/model.js";
import { ViewerError } from "../src/store/errors.js";
import { TraceStore } from "../src/store/store.js";
import { agentTurn, providerWith, testViewer } from "./support.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function span(traceNo: number, name: string, extra: Partial<ViewerSpan> = {}): ViewerSpan {
  return {
    traceId: traceNo.toString(16).padStart(32, "0"),
    spanId: traceNo.toString(16).padStart(16, "0"),
    parentSpanId: null,
    name,
    kind: 1,
    startTimeUnixNano: `${1_700_000_000_000_000_000n + BigInt(traceNo) * 1_000_000n}`,
    endTimeUnixNano: `${1_700_000_000_000_000_000n + BigInt(traceNo) * 1_000_000n + 500_000n}`,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0 },
    resource: { "service.name": "svc" },
    scope: { name: "test" },
    ...extra,
  };
}

describe("SQLite storage", () => {
  it("keeps traces across a restart of the viewer on the same file", async () => {
    const db = join(dir, "nested", "traces.sqlite");
    let viewer = await testViewer({ db });
    const { provider } = providerWith(new OTLPTraceExporter({ url: `${viewer.otlpUrl}/v1/traces` }));
    await agentTurn(provider, { conversationId: "c-restart" });
    await provider.shutdown();
    const before = viewer.store.listTraces();
    const detail = viewer.store.trace(before[0]!.traceId);
    await viewer.close();

    viewer = await testViewer({ db });
    try {
      expect(viewer.store.listTraces()).toEqual(before);
      expect(viewer.store.trace(before[0]!.traceId)).toEqual(detail);
      expect(before.map((t) => [t.rootName, t.spanCount, t.conversationIds])).toEqual([
        ["invoke_agent Weather", 4, ["c-restart"]],
      ]);
    } finally {
      await viewer.close();
    }
  });

  it("evicts the traces that arrived first beyond --max-traces, with their spans and filter values", () => {
    const store = new TraceStore({ path: join(dir, "t.sqlite"), maxTraces: 3 });
    for (let i = 1; i <= 5; i++) store.ingest([span(i, `root ${i}`, { attributes: { "gen_ai.agent.name": `agent-${i}` } })]);
    // A late span of a kept trace does not make it younger: it keeps its arrival place.
    store.ingest([span(3, "late child", { spanId: "ff".repeat(8), parentSpanId: (3).toString(16).padStart(16, "0") })]);
    store.ingest([span(6, "root 6")]);
    expect(store.listTraces().map((t) => [t.rootName, t.spanCount])).toEqual([
      ["root 6", 1],
      ["root 5", 1],
      ["root 4", 1],
    ]);
    expect(store.traceCount()).toBe(3);
    expect(store.spans((3).toString(16).padStart(32, "0"))).toEqual([]);
    expect(store.filterValues().agents).toEqual(["agent-4", "agent-5"]);
    store.close();
  });

  it("serves a trace's JSON as trace() reads it, kept only until the trace changes here or in another connection, or goes quiet", () => {
    let nowMs = 1_700_000_000_000;
    const path = join(dir, "t.sqlite");
    const store = new TraceStore({ path, maxTraces: 2, quietPeriodMs: 1000, now: () => nowMs });
    const id = (1).toString(16).padStart(32, "0");
    const served = () => {
      const detail = JSON.parse(store.traceJson(id)!) as TraceDetail;
      // The page's compact form stands for the same trace.
      expect(expandTrace(JSON.parse(store.traceJson(id, true)!) as CompactTrace)).toEqual(detail);
      return detail;
    };
    // A child whose parent (the root) has not arrived yet.
    store.ingest([span(1, "child", { spanId: "aa".repeat(8), parentSpanId: (1).toString(16).padStart(16, "0") })]);
    expect(served()).toEqual(store.trace(id));
    expect(served()?.summary.neverEnded).toBeUndefined();
    // The quiet period passes with the parent still missing: the same stored row now serves "never ended".
    nowMs += 2000;
    expect(served()).toEqual(store.trace(id));
    expect(served()?.summary.neverEnded).toBe(1);
    store.ingest([span(1, "root")]);
    expect(served()).toEqual(store.trace(id));
    expect(served()?.spans.map((s) => s.name)).toEqual(["root", "child"]);
    // Another connection to the same file (a second store) adds a span.
    const other = new TraceStore({ path, maxTraces: 2, now: () => nowMs });
    other.ingest([
      span(1, "grandchild", {
        spanId: "bb".repeat(8),
        parentSpanId: "aa".repeat(8),
        resource: { "service.name": "downstream" },
        scope: { name: "other", version: "2" },
      }),
    ]);
    other.close();
    expect(served()?.spans.map((s) => [s.name, s.service, s.scope.name])).toEqual([
      ["root", "svc", "test"],
      ["child", "svc", "test"],
      ["grandchild", "downstream", "other"],
    ]);
    expect(served()).toEqual(store.trace(id));
    store.ingest([span(2, "two")]);
    store.ingest([span(3, "three")]);
    expect(store.traceJson(id)).toBeUndefined();
    store.close();
  });

  it("refuses a file that is no SQLite database with a message naming it, not a crash", () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "these are my notes, not a database ".repeat(100));
    expect(() => new TraceStore({ path: file, maxTraces: 10 })).toThrow(
      new ViewerError(
        `${file} cannot be opened as a SQLite database (file is not a database). Pass another --db, or delete the file to start afresh.`,
      ),
    );
  });

  it("refuses a SQLite database of another program and leaves it untouched", () => {
    const file = join(dir, "other.db");
    const other = new DatabaseSync(file);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');");
    other.close();
    const before = readFileSync(file);
    expect(() => new TraceStore({ path: file, maxTraces: 10 })).toThrow(
      new ViewerError(
        `${file} is a SQLite database of another program (tables: customers). Pass another --db; the viewer never writes into a database it did not create.`,
      ),
    );
    // Byte for byte: not even the journal mode was switched to WAL.
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = new DatabaseSync(file);
    expect(again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: "customers" }]);
    again.close();
  });

  it("upgrades a version-1 database (metric requests kept whole) to the current version, keeping its traces", () => {
    const file = join(dir, "v1.sqlite");
    const store = new TraceStore({ path: file, maxTraces: 10 });
    store.ingest([span(1, "invoke_agent Triage")]);
    store.close();
    // What version 1 left: a `metrics` table of whole requests, no metric points, spans WITHOUT ROWID.
    const v1 = new DatabaseSync(file);
    v1.exec(`
      DROP TABLE metric_points; DROP TABLE metric_streams;
      CREATE TABLE metrics (id INTEGER PRIMARY KEY, received_us INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE spans_old (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, start_us INTEGER NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)) WITHOUT ROWID;
      INSERT INTO spans_old SELECT trace_id, span_id, start_us, data FROM spans; DROP TABLE spans; ALTER TABLE spans_old RENAME TO spans;
    `);
    v1.prepare("UPDATE meta SET value = 'otel-agents-viewer/1' WHERE key = 'schema'").run();
    v1.close();
    const upgraded = new TraceStore({ path: file, maxTraces: 10 });
    expect(upgraded.listTraces().map((t) => t.rootName)).toEqual(["invoke_agent Triage"]);
    expect(upgraded.spans(upgraded.listTraces()[0]!.traceId).map((s) => s.name)).toEqual(["invoke_agent Triage"]);
    expect(upgraded.metricsOverview().points).toBe(0);
    upgraded.close();
    const check = new DatabaseSync(file);
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: "otel-agents-viewer/4" });
    expect(
      (check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    ).toEqual(["meta", "metric_points", "metric_streams", "spans", "trace_facets", "traces"]);
    check.close();
  });

  it("upgrades a version-2 database (no stored analysis) and analyses its spans once, keeping its traces", () => {
    const file = join(dir, "v2.sqlite");
    const store = new TraceStore({ path: file, maxTraces: 10 });
    const legacy = span(1, "chat gpt-4o", {
      attributes: { "gen_ai.operation.name": "chat", "gen_ai.usage.total_tokens": 12, "gen_ai.request.model": "gpt-4o" },
    });
    store.ingest([legacy]);
    const before = store.trace(legacy.traceId)!;
    store.close();
    const v2 = new DatabaseSync(file);
    v2.exec(
      "ALTER TABLE spans DROP COLUMN analysis; ALTER TABLE spans DROP COLUMN cost; ALTER TABLE metric_points DROP COLUMN provider;",
    );
    v2.prepare("UPDATE meta SET value = 'otel-agents-viewer/2' WHERE key = 'schema'").run();
    v2.close();
    const upgraded = new TraceStore({ path: file, maxTraces: 10 });
    expect(upgraded.trace(legacy.traceId)).toEqual(before);
    expect(before.spans[0]!.violations).toContain(
      "gen_ai.usage.total_tokens is a legacy key: the current name is gen_ai.usage.input_tokens + gen_ai.usage.output_tokens",
    );
    // A span arriving later joins the trace's stored analysis.
    upgraded.ingest([span(1, "execute_tool lookup", { spanId: "00000000000000aa", parentSpanId: legacy.spanId })]);
    expect(upgraded.listTraces()[0]).toMatchObject({ spanCount: 2, conformanceProblems: before.summary.conformanceProblems });
    upgraded.close();
    const check = new DatabaseSync(file);
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: "otel-agents-viewer/4" });
    expect(check.prepare("SELECT COUNT(*) AS n FROM spans WHERE analysis IS NULL").get()).toEqual({ n: 0 });
    check.close();
  });

  it("filters the list by service, agent, model, conversation, status and free text", () => {
    const store = new TraceStore({ path: ":memory:", maxTraces: 100 });
    store.ingest([
      span(1, "invoke_agent Triage", { attributes: { "gen_ai.agent.name": "Triage", "gen_ai.conversation.id": "c1" } }),
      span(2, "chat gpt-4o", { attributes: { "gen_ai.request.model": "gpt-4o" }, resource: { "service.name": "billing" } }),
      span(3, "execute_tool refund_100%", {
        status: { code: 2, message: "boom" },
        attributes: { "gen_ai.tool.name": "refund_100%" },
      }),
    ]);
    const roots = (f: Parameters<TraceStore["listTraces"]>[0]) => store.listTraces(f).map((t) => t.rootName);
    expect(roots({})).toEqual(["execute_tool refund_100%", "chat gpt-4o", "invoke_agent Triage"]);
    expect(roots({ service: "billing" })).toEqual(["chat gpt-4o"]);
    expect(roots({ agent: "Triage" })).toEqual(["invoke_agent Triage"]);
    expect(roots({ model: "gpt-4o" })).toEqual(["chat gpt-4o"]);
    expect(roots({ conversationId: "c1" })).toEqual(["invoke_agent Triage"]);
    expect(roots({ status: "error" })).toEqual(["execute_tool refund_100%"]);
    expect(roots({ status: "ok" })).toEqual(["chat gpt-4o", "invoke_agent Triage"]);
    expect(roots({ text: "REFUND_100%" })).toEqual(["execute_tool refund_100%"]);
    expect(roots({ text: "100_" })).toEqual([]);
    expect(store.filterValues()).toEqual({
      services: ["billing", "svc"],
      agents: ["Triage"],
      models: ["gpt-4o"],
      conversationIds: ["c1"],
    });
    store.close();
  });
});
