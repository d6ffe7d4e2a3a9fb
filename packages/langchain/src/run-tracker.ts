import { diag } from "@opentelemetry/api";
import type { GenAITelemetry, OperationFacts, OperationHandle, RegistryStart } from "@otel-agents/core/adapter";
import { BoundedMap, ERROR_TYPE, LANGCHAIN_ATTR, MAX_ANCESTOR_HOPS, nowMs, RunRegistry } from "@otel-agents/core/adapter";
import {
  type ChainKind,
  classifyChain,
  conversationIdOf,
  isGraphRun,
  isRouteOutput,
  nodeAttributes,
  type ParentInfo,
} from "./classify-chain.js";
import { splitPrompt, toInputMessages, toOutputMessages, toToolDefinitions } from "./map-messages.js";
import { generationsOf, modelEndFacts, modelStartFacts } from "./model-facts.js";
import { asNumber, asRecord, asString, type Dict, serializedClass } from "./read.js";
import { type StepSource, trackRun, untrackRun } from "./step-context.js";

export interface TrackerOptions {
  keepHiddenRuns: boolean;
  maxOpenRuns: number;
}

/** What we remember about an open run, visible or not, so its children find their parent. */
interface RunInfo {
  /** The run LangChain started it in (visible or not). */
  parentRunId: string | undefined;
  /** The run whose span children attach to: the run itself if it has a span, else its nearest visible ancestor. */
  spanRunId: string | undefined;
  isGraph: boolean;
  node: string | undefined;
  /** A conditional-edge router whose span waits until we know it is no router. */
  deferred: RegistryStart | undefined;
  /** A model run's provider from its start: sampling-relevant, so the response only fills a gap. */
  provider?: string | undefined;
  /** The nearest enclosing agent run (else the outermost run): where tool descriptions are looked up. */
  scope: string;
  /** Its own conversation id, else its parent's: tool runs inside a LangGraph thread carry no `thread_id`. */
  conversationId: string | undefined;
  /** On scope runs: tool name -> description, from the tool definitions the models in it were given. */
  toolDescriptions?: Map<string, string>;
  /** The abort error a child of this run failed with: what the caller got (see `chainError`). */
  abortError?: unknown;
}

const FRAMEWORK = "langchain";

// Tool names are few per app; this only bounds memory against an app that makes them up per call.
const MAX_REMEMBERED_TOOLS = 256;

// LangGraph signals interrupts and parent-graph commands by throwing; they are control flow.
const CONTROL_FLOW_ERRORS = new Set(["GraphInterrupt", "NodeInterrupt", "ParentCommand", "GraphBubbleUp"]);

/** LangGraph's Pregel loop rejects with a plain `Error("Abort")` when the run's signal aborts or its timeout fires. */
function isGraphAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "Error" && error.message === "Abort";
}

/** An abort signal's reason (`AbortController.abort()`, `AbortSignal.timeout()`), as runs cut off by it fail with. */
function isAbortError(error: unknown): boolean {
  const name = asString(asRecord(error)?.name);
  return name === "AbortError" || name === "TimeoutError";
}

/**
 * LangChain runs to GenAI operations. Keyed by run id; a run's parent is the nearest ancestor that
 * has a span, so folded runs (hidden, routers) re-parent their children.
 */
export class RunTracker implements StepSource {
  private readonly registry: RunRegistry;
  private readonly runs: BoundedMap<string, RunInfo>;
  /**
   * Tool name -> description from every model's tool list, for tools run outside the run that gave
   * the model its tools (an app's own loop: `model.bindTools(...).invoke()`, then `tool.invoke(call)`).
   */
  private readonly lastToolDescriptions = new BoundedMap<string, string>(MAX_REMEMBERED_TOOLS);
  /**
   * Open tool runs by the run they were started in. A `DynamicStructuredTool` (what
   * `@langchain/mcp-adapters` builds) runs its function without putting its own config into
   * LangChain's AsyncLocalStorage, so its body reads as the enclosing run's (the graph's tools
   * node): when that run has exactly one tool open, the body is that tool's.
   */
  private readonly openTools = new Map<string, Set<string>>();
  private readonly toolParents = new Map<string, string>();

