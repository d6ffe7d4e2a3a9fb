import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { integrityOf, neverEndedHint, openParentsOf, orphanLine } from "../analysis/integrity.js";
import { PriceTable } from "../analysis/prices.js";
import {
  analyzeSpan,
  costOfSpan,
  factsOf,
  packAnalysis,
  packCost,
  type SpanFacts,
  unpackAnalysis,
  unpackCost,
} from "../analysis/span-facts.js";
import { countedTwice, remoteAgentsCounted } from "../analysis/summarize.js";
import { TraceTally } from "../analysis/trace-tally.js";
import type { ReceivedMetricPoint } from "../otlp/metrics.js";
import { compactTrace } from "../shared/compact.js";
import type {
  ConversationDetail,
  FilterValues,
  MetricsOverview,
  TraceDetail,
  TraceFilter,
  TraceListPage,
  TraceSummary,
  ViewerSpan,
} from "../shared/model.js";
import { ViewerError } from "./errors.js";
import { MetricTables } from "./metrics.js";
import { ensureSchema } from "./schema.js";
import { type OpenTrace, TallyCache } from "./tally-cache.js";

export interface StoreOptions {
  /** A file path, or ":memory:". */
  path: string;
  /** Traces kept; the ones that arrived first are evicted beyond it. */
  maxTraces: number;
  /** GenAI metric points kept for the charts (the ones that arrived first are dropped beyond it). Default 100,000. */
  maxMetricPoints?: number;
  /**
   * A trace that has received no span for this long is done growing: a parent its spans name that
   * still has not arrived was never ended (or was lost). Default 30 s.
   */
  quietPeriodMs?: number;
  /** The clock, in milliseconds since the epoch (tests pass their own). */
  now?: () => number;
  /**
   * Prices of model calls (default: the table shipped in the package). Costs are computed when a
   * span arrives and stored; opened with another table, the store prices its spans again once.
   */
  prices?: PriceTable;
}

export const DEFAULT_QUIET_PERIOD_MS = 30_000;

/** A span id as the store keeps it (lower-case hex): the free-text filter looks it up among the spans. */
const SPAN_ID = /^[0-9a-f]{16}$/;

const FACETS = { service: "service", agent: "agent", model: "model", conversation: "conversation" } as const;

/** Traces kept serialised for the trace API (each is one string; a 2,402-span trace is ~2.4 MB). */
const SERVED_TRACES = 4;

/** Spans whose facts the running tallies of the traces ingested last hold (~600 bytes each: ~30 MB). */
const TALLIED_SPANS = 50_000;

/** Where an arriving span goes: its row key, and what that row holds when it is this very span, sent again. */
interface Slot {
  key: string;
  resent?: { analysis: string | null; cost: string | null } | "in this batch";
}

/** The trace database: spans in, list rows, traces and conversations out. All calls are synchronous transactions. */
export class TraceStore {
  private readonly db: DatabaseSync;
  private readonly maxTraces: number;
  private readonly metricTables: MetricTables;
  private readonly quietPeriodMs: number;
  private readonly now: () => number;
  private readonly prices: PriceTable;
  private readonly stmt: Record<
    | "putSpan"
    | "getSpan"
    | "spansOf"
    | "unanalysed"
    | "putAnalysis"
    | "unpriced"
    | "putCost"
    | "traceRow"
    | "putTrace"
    | "deleteFacets"
    | "putFacet"
    | "count"
    | "tracesWithSpan"
    | "oldest"
    | "deleteTrace"
    | "deleteSpans"
    | "nextSeq"
    | "dataVersion",
    StatementSync
  >;
  /**
   * The last traces served as JSON, with the stored row they were read from: reading a 2,402-span
   * trace back (parse, facts, integrity) and serialising it takes ~100 ms, and the page asks again
   * on every visit. Dropped when the trace changes here, and all at once when another connection
   * writes to the file (SQLite's data_version).
   */
  private readonly servedJson = new Map<string, { summary: string; quiet: boolean; json?: string; compact?: string }>();
  /** Running tallies of the traces ingested last: a batch adds to them instead of reading its trace back. */
  private readonly tallies = new TallyCache(TALLIED_SPANS);
  private dataVersion = -1;

