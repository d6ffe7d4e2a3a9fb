import type { TraceTally } from "../analysis/trace-tally.js";

/** A trace being ingested: its running tally and what its stored row holds that the tally does not. */
export interface OpenTrace {
  tally: TraceTally;
  /** Its arrival place (traces.seq); undefined until the trace has a row. */
  seq: number | undefined;
  receivedUs: number;
  /** When its last span arrived; undefined in rows of older versions. */
  lastReceivedUs: number | undefined;
  /** The facet rows written for it (`facet\0value`); undefined: not known, all are written again. */
  facets: Set<string> | undefined;
}

/**
 * The traces ingested last, so a batch adds to its trace's running tally instead of reading the
 * whole trace back. A tally holds the facts of each of its spans: the cache is bounded by spans,
 * evicting the trace used longest ago, and always keeps the one used last, however large.
 */
export class TallyCache {
  private readonly traces = new Map<string, { open: OpenTrace; spans: number }>();
  private spans = 0;

  constructor(private readonly maxSpans: number) {}

  get(traceId: string): OpenTrace | undefined {
    return this.traces.get(traceId)?.open;
  }

  /** Keeps a trace as the one used last (its tally may have grown since it was kept). */
  keep(traceId: string, open: OpenTrace): void {
    this.delete(traceId);
    const spans = open.tally.spanCount;
    this.traces.set(traceId, { open, spans });
    this.spans += spans;
    for (const [id, entry] of this.traces) {
      if (this.spans <= this.maxSpans || this.traces.size === 1) break;
      this.traces.delete(id);
      this.spans -= entry.spans;
    }
  }

  delete(traceId: string): void {
    const entry = this.traces.get(traceId);
    if (!entry) return;
    this.traces.delete(traceId);
    this.spans -= entry.spans;
  }

  clear(): void {
    this.traces.clear();
    this.spans = 0;
  }
}
