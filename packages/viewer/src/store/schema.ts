import type { DatabaseSync } from "node:sqlite";
import { ViewerError } from "./errors.js";

/** Written into `meta`: a database without it is not ours, and one with another value is from another version. */
export const SCHEMA_ID = "otel-agents-viewer/1";

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per trace: the list page reads only this table (and trace_facets for filters).
CREATE TABLE traces (
  trace_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,          -- arrival order of the trace's first span: eviction drops the lowest
  start_us INTEGER NOT NULL,
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
CREATE TABLE spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  data TEXT NOT NULL,            -- ViewerSpan as JSON
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
-- Metric export requests as received (OTLP/JSON shape), kept for charts.
CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  received_us INTEGER NOT NULL,
  data TEXT NOT NULL
);
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
