// Importing the context entry point initialises LangChain's AsyncLocalStorage singleton; without it,
// runnables called inside other runnables without an explicit config lose their callbacks.
import "@langchain/core/context";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { DocumentInterface } from "@langchain/core/documents";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import type { ChainValues } from "@langchain/core/utils/types";
import {
  type AdapterOptions,
  asString,
  createGuard,
  GenAITelemetry,
  maxOpenRunsOf,
  type OpenRuns,
  warnNoSdkOnce,
} from "@otel-agents/core/adapter";
import { checkVersions } from "./compat.js";
import { asRecord, type Dict } from "./read.js";
import { RunTracker } from "./run-tracker.js";
import { VERSION } from "./version.js";

/**
 * The adapter options every adapter takes (providers, content capture, `maxOpenRuns`: most runs
 * tracked at once, default 10,000, `stepAwareContext`), plus LangChain's own.
 */
export interface OpenTelemetryCallbackHandlerOptions extends AdapterOptions {
  /** Keep the runs LangChain hides (`langsmith:hidden`, `__start__`, edge routers) as spans. Default false. */
  keepHiddenRuns?: boolean;
}

const HANDLER_NAME = "otel-agents";
const ADAPTER = "otel-agents/langchain";
const NO_SDK_FIX =
  "Start one before the first run, e.g. new NodeSDK({ instrumentations: [new LangChainInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to the OpenTelemetryCallbackHandler.";

const IGNORE_FLAGS = ["ignoreLLM", "ignoreChain", "ignoreAgent", "ignoreRetriever", "ignoreCustomEvent"] as const;

/**
 * LangChain reads these flags before it queues a start event for a handler. While nothing would be
 * recorded (no SDK registered yet, or tracing disabled) and no run is open, they say "ignore", so an
 * app that installs the handler but no SDK pays only LangChain's own bookkeeping. With a run open
 * they stay false, so every run that started also ends. The base class assigns them as fields:
 * they are redefined on the instance.
 */
function ignoreWhileIdle(handler: OpenTelemetryCallbackHandler): void {
  const idle = {
    get(this: OpenTelemetryCallbackHandler): boolean {
      try {
        const idle = (this as unknown as { tracker: RunTracker | undefined }).tracker?.idle === true;
        if (idle) warnNoSdkOnce(ADAPTER, "a LangChain run started", NO_SDK_FIX);
        return idle;
      } catch {
        return false;
      }
    },
    set(_value: boolean) {
      // LangChain's copy() and constructor input assign them; the instance decides by itself.
    },
    configurable: true,
    enumerable: true,
  };
  for (const key of IGNORE_FLAGS) Object.defineProperty(handler, key, idle);
}

/**
 * A LangChain.js callback handler that reports runs as OpenTelemetry GenAI spans and metrics:
 * model calls as `chat`, tools as `execute_tool`, retrievers as `retrieval`, `createAgent` agents as
 * `invoke_agent`, the outermost chain or graph as `invoke_workflow`, graph nodes and other chains as
 * steps. Never throws into LangChain and never changes a result.
 */
export class OpenTelemetryCallbackHandler extends BaseCallbackHandler implements OpenRuns {
  override name = HANDLER_NAME;
  // Inline calls see each run's own async context; LangChain's background queue would run them
  // late, in whichever request's context the queue happened to start in.
  override awaitHandlers = true;
  private readonly tracker: RunTracker;

  constructor(options: OpenTelemetryCallbackHandlerOptions = {}) {
    super();
    ignoreWhileIdle(this);
    // `BaseCallbackHandler.copy()` calls `new this.constructor(this)`: a copy shares the state.
    if (options instanceof OpenTelemetryCallbackHandler) {
      this.tracker = options.tracker;
      return;
    }
    checkVersions();
    const telemetry = new GenAITelemetry(
      { name: "@otel-agents/langchain", version: VERSION },
      {
        tracerProvider: options.tracerProvider,
        meterProvider: options.meterProvider,
        captureContent: options.captureContent,
        maxContentLength: options.maxContentLength,
        redact: options.redact,
        stepAwareContext: options.stepAwareContext,
      },
    );
    this.tracker = new RunTracker(telemetry, {
      keepHiddenRuns: options.keepHiddenRuns === true,
      maxOpenRuns: maxOpenRunsOf(options.maxOpenRuns),
    });
  }

