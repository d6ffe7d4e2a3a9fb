import type { RegistryStart } from "@otel-agents/core/adapter";
import type { OpenTools } from "./open-tools.js";

/**
 * What we remember about an open run, visible or not, so its children find their parent. A class
 * with every field set in its constructor: records of chains, models and tools share one shape,
 * and the fields filled in later (tool descriptions, open tools) need no property store of their own.
 */
export class RunInfo {
  /** A conditional-edge router whose span waits until we know it is no router. */
  deferred: RegistryStart | undefined = undefined;
  /** A model run's provider from its start: sampling-relevant, so the response only fills a gap. */
  provider: string | undefined = undefined;
  /** On scope runs: tool name -> description, from the tool definitions the models in it were given. */
  toolDescriptions: Map<string, string> | undefined = undefined;
  /** The abort error a child of this run failed with: what the caller got (see `chainError`). */
  abortError: unknown = undefined;
  /**
   * The tool runs open in this run. A `DynamicStructuredTool` (what `@langchain/mcp-adapters`
   * builds) runs its function without putting its own config into LangChain's AsyncLocalStorage,
   * so its body reads as the enclosing run's (the graph's tools node): when that run has exactly
   * one tool open, the body is that tool's.
   */
  openTools: OpenTools = undefined;
  /** On a tool run listed in its parent's `openTools`: that parent. */
  toolParent: string | undefined = undefined;
  /** When the handler began tracking the run (see `StepSource.trackedAt`). */
  trackedAt = 0;

  constructor(
    /** The run LangChain started it in (visible or not). */
    readonly parentRunId: string | undefined,
    /** The run whose span children attach to: the run itself if it has a span, else its nearest visible ancestor. */
    public spanRunId: string | undefined,
    readonly isGraph: boolean,
    /** The LangGraph node the run is, if it is one. */
    readonly node: string | undefined,
    /** The nearest enclosing agent run (else the outermost run): where tool descriptions are looked up. */
    readonly scope: string,
    /** Its own conversation id, else its parent's: tool runs inside a LangGraph thread carry no `thread_id`. */
    readonly conversationId: string | undefined,
  ) {}
}