  constructor(
    private readonly telemetry: GenAITelemetry,
    private readonly options: TrackerOptions,
  ) {
    this.registry = new RunRegistry(telemetry, { maxOpenRuns: options.maxOpenRuns });
    this.runs = new BoundedMap(options.maxOpenRuns, (runId) => {
      // The registry ends the matching spans; here only the bookkeeping goes.
      this.forget(runId);
      diag.debug("otel-agents: too many open LangChain runs; forgetting the oldest");
    });
  }

  /** Open runs (for tests and shutdown). */
  get openRuns(): number {
    return this.runs.size;
  }

  /** Nothing would be recorded (no TracerProvider or MeterProvider) and no run is open. */
  get idle(): boolean {
    return this.runs.size === 0 && !this.telemetry.active;
  }

  /** Ends every open span as orphaned (an app shutting down mid-run). */
  endAll(): number {
    for (const runId of this.runs.keys()) untrackRun(runId, this);
    this.runs.clear();
    this.openTools.clear();
    this.toolParents.clear();
    return this.registry.endAll();
  }

  handle(runId: string): OperationHandle | undefined {
    return this.registry.get(runId);
  }

  /** The span user code running inside `runId` belongs under (folded runs: their visible ancestor's). */
  stepHandle(runId: string): OperationHandle | undefined {
    const tools = this.openTools.get(runId);
    if (tools?.size === 1) {
      const [only] = tools;
      const toolSpanRunId = only === undefined ? undefined : this.runs.get(only)?.spanRunId;
      const handle = toolSpanRunId === undefined ? undefined : this.registry.get(toolSpanRunId);
      if (handle) return handle;
    }
    const spanRunId = this.runs.get(runId)?.spanRunId;
    return spanRunId === undefined ? undefined : this.registry.get(spanRunId);
  }

  // ---- chains -------------------------------------------------------------------------------

  chainStart(
    serialized: unknown,
    runId: string,
    parentRunId: string | undefined,
    tags: string[] | undefined,
    metadata: Dict | undefined,
    runType: string | undefined,
    runName: string | undefined,
  ): void {
    // Nothing registered to record to: track no run (their ends then find nothing).
    if (!this.telemetry.active) return;
    const parent = this.parentOf(parentRunId);
    const parentInfo: ParentInfo | undefined = parent ? { isGraph: parent.isGraph, node: parent.node } : undefined;
    const kind = classifyChain({
      serialized,
      tags,
      metadata,
      runName,
      parent: parentInfo,
      keepHidden: this.options.keepHiddenRuns,
    });
    const info: RunInfo = {
      parentRunId,
      spanRunId: undefined,
      isGraph: isGraphRun(serialized),
      node: kind.kind === "node" ? kind.name : undefined,
      deferred: undefined,
      scope: kind.kind === "agent" || !parent ? runId : parent.scope,
      conversationId: conversationIdOf(metadata) ?? parent?.conversationId,
    };
    const spanParent = this.spanParentId(parentRunId);
    if (kind.kind === "hidden") {
      info.spanRunId = spanParent;
      this.remember(runId, info);
      return;
    }
    const start = this.chainStartOptions(kind, runId, spanParent, metadata, runType, info.conversationId);
    if (kind.kind === "router") {
      info.spanRunId = spanParent;
      info.deferred = { ...start, startTime: nowMs() };
      this.remember(runId, info);
      return;
    }
    info.spanRunId = runId;
    this.remember(runId, info);
    this.registry.start(runId, start);
  }

  chainEnd(outputs: unknown, runId: string): void {
    const info = this.forget(runId);
    if (info?.deferred) {
      if (isRouteOutput(outputs)) return;
      this.registry.start(runId, info.deferred);
    }
    this.registry.end(runId);
  }