  /** Runs still tracked (started, not yet ended), shared with the copies LangChain makes; 0 when idle. */
  get openRuns(): number {
    return guard("openRuns", () => this.tracker.openRuns) ?? 0;
  }

  /** Ends every span still open as orphaned (`error.type` `otel_agents.orphaned`); returns how many. */
  endOpenRuns(): number {
    return guard("endOpenRuns", () => this.tracker.endAll()) ?? 0;
  }

  // The runtime argument order (CallbackManager in @langchain/core dist/callbacks/manager.js) is
  // (chain, inputs, runId, parentRunId, tags, metadata, runType, runName, extra); base.d.ts declares
  // another. The parameter types line up either way, so this override type-checks.
  override handleChainStart(
    chain: Serialized,
    _inputs: ChainValues,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.chainStart(chain, runId, asString(parentRunId), tags, asRecord(metadata), runType, asString(runName));
    } catch (failure) {
      hookFailed("handleChainStart", failure);
    }
  }

  override handleChainEnd(outputs: ChainValues, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.chainEnd(outputs, runId);
    } catch (failure) {
      hookFailed("handleChainEnd", failure);
    }
  }

  override handleChainError(err: Error, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.chainError(err, runId);
    } catch (failure) {
      hookFailed("handleChainError", failure);
    }
  }

  override handleChatModelStart(
    llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.chatModelStart(llm, messages, runId, asString(parentRunId), extraParams, metadataOf(metadata));
    } catch (failure) {
      hookFailed("handleChatModelStart", failure);
    }
  }

  override handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.llmStart(llm, prompts, runId, asString(parentRunId), extraParams, metadataOf(metadata));
    } catch (failure) {
      hookFailed("handleLLMStart", failure);
    }
  }

  override handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.newToken(runId);
    } catch (failure) {
      hookFailed("handleLLMNewToken", failure);
    }
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.modelEnd(output, runId);
    } catch (failure) {
      hookFailed("handleLLMEnd", failure);
    }
  }

  override handleLLMError(err: Error, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.fail(err, runId);
    } catch (failure) {
      hookFailed("handleLLMError", failure);
    }
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.toolStart(tool, input, runId, asString(parentRunId), metadataOf(metadata), asString(runName), toolCallId);
    } catch (failure) {
      hookFailed("handleToolStart", failure);
    }
  }

  override handleToolEnd(output: unknown, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.toolEnd(output, runId);
    } catch (failure) {
      hookFailed("handleToolEnd", failure);
    }
  }

  override handleToolError(err: Error, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.fail(err, runId);
    } catch (failure) {
      hookFailed("handleToolError", failure);
    }
  }

  override handleRetrieverStart(
    retriever: Serialized,
    query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.retrieverStart(retriever, query, runId, asString(parentRunId), metadataOf(metadata), asString(name));
    } catch (failure) {
      hookFailed("handleRetrieverStart", failure);
    }
  }

  override handleRetrieverEnd(documents: DocumentInterface[], runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.retrieverEnd(documents, runId);
    } catch (failure) {
      hookFailed("handleRetrieverEnd", failure);
    }
  }

  override handleRetrieverError(err: Error, runId: string): void {
    if (!isRunId(runId)) return;
    try {
      this.tracker.fail(err, runId);
    } catch (failure) {
      hookFailed("handleRetrieverError", failure);
    }
  }
}

/** Runs a hook body; a bug of ours must never reach LangChain (it would console.warn or, with raiseError, throw). */
const guard = createGuard("otel-agents/langchain", "the run is not affected");

/**
 * LangChain's run ids are UUID strings; an event without one belongs to no run we could end, so it
 * is dropped rather than tracked under a key we cannot log or end.
 */
function isRunId(runId: unknown): runId is string {
  return typeof runId === "string" && runId.length > 0;
}

/**
 * Reports a hook body's throw through the guard. The hooks catch for themselves instead of handing
 * the guard a closure: one closure per callback event was a good share of a run's allocations.
 */
function hookFailed(hook: string, err: unknown): void {
  guard(hook, () => {
    throw err;
  });
}

function metadataOf(metadata: unknown): Dict | undefined {
  return asRecord(metadata);
}
