import { diag } from "@opentelemetry/api";
import type { GenAITelemetry, OperationFacts, OperationHandle, RegistryStart } from "@otel-agents/core";
import { RunRegistry } from "@otel-agents/core";
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
import { asDict, asNumber, asString, type Dict, serializedClass } from "./read.js";

export interface TrackerOptions {
  keepHiddenRuns: boolean;
  maxOpenRuns: number;
}

/** What we remember about an open run, visible or not, so its children find their parent. */
interface RunInfo {
  /** The run whose span children attach to: the run itself if it has a span, else its nearest visible ancestor. */
  spanRunId: string | undefined;
  isGraph: boolean;
  node: string | undefined;
  /** A conditional-edge router whose span waits until we know it is no router. */
  deferred: RegistryStart | undefined;
}

const FRAMEWORK = "langchain";

// LangGraph signals interrupts and parent-graph commands by throwing; they are control flow.
const CONTROL_FLOW_ERRORS = new Set(["GraphInterrupt", "NodeInterrupt", "ParentCommand", "GraphBubbleUp"]);

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * LangChain runs to GenAI operations. Keyed by run id; a run's parent is the nearest ancestor that
 * has a span, so folded runs (hidden, routers) re-parent their children.
 */
export class RunTracker {
  private readonly registry: RunRegistry;
  private readonly runs = new Map<string, RunInfo>();

  constructor(
    telemetry: GenAITelemetry,
    private readonly options: TrackerOptions,
  ) {
    this.registry = new RunRegistry(telemetry, { maxOpen: options.maxOpenRuns });
  }

  /** Open runs (for tests and shutdown). */
  get openRuns(): number {
    return this.runs.size;
  }

  /** Ends every open span as orphaned (an app shutting down mid-run). */
  endAll(): number {
    this.runs.clear();
    return this.registry.endAll();
  }

  handle(runId: string): OperationHandle | undefined {
    return this.registry.get(runId);
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
      spanRunId: undefined,
      isGraph: isGraphRun(serialized),
      node: kind.kind === "node" ? kind.name : undefined,
      deferred: undefined,
    };
    const spanParent = this.spanParentId(parentRunId);
    if (kind.kind === "hidden") {
      info.spanRunId = spanParent;
      this.remember(runId, info);
      return;
    }
    const start = this.chainStartOptions(kind, runId, spanParent, metadata, runType);
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
    const name = asString(asDict(error)?.name);
    if (name && CONTROL_FLOW_ERRORS.has(name)) {
      this.registry.end(runId, { attributes: { "langgraph.interrupt": name } });
      return;
    }
    this.registry.fail(runId, error);
  }

  private chainStartOptions(
    kind: Exclude<ChainKind, { kind: "hidden" }>,
    runId: string,
    parentId: string | undefined,
    metadata: Dict | undefined,
    runType: string | undefined,
  ): RegistryStart {
    const base = { parentId, framework: { name: FRAMEWORK, runId } };
    const conversationId = conversationIdOf(metadata);
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
          attributes: { "langchain.run_type": asString(runType) },
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
    const prompt = Array.isArray(messages) && Array.isArray(messages[0]) ? (messages[0] as unknown[]) : [];
    const facts = modelStartFacts(serialized, extraParams, metadata);
    let split: ReturnType<typeof splitPrompt> | undefined;
    const prompts = () => (split ??= splitPrompt(prompt));
    this.startVisible(runId, parentRunId, {
      operation: "chat",
      provider: facts.provider,
      requestModel: facts.requestModel,
      request: facts.request,
      conversationId: conversationIdOf(metadata),
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
    const facts = modelStartFacts(serialized, extraParams, metadata);
    const prompt = Array.isArray(prompts) ? prompts[0] : undefined;
    this.startVisible(runId, parentRunId, {
      operation: "text_completion",
      provider: facts.provider,
      requestModel: facts.requestModel,
      request: facts.request,
      conversationId: conversationIdOf(metadata),
      framework: { name: FRAMEWORK, runId },
      content: { inputMessages: () => (typeof prompt === "string" ? toInputMessages([prompt]) : undefined) },
    });
  }

  newToken(runId: string): void {
    this.registry.get(runId)?.recordChunk();
  }

  modelEnd(output: unknown, runId: string): void {
    this.forget(runId);
    const handle = this.registry.get(runId);
    if (!handle) return;
    const facts: OperationFacts = modelEndFacts(output);
    // The provider is sampling-relevant and set at start; the response only fills a gap.
    if (handle.facts.provider !== undefined) facts.provider = undefined;
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
    const s = asDict(serialized);
    const name = runName ?? asString(s?.name) ?? serializedClass(serialized) ?? "tool";
    this.startVisible(runId, parentRunId, {
      operation: "execute_tool",
      tool: {
        name,
        callId: asString(toolCallId),
        type: "function",
        description: asString(asDict(s?.kwargs)?.description) ?? asString(s?.description),
      },
      conversationId: conversationIdOf(metadata),
      framework: { name: FRAMEWORK, runId },
      content: { toolArguments: () => input },
    });
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
    this.startVisible(runId, parentRunId, {
      operation: "retrieval",
      dataSourceId: runName ?? serializedClass(serialized),
      request: { topKDocuments: asNumber(metadata?.ls_retriever_k) },
      conversationId: conversationIdOf(metadata),
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
    this.registry.fail(runId, error);
  }

  // ---- parents ------------------------------------------------------------------------------

  private startVisible(runId: string, parentRunId: string | undefined, start: RegistryStart): void {
    const parentId = this.spanParentId(parentRunId);
    this.remember(runId, { spanRunId: runId, isGraph: false, node: undefined, deferred: undefined });
    this.registry.start(runId, { ...start, parentId });
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
    if (this.runs.size > this.options.maxOpenRuns) {
      // The registry ends the matching spans; here only the bookkeeping goes.
      const oldest = this.runs.keys().next();
      if (!oldest.done) this.runs.delete(oldest.value);
      diag.debug("otel-agents: too many open LangChain runs; forgetting the oldest");
    }
  }

  private forget(runId: string): RunInfo | undefined {
    const info = this.runs.get(runId);
    this.runs.delete(runId);
    return info;
  }
}

function toolResultOf(output: unknown): unknown {
  const o = asDict(output);
  // A tool called with a tool call returns a ToolMessage; its content is the result.
  if (o && "content" in o && ("tool_call_id" in o || typeof o._getType === "function")) return o.content;
  return output;
}

function toRetrievalDocuments(documents: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(documents)) return undefined;
  return documents.map((doc) => {
    const d = asDict(doc);
    const meta = asDict(d?.metadata);
    const out: Record<string, unknown> = {};
    const id = asString(d?.id) ?? asString(meta?.id);
    if (id) out.id = id;
    const score = asNumber(meta?.score) ?? asNumber(meta?.relevance_score) ?? asNumber(meta?._score);
    if (score !== undefined) out.score = score;
    if (typeof d?.pageContent === "string") out.content = d.pageContent;
    return out;
  });
}