  chainError(error: unknown, runId: string): void {
    const info = this.forget(runId);
    if (info?.deferred) this.registry.start(runId, info.deferred);
    const name = asString(asRecord(error)?.name);
    if (name && CONTROL_FLOW_ERRORS.has(name)) {
      this.registry.end(runId, { attributes: { [LANGCHAIN_ATTR.langgraphInterrupt]: name } });
      return;
    }
    if (isGraphAbort(error)) {
      // The caller gets the signal's own AbortError; the graph's run only sees this plain Error,
      // which no caller ever sees. The exception is the AbortError a node or tool of the graph failed
      // with (the signal's reason); with none (an abort between steps), only the kind is recorded.
      this.abort(runId, info, info?.abortError);
      return;
    }
    if (isAbortError(error)) {
      this.abort(runId, info, error);
      return;
    }
    this.registry.fail(runId, error);
  }

  /**
   * Ends an aborted run, and first the runs still open under it, deepest first: LangChain reports
   * a node's and its graph's abort as soon as the signal fires, and the abort of a model call in
   * them only when its HTTP request gives up, after them. Cut off by the same abort, they end as
   * its failure before their parents, and a model call's `error` finish reason reaches its agent.
   * Their own late error or result then finds no run.
   */
  private abort(runId: string, info: RunInfo | undefined, cause: unknown): void {
    for (const id of this.openUnder(runId)) {
      const cutOff = this.forget(id);
      // A deferred router has no span yet: it routed nothing.
      if (cutOff?.deferred) continue;
      this.failAborted(id, cause);
    }
    this.failAborted(runId, cause);
    // The parent's own abort (a graph's plain `Error("Abort")`) then records this one's cause.
    if (cause !== undefined) {
      const parent = this.parentOf(info?.parentRunId);
      if (parent) parent.abortError ??= cause;
    }
  }

  /**
   * The runs still open under `runId`, each after every run under it. Derived from the parent ids
   * when an abort needs it (rare), so that no run pays for it on start and end.
   */
  private openUnder(runId: string): string[] {
    const found: [id: string, depth: number][] = [];
    for (const [id, info] of this.runs) {
      // Run ids come from the framework: a cycle or an absurd depth ends the walk.
      let parent = info.parentRunId;
      for (let depth = 1; parent !== undefined && parent !== id && depth <= MAX_ANCESTOR_HOPS; depth++) {
        if (parent === runId) {
          found.push([id, depth]);
          break;
        }
        parent = this.runs.get(parent)?.parentRunId;
      }
    }
    return found.sort((a, b) => b[1] - a[1]).map(([id]) => id);
  }

  private failAborted(runId: string, cause: unknown): void {
    if (cause === undefined) {
      this.registry.get(runId)?.failWithType(ERROR_TYPE.aborted);
      this.registry.end(runId);
    } else {
      this.registry.fail(runId, cause);
    }
  }

  private chainStartOptions(
    kind: Exclude<ChainKind, { kind: "hidden" }>,
    runId: string,
    parentId: string | undefined,
    metadata: Dict | undefined,
    runType: string | undefined,
    conversationId: string | undefined,
  ): RegistryStart {
    const base = { parentId, framework: { name: FRAMEWORK, runId } };
    switch (kind.kind) {
      case "agent":
        return { ...base, operation: "invoke_agent", agent: { name: kind.name }, conversationId };
      case "workflow":
        return { ...base, operation: "invoke_workflow", workflowName: kind.name, conversationId };
      case "node":
        return { ...base, operation: "step", step: { type: "node", name: kind.name }, attributes: nodeAttributes(metadata) };
      default:
        return {
          ...base,
          operation: "step",
          step: { type: kind.kind === "router" ? "router" : "chain", name: kind.name },
          attributes: { [LANGCHAIN_ATTR.runType]: asString(runType) },
        };
    }
  }

  // ---- models -------------------------------------------------------------------------------

