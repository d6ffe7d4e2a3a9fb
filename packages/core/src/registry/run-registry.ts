import { type Context, diag, type TimeInput } from "@opentelemetry/api";
import { BoundedMap } from "../adapter/bounded-map.js";
import { maxOpenRunsOf } from "../adapter/options.js";
import type { OperationHandle } from "../operation/handle.js";
import { nowMs } from "../operation/handle.js";
import type { OperationFacts, StartOptions } from "../operation/types.js";
import { ERROR_TYPE } from "../semconv/names.js";
import type { GenAITelemetry } from "../telemetry.js";

export interface RunRegistryOptions {
  /** Most operations kept open at once; the oldest is ended (`error.type` evicted) beyond it. Default 10,000. */
  maxOpenRuns?: number;
  /** @deprecated The same as `maxOpenRuns` (its name in 0.1). */
  maxOpen?: number;
}

export interface RegistryStart extends Omit<StartOptions, "parent"> {
  /** The framework's id of the parent run, resolved to its handle when known. */
  parentId?: string | undefined;
  /** Used when there is no parent id, or it is unknown: default the active context. */
  fallbackParent?: Context | null;
}

interface Entry {
  handle: OperationHandle;
  startedMs: number;
}

/**
 * Framework run ids to operation handles: parents resolved by id, events in any order tolerated,
 * memory bounded. Frameworks that report runs by id (LangChain callbacks, Agents SDK spans) use one.
 */
export class RunRegistry {
  private readonly open: BoundedMap<string, Entry>;

  constructor(
    private readonly telemetry: GenAITelemetry,
    options: RunRegistryOptions = {},
  ) {
    const max = maxOpenRunsOf(options.maxOpenRuns ?? options.maxOpen);
    this.open = new BoundedMap(max, (id, entry) => {
      // End first: the id is whatever the framework handed over, and formatting it may throw.
      entry.handle.failWithType(ERROR_TYPE.evicted);
      diag.warn(`otel-agents: more than ${max} runs open; ending the oldest (${safeId(id)})`);
    });
  }

  get size(): number {
    return this.open.size;
  }

  get(id: string | undefined): OperationHandle | undefined {
    return id === undefined ? undefined : this.open.get(id)?.handle;
  }

  /** Starts the run `id`. A second start of an open id returns the first handle. */
  start(id: string, options: RegistryStart): OperationHandle {
    const existing = this.open.get(id);
    if (existing) {
      diag.debug(`otel-agents: run ${safeId(id)} started twice; keeping the first`);
      return existing.handle;
    }
    // The options go through as they are (the telemetry ignores the two registry keys): no copy.
    const parent = this.get(options.parentId) ?? options.fallbackParent;
    const handle = this.telemetry.start(options as StartOptions, parent);
    this.open.set(id, { handle, startedMs: nowMs() });
    return handle;
  }

  /** Adds facts to an open run; unknown ids are ignored. */
  update(id: string, facts: OperationFacts): OperationHandle | undefined {
    const handle = this.get(id);
    handle?.update(facts);
    return handle;
  }

  /** Ends the run `id`. Returns its handle, or undefined when the id is unknown (ended, evicted, never started). */
  end(id: string, facts?: OperationFacts, endTime?: TimeInput): OperationHandle | undefined {
    const entry = this.take(id);
    entry?.handle.end(facts, endTime);
    return entry?.handle;
  }

  fail(id: string, error: unknown, facts?: OperationFacts, endTime?: TimeInput): OperationHandle | undefined {
    const entry = this.take(id);
    entry?.handle.fail(error, facts, endTime);
    return entry?.handle;
  }

  /** Ends every open run as failed with `error.type` (default: orphaned). Use at shutdown. */
  endAll(type: string = ERROR_TYPE.orphaned): number {
    // Children first, so that parents end after them.
    const entries = Array.from(this.open.values()).reverse();
    this.open.clear();
    for (const { handle } of entries) handle.failWithType(type);
    return entries.length;
  }

  /** Ends runs open for longer than `maxAgeMs` as orphaned. */
  endOlderThan(maxAgeMs: number): number {
    const cutoff = nowMs() - maxAgeMs;
    let n = 0;
    for (const [id, entry] of this.open) {
      if (entry.startedMs > cutoff) break; // insertion order is age order
      this.open.delete(id);
      entry.handle.failWithType(ERROR_TYPE.orphaned);
      n++;
    }
    return n;
  }

  private take(id: string): Entry | undefined {
    const entry = this.open.get(id);
    if (entry) this.open.delete(id);
    else diag.debug(`otel-agents: end of unknown run ${safeId(id)}`);
    return entry;
  }
}

/** An id for a log line; never throws (a Symbol or a proxy may come in where a string belongs). */
function safeId(id: unknown): string {
  try {
    return typeof id === "string" ? id : String(id);
  } catch {
    return "<unprintable id>";
  }
}