  constructor(options: StoreOptions) {
    this.maxTraces = Math.max(1, Math.floor(options.maxTraces));
    this.quietPeriodMs = Math.max(0, options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS);
    this.now = options.now ?? Date.now;
    this.prices = options.prices ?? PriceTable.load();
    const location = options.path === ":memory:" ? "the in-memory database" : options.path;
    try {
      if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
      this.db = new DatabaseSync(options.path);
      // The first statement is where SQLite notices a file that is no database. It only reads: nothing
      // may be written (not even the journal mode) before ensureSchema() knows the file is ours.
      this.db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
    } catch (error) {
      throw new ViewerError(
        `${location} cannot be opened as a SQLite database (${(error as Error).message}). ` +
          "Pass another --db, or delete the file to start afresh.",
      );
    }
    try {
      ensureSchema(this.db, location);
      this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;");
    } catch (error) {
      this.db.close();
      if (error instanceof ViewerError) throw error;
      throw new ViewerError(`${location} is unreadable (${(error as Error).message}). Pass another --db, or delete the file.`);
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.stmt = {
      putSpan: p("INSERT OR REPLACE INTO spans (trace_id, span_id, start_us, data, analysis, cost) VALUES (?, ?, ?, ?, ?, ?)"),
      getSpan: p("SELECT data, analysis, cost FROM spans WHERE trace_id = ? AND span_id = ?"),
      spansOf: p("SELECT span_id, data, analysis, cost FROM spans WHERE trace_id = ? ORDER BY start_us, span_id"),
      unanalysed: p("SELECT rowid AS id, data FROM spans WHERE analysis IS NULL LIMIT 500"),
      putAnalysis: p("UPDATE spans SET analysis = ? WHERE rowid = ?"),
      unpriced: p("SELECT rowid AS id, trace_id, span_id, data, analysis FROM spans WHERE cost IS NULL LIMIT 500"),
      putCost: p("UPDATE spans SET cost = ? WHERE rowid = ?"),
      traceRow: p("SELECT seq, summary FROM traces WHERE trace_id = ?"),
      putTrace: p("INSERT OR REPLACE INTO traces (trace_id, seq, start_us, errors, summary, search) VALUES (?, ?, ?, ?, ?, ?)"),
      deleteFacets: p("DELETE FROM trace_facets WHERE trace_id = ?"),
      putFacet: p("INSERT OR IGNORE INTO trace_facets (facet, value, trace_id) VALUES (?, ?, ?)"),
      count: p("SELECT COUNT(*) AS n FROM traces"),
      tracesWithSpan: p(
        "SELECT trace_id FROM traces WHERE EXISTS (SELECT 1 FROM spans WHERE spans.trace_id = traces.trace_id AND spans.span_id = ?)",
      ),
      oldest: p("SELECT trace_id FROM traces ORDER BY seq LIMIT ?"),
      deleteTrace: p("DELETE FROM traces WHERE trace_id = ?"),
      deleteSpans: p("DELETE FROM spans WHERE trace_id = ?"),
      nextSeq: p("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM traces"),
      dataVersion: p("PRAGMA data_version"),
    };
    const maxPoints = Math.max(1, Math.floor(options.maxMetricPoints ?? 100_000));
    this.metricTables = new MetricTables(this.db, maxPoints, Math.max(1000, Math.floor(maxPoints / 5)));
    this.forgetIfWrittenElsewhere();
    this.analyseOlderRows();
    this.priceStoredSpans();
  }

  /**
   * Stores spans; returns the ids of the traces that changed. A span sent twice replaces itself; a
   * different span with an id already taken is kept beside it under `<id>~2`... (the trace view flags both).
   */
  ingest(spans: readonly ViewerSpan[]): string[] {
    if (spans.length === 0) return [];
    const batch = new Map<string, { open: OpenTrace; arrived: SpanFacts[]; reread: boolean }>();
    // Traces with no row yet hold no stored span to collide with: their keys are settled within the batch.
    const fresh = new Map<string, Map<string, string>>();
    this.transaction(() => {
      this.forgetIfWrittenElsewhere();
      for (const span of spans) {
        let trace = batch.get(span.traceId);
        if (!trace) {
          const open = this.openTrace(span.traceId);
          if (open.seq === undefined) fresh.set(span.traceId, new Map());
          batch.set(span.traceId, (trace = { open, arrived: [], reread: false }));
        }
        const data = JSON.stringify(span);
        const inBatch = fresh.get(span.traceId);
        const { key, resent } = inBatch ? keyWithin(inBatch, span.spanId, data) : this.keyFor(span, data);
        // Each span is checked once, here; refreshes and reads use the stored result and never check it again.
        const analysis = analyzeSpan(span);
        const facts = factsOf(span, key, analysis);
        const cost = costOfSpan(facts, this.prices);
        if (cost) facts.cost = cost;
        const packed = { analysis: packAnalysis(analysis), cost: packCost(cost) };
        this.stmt.putSpan.run(span.traceId, key, facts.startUs, data, packed.analysis, packed.cost);
        if (!resent) trace.arrived.push(facts);
        // A span sent again is checked again: found otherwise than when it was stored (by an older
        // version), its trace is tallied afresh from the stored rows.
        else if (resent !== "in this batch" && (resent.analysis !== packed.analysis || resent.cost !== packed.cost))
          trace.reread = true;
      }
      const nowUs = this.now() * 1000;
      for (const [traceId, { open, arrived, reread }] of batch) {
        // Only a stored trace has spans that can be sent again (reread); the spans of this batch are stored by now.
        const row = reread ? (this.stmt.traceRow.get(traceId) as TraceRow | undefined) : undefined;
        if (row) this.writeRow(traceId, this.readTrace(traceId, row), nowUs);
        else {
          open.tally.add(arrived);
          this.writeRow(traceId, open, nowUs);
        }
      }
      this.evict();
    });
    return [...batch.keys()];
  }

  /** Stores GenAI metric points (cumulative ones as deltas); returns how many were kept. */
  ingestMetrics(points: readonly ReceivedMetricPoint[]): number {
    if (points.length === 0) return 0;
    let stored = 0;
    this.transaction(() => {
      stored = this.metricTables.ingest(points, this.now() * 1000);
    });
    return stored;
  }

  /** Token totals per model and over time, and operation durations, from the stored metric points. */
  metricsOverview(): MetricsOverview {
    return this.metricTables.overview(this.prices);
  }

  traceCount(): number {
    return (this.stmt.count.get() as { n: number }).n;
  }

  /** The newest traces matching `filter` (by start time, but never later than their arrival). */
  listTraces(filter: TraceFilter = {}): TraceSummary[] {
    return this.listPage(filter).traces;
  }

  /** A page of the list with the number of traces that match in all. */
  listPage(filter: TraceFilter = {}): TraceListPage {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const facet = (name: string, value: string | undefined) => {
      if (!value) return;
      where.push("trace_id IN (SELECT trace_id FROM trace_facets WHERE facet = ? AND value = ?)");
      params.push(name, value);
    };
    facet(FACETS.service, filter.service);
    facet(FACETS.agent, filter.agent);
    facet(FACETS.model, filter.model);
    facet(FACETS.conversation, filter.conversationId);
    if (filter.status === "error") where.push("errors > 0");
    if (filter.status === "ok") where.push("errors = 0");
    if (filter.text) {
      const like = `%${filter.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // A span id finds its trace too.
      const owners = this.tracesWithSpan(filter.text);
      if (owners.length > 0) {
        where.push(`(search LIKE ? ESCAPE '\\' OR trace_id IN (${owners.map(() => "?").join(", ")}))`);
        params.push(like, ...owners);
      } else {
        where.push("search LIKE ? ESCAPE '\\'");
        params.push(like);
      }
    }
    const limit = Math.min(Math.max(1, filter.limit ?? 200), 5000);
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const sql = `SELECT summary FROM traces ${clause} ORDER BY start_us DESC, trace_id LIMIT ? OFFSET ?`;
    const rows = this.db.prepare(sql).all(...params, limit, offset) as { summary: string }[];
    const { n } = this.db.prepare(`SELECT COUNT(*) AS n FROM traces ${clause}`).get(...params) as { n: number };
    return { traces: rows.map((r) => this.served(JSON.parse(r.summary) as TraceSummary)), total: n, offset };
  }

  /**
   * The traces holding a span with this id (the text, when it is one). One lookup per trace in the
   * spans' (trace_id, span_id) index, as the free-text filter reads each trace's search text once:
   * no span row is read, and ingestion keeps no index of span ids of its own (one cost a third of
   * its throughput, inserting random keys).
   */
  private tracesWithSpan(text: string): string[] {
    const id = text.trim().toLowerCase();
    if (!SPAN_ID.test(id)) return [];
    return (this.stmt.tracesWithSpan.all(id) as { trace_id: string }[]).map((r) => r.trace_id);
  }

  filterValues(): FilterValues {
    const values = (facet: string) =>
      (
        this.db.prepare("SELECT DISTINCT value FROM trace_facets WHERE facet = ? ORDER BY value").all(facet) as {
          value: string;
        }[]
      ).map((r) => r.value);
    return {
      services: values(FACETS.service),
      agents: values(FACETS.agent),
      models: values(FACETS.model),
      conversationIds: values(FACETS.conversation),
    };
  }

  spans(traceId: string): ViewerSpan[] {
    return (this.stmt.spansOf.all(traceId) as { data: string }[]).map((r) => JSON.parse(r.data) as ViewerSpan);
  }

  trace(traceId: string): TraceDetail | undefined {
    const row = this.stmt.traceRow.get(traceId) as { summary: string } | undefined;
    if (!row) return undefined;
    const rows = this.storedSpans(traceId);
    const facts = rows.map((r) => r.facts);
    const integrity = integrityOf(facts);
    const twice = countedTwice(facts);
    const remote = remoteAgentsCounted(facts, undefined, twice);
    const summary = this.served(JSON.parse(row.summary) as TraceSummary);
    // A parent that has not arrived may still be running: said only once the trace stops growing.
    const open = summary.neverEnded ? openParentsOf(facts) : new Map<string, string[]>();
    const openParentOf = new Map<string, string>();
    for (const [parentId, keys] of open) {
      for (const key of keys) {
        openParentOf.set(key, parentId);
        const list = integrity.get(key) ?? [];
        list.push(orphanLine(parentId), neverEndedHint(parentId, this.quietPeriodMs));
        integrity.set(key, list);
      }
    }
    const spans = rows.map(({ span, facts, analysis }) => ({
      ...span,
      key: facts.key,
      service: facts.service,
      startUs: facts.startUs,
      endUs: facts.endUs,
      violations: analysis.violations,
      missingExpected: analysis.missingExpected,
      integrity: integrity.get(facts.key) ?? [],
      ...(facts.convention ? { convention: facts.convention } : {}),
      ...(openParentOf.has(facts.key) ? { openParent: openParentOf.get(facts.key)! } : {}),
      ...(facts.cost ? { cost: facts.cost } : {}),
      ...(facts.cost && (twice.has(facts.key) || (facts.remoteAgent && !remote.has(facts.key)))
        ? { costNotCounted: true as const }
        : {}),
    }));
    return { summary, spans };
  }

  /**
   * `trace(traceId)` as the JSON the trace API sends (with `compact`, the page's `CompactTrace`),
   * kept for the last few traces served until they change (or, for a trace with open parents, until
   * its quiet period ends).
   */
  traceJson(traceId: string, compact = false): string | undefined {
    this.forgetIfWrittenElsewhere();
    const row = this.stmt.traceRow.get(traceId) as { summary: string } | undefined;
    if (!row) return undefined;
    const quiet = this.served(JSON.parse(row.summary) as TraceSummary).neverEnded !== undefined;
    let kept = this.servedJson.get(traceId);
    if (!kept || kept.summary !== row.summary || kept.quiet !== quiet) kept = { summary: row.summary, quiet };
    let json = compact ? kept.compact : kept.json;
    if (json === undefined) {
      const detail = this.trace(traceId);
      if (!detail) return undefined;
      json = JSON.stringify(compact ? compactTrace(detail) : detail);
      if (compact) kept.compact = json;
      else kept.json = json;
    }
    this.servedJson.delete(traceId);
    this.servedJson.set(traceId, kept);
    if (this.servedJson.size > SERVED_TRACES) this.servedJson.delete(this.servedJson.keys().next().value!);
    return json;
  }

  /** The traces that share a `gen_ai.conversation.id`, oldest first. */
  conversation(conversationId: string): ConversationDetail {
    const ids = this.db
      .prepare(
        "SELECT t.trace_id FROM trace_facets f JOIN traces t ON t.trace_id = f.trace_id WHERE f.facet = ? AND f.value = ? ORDER BY t.start_us, t.trace_id",
      )
      .all(FACETS.conversation, conversationId) as { trace_id: string }[];
    return { conversationId, traces: ids.flatMap((r) => this.trace(r.trace_id) ?? []) };
  }

  /**
   * The stored row as served: once the trace has been quiet for the quiet period, the parents its
   * spans name that never arrived are counted as never ended, and the spans under them as orphans.
   */
  private served(summary: TraceSummary): TraceSummary {
    const last = summary.lastReceivedUs ?? summary.receivedUs;
    const quiet = last !== undefined && this.now() * 1000 - last >= this.quietPeriodMs * 1000;
    // Bookkeeping of the store, not of the trace: the row as served keeps the shape it had.
    const { lastReceivedUs: _last, openParents, orphans, ...served } = summary;
    if (!quiet || !openParents) return served;
    return { ...served, integrityProblems: (served.integrityProblems ?? 0) + (orphans ?? 0), neverEnded: openParents };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /**
   * Rows written by an older version carry no analysis: it is computed once, in bounded
   * transactions, when the store opens (their list rows stay as they were until the trace grows).
   */
  private analyseOlderRows(): void {
    for (;;) {
      const rows = this.stmt.unanalysed.all() as { id: number; data: string }[];
      if (rows.length === 0) return;
      this.transaction(() => {
        for (const r of rows) {
          this.stmt.putAnalysis.run(packAnalysis(analyzeSpan(JSON.parse(r.data) as ViewerSpan)), r.id);
        }
      });
    }
  }

  /**
   * Spans without a stored cost (rows of an older version, or all of them when the price table
   * differs from the one their costs were computed with) are priced once, when the store opens, in
   * bounded transactions; the list rows of their traces are summed again.
   */
  private priceStoredSpans(): void {
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'prices'").get() as { value: string } | undefined;
    if (meta?.value !== this.prices.fingerprint) {
      this.transaction(() => {
        this.db.exec("UPDATE spans SET cost = NULL");
        this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('prices', ?)").run(this.prices.fingerprint);
      });
    }
    const traces = new Set<string>();
    for (;;) {
      const rows = this.stmt.unpriced.all() as {
        id: number;
        trace_id: string;
        span_id: string;
        data: string;
        analysis: string | null;
      }[];
      if (rows.length === 0) break;
      this.transaction(() => {
        for (const r of rows) {
          const span = JSON.parse(r.data) as ViewerSpan;
          const analysis = r.analysis === null ? analyzeSpan(span) : unpackAnalysis(r.analysis);
          const cost = costOfSpan(factsOf(span, r.span_id, analysis), this.prices);
          this.stmt.putCost.run(packCost(cost), r.id);
          if (cost) traces.add(r.trace_id);
        }
      });
    }
    if (traces.size === 0) return;
    this.transaction(() => {
      for (const traceId of traces) {
        const row = this.stmt.traceRow.get(traceId) as TraceRow | undefined;
        if (!row) continue;
        const open = this.readTrace(traceId, row);
        // Priced again, not grown: the trace keeps the time its last span arrived.
        this.writeRow(traceId, open, open.lastReceivedUs ?? this.now() * 1000);
      }
    });
  }

  /** The row key of an arriving span: its id, unless a different span already holds that id. */
  private keyFor(span: ViewerSpan, data: string): Slot {
    for (let n = 1; ; n++) {
      const key = n === 1 ? span.spanId : `${span.spanId}~${n}`;
      const existing = this.stmt.getSpan.get(span.traceId, key) as
        | { data: string; analysis: string | null; cost: string | null }
        | undefined;
      if (!existing) return { key };
      if (existing.data === data) return { key, resent: { analysis: existing.analysis, cost: existing.cost } };
    }
  }

  /** A trace's spans with their stored analysis and facts, in start order. */
  private storedSpans(traceId: string) {
    return (
      this.stmt.spansOf.all(traceId) as { span_id: string; data: string; analysis: string | null; cost: string | null }[]
    ).map((r) => {
      const span = JSON.parse(r.data) as ViewerSpan;
      const analysis = r.analysis === null ? analyzeSpan(span) : unpackAnalysis(r.analysis);
      const facts = factsOf(span, r.span_id, analysis);
      const cost = r.cost === null ? costOfSpan(facts, this.prices) : unpackCost(r.cost);
      if (cost) facts.cost = cost;
      return { span, analysis, facts };
    });
  }

  /** The trace a batch adds to: its running tally, read back from its stored spans when none is kept. */
  private openTrace(traceId: string): OpenTrace {
    const row = this.stmt.traceRow.get(traceId) as TraceRow | undefined;
    if (!row) {
      this.tallies.delete(traceId);
      return {
        tally: new TraceTally(),
        seq: undefined,
        receivedUs: this.now() * 1000,
        lastReceivedUs: undefined,
        facets: new Set(),
      };
    }
    return this.tallies.get(traceId) ?? this.readTrace(traceId, row);
  }

  /** A stored trace's tally from its spans' stored analysis (no span is checked again). */
  private readTrace(traceId: string, row: TraceRow): OpenTrace {
    const stored = JSON.parse(row.summary) as TraceSummary;
    const tally = new TraceTally();
    tally.add(this.storedSpans(traceId).map((r) => r.facts));
    return {
      tally,
      seq: row.seq,
      receivedUs: stored.receivedUs ?? this.now() * 1000,
      lastReceivedUs: stored.lastReceivedUs ?? stored.receivedUs,
      facets: undefined,
    };
  }

  /** Writes a trace's list row and filter values from its tally. */
  private writeRow(traceId: string, open: OpenTrace, lastReceivedUs: number): void {
    this.servedJson.delete(traceId);
    const { summary, openParents, orphans, search } = open.tally.row(traceId, open.receivedUs);
    summary.lastReceivedUs = lastReceivedUs;
    if (openParents) {
      summary.openParents = openParents;
      // Spans under a missing parent with no other problem: they join the integrity count once the trace is quiet.
      if (orphans) summary.orphans = orphans;
    }
    open.seq ??= (this.stmt.nextSeq.get() as { seq: number }).seq;
    open.lastReceivedUs = lastReceivedUs;
    // A trace is listed by its start, but never later than its arrival: a clock set in the future
    // must not pin a trace on top of the list for ever.
    const listedAt = Math.min(summary.startUs, open.receivedUs);
    this.stmt.putTrace.run(traceId, open.seq, listedAt, summary.errors, JSON.stringify(summary), search);
    if (!open.facets) {
      this.stmt.deleteFacets.run(traceId);
      open.facets = new Set();
    }
    // Facet values only ever join a trace: only the new ones are written.
    const facets: [string, string[]][] = [
      [FACETS.service, summary.services],
      [FACETS.agent, summary.agents],
      [FACETS.model, summary.models],
      [FACETS.conversation, summary.conversationIds],
    ];
    for (const [facet, values] of facets) {
      for (const value of values) {
        const written = `${facet}\0${value}`;
        if (open.facets.has(written)) continue;
        open.facets.add(written);
        this.stmt.putFacet.run(facet, value, traceId);
      }
    }
    this.tallies.keep(traceId, open);
  }

  /** Another connection wrote to the file: what is kept of its traces here may be stale. */
  private forgetIfWrittenElsewhere(): void {
    const version = (this.stmt.dataVersion.get() as { data_version: number }).data_version;
    if (version === this.dataVersion) return;
    this.servedJson.clear();
    this.tallies.clear();
    this.dataVersion = version;
  }

  private evict(): void {
    const excess = this.traceCount() - this.maxTraces;
    if (excess <= 0) return;
    for (const { trace_id } of this.stmt.oldest.all(excess) as { trace_id: string }[]) {
      this.servedJson.delete(trace_id);
      this.tallies.delete(trace_id);
      this.stmt.deleteTrace.run(trace_id);
      this.stmt.deleteSpans.run(trace_id);
      this.stmt.deleteFacets.run(trace_id);
    }
  }

  private transaction(fn: () => void): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      fn();
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      // The tallies may hold spans that were never stored.
      this.tallies.clear();
      throw error;
    }
  }
}

/** keyFor() for a trace not stored before: the same rule over the keys taken earlier in the batch. */
function keyWithin(taken: Map<string, string>, spanId: string, data: string): Slot {
  for (let n = 1; ; n++) {
    const key = n === 1 ? spanId : `${spanId}~${n}`;
    const existing = taken.get(key);
    if (existing === undefined) {
      taken.set(key, data);
      return { key };
    }
    if (existing === data) return { key, resent: "in this batch" };
  }
}

interface TraceRow {
  seq: number;
  summary: string;
}