  chatModelStart(
    serialized: unknown,
    messages: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: unknown,
    metadata: Dict | undefined,
  ): void {
    if (!this.telemetry.active) return;
    const prompt = Array.isArray(messages) && Array.isArray(messages[0]) ? (messages[0] as unknown[]) : [];
    const facts = modelStartFacts(serialized, extraParams, metadata);
    this.learnToolDescriptions(parentRunId, facts.tools);
    let split: ReturnType<typeof splitPrompt> | undefined;
    const prompts = () => (split ??= splitPrompt(prompt));
    this.startVisible(runId, parentRunId, metadata, {
      operation: "chat",
      provider: facts.provider,
      requestModel: facts.requestModel,
      request: facts.request,
      server: facts.server,
      framework: { name: FRAMEWORK, runId },
      content: {
        systemInstructions: () => prompts().systemInstructions,
        inputMessages: () => prompts().inputMessages,
        toolDefinitions: () => toToolDefinitions(facts.tools),
      },
    });
  }

  llmStart(
    serialized: unknown,
    prompts: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: unknown,
    metadata: Dict | undefined,
  ): void {
    if (!this.telemetry.active) return;
    const facts = modelStartFacts(serialized, extraParams, metadata);
    const prompt = Array.isArray(prompts) ? prompts[0] : undefined;
    this.startVisible(runId, parentRunId, metadata, {
      operation: "text_completion",
      provider: facts.provider,
      requestModel: facts.requestModel,
      request: facts.request,
      server: facts.server,
      framework: { name: FRAMEWORK, runId },
      content: { inputMessages: () => (typeof prompt === "string" ? toInputMessages([prompt]) : undefined) },
    });
  }

  newToken(runId: string): void {
    this.registry.get(runId)?.recordChunk();
  }

  modelEnd(output: unknown, runId: string): void {
    const info = this.forget(runId);
    if (!this.registry.get(runId)) return;
    const facts: OperationFacts = modelEndFacts(output);
    // The provider is sampling-relevant and set at start; the response only fills a gap.
    if (info?.provider !== undefined) facts.provider = undefined;
    facts.content = { outputMessages: () => toOutputMessages(generationsOf(output)) };
    this.registry.end(runId, facts);
  }

  // ---- tools and retrievers -----------------------------------------------------------------

  toolStart(
    serialized: unknown,
    input: unknown,
    runId: string,
    parentRunId: string | undefined,
    metadata: Dict | undefined,
    runName: string | undefined,
    toolCallId: string | undefined,
  ): void {
    if (!this.telemetry.active) return;
    const s = asRecord(serialized);
    const name = runName ?? asString(s?.name) ?? serializedClass(serialized) ?? "tool";
    this.startVisible(runId, parentRunId, metadata, {
      operation: "execute_tool",
      tool: {
        name,
        callId: asString(toolCallId),
        type: "function",
        // Tools are not serialisable (`not_implemented`): the description is the one the model was given.
        description:
          asString(asRecord(s?.kwargs)?.description) ?? asString(s?.description) ?? this.toolDescription(parentRunId, name),
      },
      framework: { name: FRAMEWORK, runId },
      content: { toolArguments: () => input },
    });
    if (parentRunId !== undefined && this.runs.has(runId)) {
      let open = this.openTools.get(parentRunId);
      if (!open) this.openTools.set(parentRunId, (open = new Set()));
      open.add(runId);
      this.toolParents.set(runId, parentRunId);
    }
  }

  toolEnd(output: unknown, runId: string): void {
    this.forget(runId);
    this.registry.end(runId, { content: { toolResult: () => toolResultOf(output) } });
  }

  retrieverStart(
    serialized: unknown,
    query: unknown,
    runId: string,
    parentRunId: string | undefined,
    metadata: Dict | undefined,
    runName: string | undefined,
  ): void {
    if (!this.telemetry.active) return;
    this.startVisible(runId, parentRunId, metadata, {
      operation: "retrieval",
      dataSourceId: runName ?? serializedClass(serialized),
      request: { topKDocuments: asNumber(metadata?.ls_retriever_k) },
      framework: { name: FRAMEWORK, runId },
      content: { retrievalQuery: () => (typeof query === "string" ? query : undefined) },
    });
  }

  retrieverEnd(documents: unknown, runId: string): void {
    this.forget(runId);
    this.registry.end(runId, { content: { retrievalDocuments: () => toRetrievalDocuments(documents) } });
  }

