import type { DatabaseSync } from "node:sqlite";
import { ViewerError } from "./errors.js";

/** Written into `meta`: a database without it is not ours, and one with another value is from another version. */
export const SCHEMA_ID = "otel-agents-viewer/4";

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per trace: the list page reads only this table (and trace_facets for filters).
CREATE TABLE traces (
  trace_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,          -- arrival order of the trace's first span: eviction drops the lowest
  start_us INTEGER NOT NULL,     -- list order: the trace's start, or its arrival when that is earlier (a clock ahead)
  errors INTEGER NOT NULL,
  summary TEXT NOT NULL,         -- TraceSummary as JSON
  search TEXT NOT NULL           -- lower-case text for the free-text filter
);
CREATE INDEX traces_by_start ON traces (start_us DESC);
CREATE INDEX traces_by_seq ON traces (seq);
-- Many-valued filters (service, agent, model, conversation) and the conversation view.
CREATE TABLE trace_facets (
  facet TEXT NOT NULL,
  value TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  PRIMARY KEY (facet, value, trace_id)
) WITHOUT ROWID;
CREATE INDEX trace_facets_by_trace ON trace_facets (trace_id);
-- A rowid table, not WITHOUT ROWID: a span row is about a kilobyte of JSON, and large rows inside
-- the primary-key b-tree made inserts twice as slow and the file twice as large.
CREATE TABLE spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  start_us INTEGER NOT NULL,     -- list order: the trace's start, or its arrival when that is earlier (a clock ahead)
  data TEXT NOT NULL,            -- ViewerSpan as JSON
  -- The conformance lens found when the span arrived (SpanAnalysis as JSON, '' for nothing), so no
  -- refresh or read checks a span again. NULL in rows of older versions until the store fills it in.
  analysis TEXT,
  -- What a model call cost at the price table's prices (SpanCost as JSON, '' for none), priced when the
  -- span arrived; NULL until the store prices it (rows of older versions, or another price table:
  -- meta 'prices' holds the fingerprint of the table the stored costs were computed with).
  cost TEXT
);
CREATE UNIQUE INDEX spans_by_id ON spans (trace_id, span_id);
-- GenAI metric points for the charts, as deltas (cumulative streams are differenced on arrival).
CREATE TABLE metric_points (
  id INTEGER PRIMARY KEY,        -- arrival order: trimming drops the lowest
  time_us INTEGER NOT NULL,      -- the point's time
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  service TEXT NOT NULL,
  model TEXT NOT NULL,           -- gen_ai.response.model, else gen_ai.request.model, else ''
  provider TEXT,                 -- gen_ai.provider.name, else gen_ai.system: what the tokens are priced by
  token_type TEXT,               -- input, output, cache_read, cache_write, reasoning: a token total
  subject TEXT,                  -- an operation duration: what it measured (invoke_agent Weather...)
  error TEXT,                    -- error.type
  value REAL NOT NULL,           -- counter increase, or histogram sum
  count REAL,                    -- histogram: values recorded
  min REAL,                      -- histogram: smallest and largest value, when sent (bounds for the percentile)
  max REAL,
  buckets TEXT                   -- histogram: {bounds, counts} as JSON
);
CREATE INDEX metric_points_by_time ON metric_points (time_us);
-- The last cumulative value of each stream, to turn the next one into a delta.
CREATE TABLE metric_streams (
  key TEXT PRIMARY KEY,
  start_ns TEXT NOT NULL,
  sum REAL NOT NULL,
  count REAL,
  buckets TEXT,
  seen_us INTEGER NOT NULL
);
CREATE INDEX metric_streams_by_seen ON metric_streams (seen_us);
`;

/** Creates the schema in an empty database, or checks that an existing one is ours. */
export function ensureSchema(db: DatabaseSync, location: string): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (r) => r.name,
  );
  if (tables.length === 0) {
    db.exec("BEGIN");
    db.exec(DDL);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_ID);
    db.exec("COMMIT");
    return;
  }
  const schema = tables.includes("meta")
    ? (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value
    : undefined;
  if (schema === SCHEMA_ID) return;
  if (schema === "otel-agents-viewer/1") {
    // Version 1 kept metric requests whole (version 2 keeps chartable points) and spans in a
    // WITHOUT ROWID table. Traces carry over; their analysis and cost columns are filled in by the store.
    db.exec("BEGIN");
    db.exec("DROP TABLE IF EXISTS metrics");
    db.exec("ALTER TABLE spans RENAME TO spans_v1");
    db.exec(DDL.slice(DDL.indexOf("-- A rowid table")));
    db.exec("INSERT INTO spans (trace_id, span_id, start_us, data) SELECT trace_id, span_id, start_us, data FROM spans_v1");
    db.exec("DROP TABLE spans_v1");
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_ID);
    db.exec("COMMIT");
    return;
  }
  if (schema === "otel-agents-viewer/2" || schema === "otel-agents-viewer/3") {
    // Version 2 checked every span again on each refresh and read; version 3 keeps what the check
    // found beside the span; version 4 keeps what a model call cost, and the provider of metric
    // points. The new columns start empty and the store fills in the spans' ones.
    db.exec("BEGIN");
    if (schema === "otel-agents-viewer/2") db.exec("ALTER TABLE spans ADD COLUMN analysis TEXT");
    db.exec("ALTER TABLE spans ADD COLUMN cost TEXT");
    db.exec("ALTER TABLE metric_points ADD COLUMN provider TEXT");
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_ID);
    db.exec("COMMIT");
    return;
  }
  if (schema?.startsWith("otel-agents-viewer/")) {
    throw new ViewerError(
      `${location} was written by another version of @otel-agents/viewer (${schema}, this one reads ${SCHEMA_ID}). ` +
        "Delete it or pass another --db.",
    );
  }
  throw new ViewerError(
    `${location} is a SQLite database of another program (tables: ${tables.slice(0, 5).join(", ")}). ` +
      "Pass another --db; the viewer never writes into a database it did not create.",
  );
}
