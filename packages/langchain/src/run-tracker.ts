import { diag } from "@opentelemetry/api";
import type { GenAITelemetry, OperationContent, OperationFacts, OperationHandle, RegistryStart } from "@otel-agents/core/adapter";
import { BoundedMap, ERROR_TYPE, LANGCHAIN_ATTR, MAX_ANCESTOR_HOPS, nowMs, RunRegistry } from "@otel-agents/core/adapter";
import {
  type ChainKind,
  classifyChain,
  conversationIdOf,
  isGraphClass,
  isRouteOutput,
  nodeAttributes,
} from "./classify-chain.js";
import { splitPrompt, toInputMessages, toOutputMessages, toToolDefinitions } from "./map-messages.js";
import { generationsOf, modelEndFacts, modelStartFacts } from "./model-facts.js";
import { onlyTool, withoutTool, withTool } from "./open-tools.js";
import { asNumber, asRecord, asString, type Dict, serializedClass } from "./read.js";
import { RunInfo } from "./run-info.js";
import { nextTrackingSeq, type StepSource, sourceIdle, sourceOpened } from "./step-context.js";

export interface TrackerOptions {
  keepHiddenRuns: boolean;
  maxOpenRuns: number;
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

  constructor(
    private readonly telemetry: GenAITelemetry,
    private readonly options: TrackerOptions,
  ) {
    this.registry = new RunRegistry(telemetry, { maxOpenRuns: options.maxOpenRuns });
    this.runs = new BoundedMap(options.maxOpenRuns, (runId, info) => {
      // The registry ends the matching spans; here only the bookkeeping goes.
      this.forget(runId, info);
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
    this.runs.clear();
    sourceIdle(this);
    return this.registry.endAll();
  }

  handle(runId: string): OperationHandle | undefined {
    return this.registry.get(runId);
  }

  trackedAt(runId: string): number | undefined {
    return this.runs.get(runId)?.trackedAt;
  }

  trackedRunIds(): Iterable<string> {
    return this.runs.keys();
  }

  /** The span user code running inside `runId` belongs under (folded runs: their visible ancestor's). */
  stepHandle(runId: string): OperationHandle | undefined {
    const info = this.runs.get(runId);
    const only = onlyTool(info?.openTools);
    if (only !== undefined) {
      const toolSpanRunId = this.runs.get(only)?.spanRunId;
      const handle = toolSpanRunId === undefined ? undefined : this.registry.get(toolSpanRunId);
      if (handle) return handle;
    }
    const spanRunId = info?.spanRunId;
    return spanRunId === undefined ? undefined : this.registry.get(spanRunId);
  }

  // ---- chains -------------------------------------------------------------------------------

  chainStart(
    serialized: unknown,
    runId: string,
    parentRunId: string | undefined,
    tags: unknown,
    metadata: Dict | undefined,
    runType: string | undefined,
    runName: string | undefined,
  ): void {
    // Nothing registered to record to: track no run (their ends then find nothing).
    if (!this.telemetry.active) return;
    const parent = this.parentOf(parentRunId);
    const cls = serializedClass(serialized);
    const kind = classifyChain(cls, runName, tags, metadata, parent, this.options.keepHiddenRuns);
    const info = new RunInfo(
      parentRunId,
      undefined,
      isGraphClass(cls),
      kind.kind === "node" ? kind.name : undefined,
      kind.kind === "agent" || !parent ? runId : parent.scope,
      conversationIdOf(metadata) ?? parent?.conversationId,
    );
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
    const framework = { name: FRAMEWORK, runId };
    switch (kind.kind) {
      case "agent":
        return { parentId, framework, operation: "invoke_agent", agent: { name: kind.name }, conversationId };
      case "workflow":
        return { parentId, framework, operation: "invoke_workflow", workflowName: kind.name, conversationId };
      case "node":
        return {
          parentId,
          framework,
          operation: "step",
          step: { type: "node", name: kind.name },
          attributes: nodeAttributes(metadata),
        };
      default:
        return {
          parentId,
          framework,
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
    const facts = modelStartFacts(serialized, extraParams, metadata);
    this.learnToolDescriptions(parentRunId, facts.tools);
    this.startVisible(runId, parentRunId, metadata, {
      operation: "chat",
      provider: facts.provider,
      requestModel: facts.requestModel,
      request: facts.request,
      server: facts.server,
      openai: facts.openai,
      framework: { name: FRAMEWORK, runId },
      content: this.telemetry.captureContent ? chatContent(messages, facts.tools) : undefined,
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
      openai: facts.openai,
      framework: { name: FRAMEWORK, runId },
      content: this.telemetry.captureContent
        ? { inputMessages: () => (typeof prompt === "string" ? toInputMessages([prompt]) : undefined) }
        : undefined,
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
    if (this.telemetry.captureContent) facts.content = { outputMessages: () => toOutputMessages(generationsOf(output)) };
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
      content: this.telemetry.captureContent ? { toolArguments: () => input } : undefined,
    });
    const parent = this.parentOf(parentRunId);
    const tool = parent ? this.runs.get(runId) : undefined;
    if (parent && tool) {
      parent.openTools = withTool(parent.openTools, runId);
      tool.toolParent = parentRunId;
    }
  }

  toolEnd(output: unknown, runId: string): void {
    this.forget(runId);
    this.registry.end(runId, this.telemetry.captureContent ? { content: { toolResult: () => toolResultOf(output) } } : undefined);
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
      content: this.telemetry.captureContent
        ? { retrievalQuery: () => (typeof query === "string" ? query : undefined) }
        : undefined,
    });
  }

  retrieverEnd(documents: unknown, runId: string): void {
    this.forget(runId);
    this.registry.end(
      runId,
      this.telemetry.captureContent ? { content: { retrievalDocuments: () => toRetrievalDocuments(documents) } } : undefined,
    );
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
    const info = new RunInfo(parentRunId, runId, false, undefined, parent?.scope ?? runId, conversationId);
    info.provider = asString(start.provider);
    this.remember(runId, info);
    // `start` was built for this call alone: completed in place rather than copied.
    start.conversationId = conversationId;
    start.parentId = parentId;
    this.registry.start(runId, start);
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
    const previous = this.runs.get(runId);
    if (previous) {
      // A second start of a tracked run keeps its place among the handlers that track it, and
      // the tool runs open in it.
      info.trackedAt = previous.trackedAt;
      info.openTools = previous.openTools;
      info.toolParent = previous.toolParent;
    } else {
      info.trackedAt = nextTrackingSeq();
    }
    this.runs.set(runId, info);
    if (this.runs.size === 1) sourceOpened(this);
  }

  /** `info`: an evicted run's record, already out of the map. */
  private forget(runId: string, info = this.runs.get(runId)): RunInfo | undefined {
    const parent = this.parentOf(info?.toolParent);
    if (parent) parent.openTools = withoutTool(parent.openTools, runId);
    this.runs.delete(runId);
    if (this.runs.size === 0) sourceIdle(this);
    return info;
  }
}

/**
 * A chat run's content thunks; built only while content is captured, since without capture the
 * core drops them unread and the closures were a cost per model run.
 */
function chatContent(messages: unknown, tools: unknown): OperationContent {
  const prompt = Array.isArray(messages) && Array.isArray(messages[0]) ? (messages[0] as unknown[]) : [];
  let split: ReturnType<typeof splitPrompt> | undefined;
  const prompts = () => (split ??= splitPrompt(prompt));
  return {
    systemInstructions: () => prompts().systemInstructions,
    inputMessages: () => prompts().inputMessages,
    toolDefinitions: () => toToolDefinitions(tools),
  };
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