  /** Model, tool and retriever errors. */
  fail(error: unknown, runId: string): void {
    const info = this.forget(runId);
    if (info?.deferred) this.registry.start(runId, info.deferred);
    if (isAbortError(error)) {
      this.abort(runId, info, error);
      return;
    }
    this.registry.fail(runId, error);
  }

  // ---- parents ------------------------------------------------------------------------------

  private startVisible(runId: string, parentRunId: string | undefined, metadata: Dict | undefined, start: RegistryStart): void {
    const parent = this.parentOf(parentRunId);
    const parentId = this.spanParentId(parentRunId);
    const conversationId = conversationIdOf(metadata) ?? parent?.conversationId;
    this.remember(runId, {
      parentRunId,
      spanRunId: runId,
      isGraph: false,
      node: undefined,
      deferred: undefined,
      provider: asString(start.provider),
      scope: parent?.scope ?? runId,
      conversationId,
    });
    this.registry.start(runId, { ...start, conversationId, parentId });
  }

  private learnToolDescriptions(parentRunId: string | undefined, tools: unknown): void {
    if (!Array.isArray(tools) || tools.length === 0) return;
    const parent = this.parentOf(parentRunId);
    const scope = parent ? this.runs.get(parent.scope) : undefined;
    for (const def of toToolDefinitions(tools) ?? []) {
      if (!def.description) continue;
      if (scope) (scope.toolDescriptions ??= new Map()).set(def.name, def.description);
      this.lastToolDescriptions.delete(def.name);
      this.lastToolDescriptions.set(def.name, def.description);
    }
  }

  /** The description the model was given: its run's own list first, else the latest list that named the tool. */
  private toolDescription(parentRunId: string | undefined, name: string): string | undefined {
    const parent = this.parentOf(parentRunId);
    const scoped = parent ? this.runs.get(parent.scope)?.toolDescriptions?.get(name) : undefined;
    return scoped ?? this.lastToolDescriptions.get(name);
  }

  private parentOf(parentRunId: string | undefined): RunInfo | undefined {
    return parentRunId === undefined ? undefined : this.runs.get(parentRunId);
  }

  /**
   * The run id whose span is the parent of a new child of `parentRunId`. A deferred router gets its
   * span now: a run with children is no mere route function.
   */
  private spanParentId(parentRunId: string | undefined): string | undefined {
    const parent = this.parentOf(parentRunId);
    if (!parent || parentRunId === undefined) return undefined;
    if (parent.deferred) {
      this.registry.start(parentRunId, parent.deferred);
      parent.deferred = undefined;
      parent.spanRunId = parentRunId;
    }
    return parent.spanRunId;
  }

  private remember(runId: string, info: RunInfo): void {
    this.runs.set(runId, info);
    trackRun(runId, this);
  }

  private forget(runId: string): RunInfo | undefined {
    const toolParent = this.toolParents.get(runId);
    if (toolParent !== undefined) {
      this.toolParents.delete(runId);
      const open = this.openTools.get(toolParent);
      open?.delete(runId);
      if (open?.size === 0) this.openTools.delete(toolParent);
    }
    const info = this.runs.get(runId);
    this.runs.delete(runId);
    untrackRun(runId, this);
    return info;
  }
}

function toolResultOf(output: unknown): unknown {
  const o = asRecord(output);
  // A tool called with a tool call returns a ToolMessage; its content is the result.
  if (o && "content" in o && ("tool_call_id" in o || typeof o._getType === "function")) return o.content;
  return output;
}

function toRetrievalDocuments(documents: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(documents)) return undefined;
  return documents.map((doc) => {
    const d = asRecord(doc);
    const meta = asRecord(d?.metadata);
    const out: Record<string, unknown> = {};
    const id = asString(d?.id) ?? asString(meta?.id);
    if (id) out.id = id;
    const score = asNumber(meta?.score) ?? asNumber(meta?.relevance_score) ?? asNumber(meta?._score);
    if (score !== undefined) out.score = score;
    if (typeof d?.pageContent === "string") out.content = d.pageContent;
    return out;
  });
}
