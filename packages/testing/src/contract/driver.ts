import type { Harness, ReadableSpan } from "../harness.js";
import type { TreeNode } from "../span-tree.js";

/**
 * What the contract suite needs to know of one adapter: how to register it and how to run the one
 * operation every facet uses. The operation, for run `index`: an agent (named by the index) asks its
 * model for the tool `echo` with `{ i: index }`, the tool runs, the model answers `done <index>`.
 */
export interface AdapterDriver<A> {
  /** The harness whose providers `create()` uses and whose exporter the facets read. */
  harness: Harness;
  /** The adapter on the harness's providers, as an app registers it. */
  create(options?: { captureContent?: boolean }): A;
  /** The adapter on the global providers (no provider of its own), as `setup()` users have it. */
  createGlobal(): A;
  openRuns(adapter: A): number;
  endOpenRuns(adapter: A): unknown;
  /** Process-wide bookkeeping that must be empty once no run is open (LangChain's step contexts). */
  leftovers?(): number;
  /** Whether the adapter asks the framework for its events (the idle facet expects none without a provider). */
  listening?(adapter: A): boolean;
  /** The registry checks of the metrics recorded so far, where the harness records them. */
  checkMetrics?(): Promise<void>;
  /** The exported trees, with ids that differ per run replaced, after the registry checks. */
  trees(spans: readonly ReadableSpan[]): TreeNode[] | Promise<TreeNode[]>;
  /** Runs operation `index`; resolves with the model's final answer. */
  run(adapter: A, index: number, options?: RunOptions): Promise<unknown>;
  /** The whole tree operation `index` exports. */
  expected(index: number, options?: ExpectedOptions): TreeNode;
}

export interface RunOptions {
  /** The run's AbortSignal. */
  signal?: AbortSignal;
  /** The body of the `echo` tool (default: one turn of the event loop, then `echo <index>`). */
  tool?: () => Promise<string>;
}

export interface ExpectedOptions {
  captureContent?: boolean;
  /** Spans the tool body starts, under the execute_tool span. */
  toolChildren?: TreeNode[];
  /** What the tool returned (default `echo <index>`). */
  toolResult?: string;
}

/**
 * The default body of operation `index`'s `echo` tool: one turn of the event loop, so that
 * concurrent runs interleave at every step, then `echo <index>`.
 */
export function echoBody(index: number): () => Promise<string> {
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return `echo ${index}`;
  };
}
