import { context, diag } from "@opentelemetry/api";
import {
  abortErrorType,
  asString,
  createGuard,
  type Dict,
  ERROR_TYPE,
  followPromise,
  type GenAITelemetry,
  isRecord,
  nowMs,
  type OpenRuns,
  type OperationContent,
  type OperationFacts,
  type OperationHandle,
  serverOfUrl,
} from "@otel-agents/core/adapter";
import type { Telemetry } from "ai";
import {
  type CallKind,
  type CallState,
  CallStore,
  closeAll,
  closeChildren,
  hasOpenChildren,
  type OpenModelCall,
} from "./call-state.js";
import { checkAiVersion, warnIfAiSdkOtelRegistered } from "./compat.js";
import { aiSdkErrorType } from "./error-type.js";
import {
  appPrompt,
  inputMessages,
  outputMessages,
  providerPrompt,
  systemInstructions,
  textOutput,
  toolDefinitions,
} from "./map-messages.js";
import { embeddingResponseModel, embeddingTokens, languageModelUsage, outputTypeOf, requestParams } from "./model-facts.js";
import { warnNoSdkOnce } from "./no-sdk-warning.js";
import { openaiRequestFacts, openaiResponseFacts, requestedServiceTier } from "./openai-facts.js";

/** Durable runs report events after the fact, each with its own time. */
const timeOf = (e: Dict): number | undefined => {
  try {
    return typeof e.timestamp === "number" ? e.timestamp : undefined;
  } catch {
    return undefined;
  }
};

const TEXT_OPERATIONS = new Set(["ai.generateText", "ai.streamText"]);
// Deprecated in `ai` 7 in favour of generateText's `output`, and still called: one model call each.
const OBJECT_OPERATIONS = new Set(["ai.generateObject", "ai.streamObject"]);
const STREAM_OPERATIONS = new Set(["ai.streamText", "ai.streamObject"]);
const EMBED_OPERATIONS = new Set(["ai.embed", "ai.embedMany"]);
const RERANK_OPERATION = "ai.rerank";
// Events carry this placeholder instead of the real error when recordInputs/recordOutputs is off.
const PLACEHOLDER_ERROR_MESSAGE = "AI SDK operation failed";
// The AI SDK's finish reason of a generation cut short by an error (the registry's value too).
const FINISH_ERROR = "error";

// Every hook and wrapper `ai` looks up on an integration.
const HOOKS = [
  "onStart",
  "onLanguageModelCallStart",
  "executeLanguageModelCall",
  "onLanguageModelCallEnd",
  "onObjectStepStart",
  "onObjectStepEnd",
  "onToolExecutionStart",
  "executeTool",
  "onToolExecutionEnd",
  "onStepError",
  "onEnd",
  "onAbort",
  "onError",
] as const;

/**
 * The AI SDK `Telemetry` integration: lifecycle events become GenAI operations, and the two
 * execute wrappers run the provider call and each tool body inside their span's context.
 */
export class AiSdkIntegration implements Telemetry, OpenRuns {
  private readonly calls: CallStore;
  private versionChecked = false;

  constructor(
    private readonly telemetry: GenAITelemetry,
    maxOpenRuns?: number,
  ) {
    this.calls = new CallStore(maxOpenRuns);
  }

  /**
   * `ai` looks up each hook of each integration once per call, and for every hook it finds it copies
   * and redacts each event (and each wrapped result). While nothing would be recorded (no
   * TracerProvider or MeterProvider), the hooks read as absent, so such a call costs what it would
   * without the integration. A call keeps the hooks it found at its start, so a call that started
   * while recording gets all its events even if the provider goes away.
   *
   * The accessors are the prototype's, shared by every instance: defined on each instance, every
   * integration made would get a hidden class of its own, and the code `ai` and this class run on
   * integrations would be deoptimized whenever one is dropped and another made.
   */
  static {
    const proto = AiSdkIntegration.prototype;
    for (const key of HOOKS) {
      const method = proto[key];
      Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get(this: AiSdkIntegration) {
          try {
            if (this.telemetry.active) return method;
            warnNoSdkOnce();
            return undefined;
          } catch {
            return undefined;
          }
        },
      });
    }
  }

  onStart(event: unknown): void {
    try {
      const e = event as Dict;
      if (!this.versionChecked) {
        this.versionChecked = true;
        checkAiVersion(e.aiVersion);
      }
      // Checked on each call: @ai-sdk/otel may be registered after this integration.
      warnIfAiSdkOtelRegistered(this);
      // No TracerProvider or MeterProvider yet: track nothing, so every later hook and both
      // wrappers find no call and cost nothing.
      if (!this.telemetry.active) return;
      const callId = asString(e.callId);
      const op = asString(e.operationId);
      if (!callId || !op || this.calls.has(callId)) return;
      let kind: CallKind;
      if (TEXT_OPERATIONS.has(op)) kind = "text";
      else if (OBJECT_OPERATIONS.has(op)) kind = "object";
      else if (EMBED_OPERATIONS.has(op)) kind = "embed";
      else if (op === RERANK_OPERATION) kind = "rerank";
      else return;
      const capture = this.telemetry.captureContent;
      const inputs = capture && e.recordInputs !== false;
      const outputs = capture && e.recordOutputs !== false;
      const stream = STREAM_OPERATIONS.has(op);
      // An object call's `output` names its strategy (object, array, enum, no-schema): JSON, all of them.
      const outputType = kind === "object" ? "json" : outputTypeOf(e.output);
      // Everything that reads user-supplied values comes before the span starts: a throw after it
      // would leave a span no call state knows about.
      const toolDescriptions = describeTools(e.tools);
      const openaiServiceTier = requestedServiceTier(e.providerOptions);
      const root = this.startRoot(kind, e, inputs, stream, outputType);
      this.calls.add({
        callId,
        kind,
        root,
        inputs,
        outputs,
        stream,
        outputType,
        toolDescriptions,
        openaiServiceTier,
        model: undefined,
        tools: undefined,
        lastError: undefined,
        object: kind === "object" ? { request: requestParams(e, stream, outputType), text: undefined } : undefined,
      });
    } catch (err) {
      hookFailed("onStart", err);
    }
  }

  onLanguageModelCallStart(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      if (state?.kind === "text") this.startModelCall(state, e);
    } catch (err) {
      hookFailed("onLanguageModelCallStart", err);
    }
  }

  // `ai` calls this once per attempt: a failed attempt that `ai` retries (`maxRetries`) comes back
  // here, into the same open span (generateText fires the start event once for all attempts,
  // streamText once per attempt; both find the span still open). So a rejection does not end the
  // span: the end event ends it when an attempt succeeds, and the call's error events (onStepError,
  // onError, onAbort) fail it with the final error when none does.
  executeLanguageModelCall<T>(options: { callId: string; execute: () => PromiseLike<T> }): PromiseLike<T> {
    const { execute } = options;
    let state: CallState | undefined;
    let model: OpenModelCall | undefined;
    try {
      state = this.calls.get(options.callId);
      if (state?.kind === "text") {
        // Without an earlier start event the wrapper opens the span itself. The AI SDK measures time
        // to first output from the start of the attempt that answers, so the chunk time is placed
        // relative to this moment (only streamed calls report one).
        model = this.startModelCall(state, options as unknown as Dict);
        model.attemptError = undefined;
        if (state.stream) model.startedMs = nowMs();
      }
    } catch (err) {
      diag.debug("otel-agents/ai-sdk: executeLanguageModelCall could not find its span", err);
    }
    if (!state || !model) return execute();
    return runIn(model.handle, execute, attemptFailed, state, model);
  }

  onLanguageModelCallEnd(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      const model = state?.model;
      if (!state || !model) return;
      const perf = isRecord(e.performance) ? e.performance : {};
      const request = isRecord(e.request) ? e.request : {};
      const facts: OperationFacts = {
        // On the end event `modelId` is the model that answered (the response's model id).
        responseModel: asString(e.modelId),
        responseId: asString(e.responseId),
        finishReasons: typeof e.finishReason === "string" ? [e.finishReason] : undefined,
        usage: languageModelUsage(e.usage),
        server: serverOfUrl(request.url),
        openai: openaiResponseFacts(e.provider, e.providerMetadata),
        content: state.outputs ? { outputMessages: () => outputMessages(e.content) } : undefined,
      };
      endModelCall(state, model, e, perf.timeToFirstOutputMs, facts);
      // An attempt that failed before this one succeeded is not the error of anything later.
      state.lastError = undefined;
    } catch (err) {
      hookFailed("onLanguageModelCallEnd", err);
    }
  }

  /**
   * The one model call of `generateObject` / `streamObject` (`ai` 7 runs it without the execute
   * wrapper, so the provider's own request is not under this span). Its settings are the call's.
   */
  onObjectStepStart(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      if (state?.kind !== "object" || state.model) return;
      const startedMs = timeOf(e) ?? nowMs();
      const prompt = e.promptMessages;
      const handle = this.telemetry.start({
        operation: "chat",
        parent: state.root,
        provider: asString(e.provider),
        requestModel: asString(e.modelId),
        request: state.object?.request,
        openai: openaiRequestFacts(e.provider, state.openaiServiceTier),
        content: state.inputs
          ? { systemInstructions: () => providerPrompt(prompt).system, inputMessages: () => providerPrompt(prompt).messages }
          : undefined,
        startTime: startedMs,
      });
      state.model = { handle, startedMs, attemptError: undefined };
    } catch (err) {
      hookFailed("onObjectStepStart", err);
    }
  }

  onObjectStepEnd(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      const model = state?.model;
      if (state?.kind !== "object" || !model) return;
      const text = typeof e.objectText === "string" ? e.objectText : undefined;
      if (state.object) state.object.text = text;
      const response = isRecord(e.response) ? e.response : {};
      const request = isRecord(e.request) ? e.request : {};
      const facts: OperationFacts = {
        responseModel: asString(response.modelId),
        responseId: asString(response.id),
        finishReasons: typeof e.finishReason === "string" ? [e.finishReason] : undefined,
        usage: languageModelUsage(e.usage),
        server: serverOfUrl(request.url),
        openai: openaiResponseFacts(e.provider, e.providerMetadata),
        content: state.outputs ? { outputMessages: () => textOutput(text) } : undefined,
      };
      if (e.finishReason === FINISH_ERROR) {
        // An error part of the stream: the call's end event, next, carries the error itself.
        recordFirstChunk(state, model, e.msToFirstChunk);
        model.handle.update(facts);
        return;
      }
      endModelCall(state, model, e, e.msToFirstChunk, facts);
    } catch (err) {
      hookFailed("onObjectStepEnd", err);
    }
  }

  onToolExecutionStart(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      if (state?.kind === "text" && isRecord(e.toolCall)) this.startTool(state, e.toolCall, timeOf(e));
    } catch (err) {
      hookFailed("onToolExecutionStart", err);
    }
  }

  executeTool<T>(options: { callId: string; toolCallId: string; execute: () => PromiseLike<T> }): PromiseLike<T> {
    const { execute } = options;
    let handle: OperationHandle | undefined;
    try {
      const state = this.calls.get(options.callId);
      if (state?.kind === "text") {
        const toolCall = (options as unknown as Dict).toolCall;
        handle =
          state.tools?.get(options.toolCallId) ??
          (isRecord(toolCall) ? this.startTool(state, { ...toolCall, toolCallId: options.toolCallId }, undefined) : undefined);
      }
    } catch (err) {
      diag.debug("otel-agents/ai-sdk: executeTool could not find its span", err);
    }
    if (!handle) return execute();
    // The end event follows with the result; a throw is recorded here, with the real error.
    return runIn(handle, execute, toolFailed, handle, undefined);
  }

  onToolExecutionEnd(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      const toolCall = isRecord(e.toolCall) ? e.toolCall : {};
      const id = asString(toolCall.toolCallId);
      const handle = id ? state?.tools?.get(id) : undefined;
      if (!state || !id || !handle) return;
      const output = isRecord(e.toolOutput) ? e.toolOutput : {};
      if (output.type === "tool-error") failWith(handle, output.error, timeOf(e));
      else handle.end(state.outputs ? { content: { toolResult: () => output.output } } : undefined, timeOf(e));
      state.tools?.delete(id);
    } catch (err) {
      hookFailed("onToolExecutionEnd", err);
    }
  }

  // No onStepEnd: the model-call end event carries the same facts, and `ai` clones and redacts
  // the whole step result (messages, tool calls and results) for every integration that
  // subscribes to it, which was the largest cost of a traced step (bench/results/latest.md).

  onStepError(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      if (!state) return;
      const error = this.realError(state, e.error);
      closeChildren(state, (h) => failWith(h, error, timeOf(e)));
    } catch (err) {
      hookFailed("onStepError", err);
    }
  }

  onEnd(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      if (!state) return;
      const end = timeOf(e);
      // A call whose last step ended in an error without throwing (streamText after an error part in
      // the model's stream: the app's onError got the error, integrations only this finish reason).
      // streamObject hands its end event the error it met (an error part of the model's stream, or
      // an answer that did not parse or validate, with the finish reason the model gave).
      const objectError = state.kind === "object" ? e.error : undefined;
      const failed =
        ((state.kind === "text" || state.kind === "object") && e.finishReason === FINISH_ERROR) || objectError !== undefined;
      let error: unknown = objectError;
      if (failed && state.model) {
        // Still open: its end event never came (no finish part after the error), so no finish reason
        // arrived and the span gets `error`, with the error of its last attempt if that attempt threw
        // (a stream retry, `streamRetries`), else unknown. Or an object call's model call, left open
        // at its error part for the error this event carries.
        const model = state.model;
        state.model = undefined;
        error ??= model.attemptError;
        failOrOther(model.handle, error, undefined, end);
      }
      if (hasOpenChildren(state)) closeChildren(state, (h) => h.end(undefined, end));
      if (state.kind === "text") {
        let content: OperationContent | undefined;
        if (state.outputs) {
          const finalStep = isRecord(e.finalStep) ? e.finalStep : undefined;
          content = { outputMessages: () => outputMessages(finalStep?.content) ?? textOutput(e.text) };
        }
        if (failed) failOrOther(state.root, error, { content }, end);
        else state.root.end(content ? { content } : undefined, end);
      } else if (state.kind === "object") {
        const text = state.object?.text;
        const content: OperationContent | undefined = state.outputs ? { outputMessages: () => textOutput(text) } : undefined;
        if (failed) failOrOther(state.root, error, { content }, end);
        else state.root.end(content ? { content } : undefined, end);
      } else if (state.kind === "embed") {
        state.root.end(
          {
            responseModel: embeddingResponseModel(e.response),
            usage: { inputTokens: embeddingTokens(e.usage) },
            embeddingsDimensionCount: dimensionsOf(e.embedding),
          },
          end,
        );
      } else {
        state.root.end(undefined, end);
      }
      // Forgotten only once ended: if reading the event threw, `endOpenCalls()` still closes the root.
      this.calls.delete(state.callId);
    } catch (err) {
      hookFailed("onEnd", err);
    }
  }

  onAbort(event: unknown): void {
    try {
      const e = event as Dict;
      const state = this.calls.get(e.callId);
      if (!state) return;
      this.calls.delete(state.callId);
      const type = abortErrorType(e.reason);
      closeAll(state, (h) => h.failWithType(type, undefined, timeOf(e)));
    } catch (err) {
      hookFailed("onAbort", err);
    }
  }

  onError(event: unknown): void {
    try {
      const e = isRecord(event) ? event : {};
      const state = this.calls.get(e.callId);
      if (!state) return;
      this.calls.delete(state.callId);
      const error = this.realError(state, e.error);
      // An object call's model call has no execute wrapper to see an API error name its server.
      if (state.kind === "object") state.model?.handle.update({ server: serverOfUrl(isRecord(error) ? error.url : undefined) });
      closeAll(state, (h) => failWith(h, error, timeOf(e)));
    } catch (err) {
      hookFailed("onError", err);
    }
  }

  /** Calls still open (started, not yet ended); 0 when idle. */
  get openRuns(): number {
    return this.calls.size;
  }

  /**
   * Ends the spans of every call still open as orphaned (`error.type` `otel_agents.orphaned`) and
   * forgets them; returns how many calls. For shutdown: a call whose end event never comes (the
   * process is stopping, or the SDK lost the call) would otherwise keep its spans open.
   */
  endOpenRuns(): number {
    return guard("endOpenRuns", () => this.calls.closeAllCalls((h) => h.failWithType(ERROR_TYPE.orphaned))) ?? 0;
  }

  /** @deprecated `openRuns` (its name in 0.1). */
  get openCalls(): number {
    return this.openRuns;
  }

  /** @deprecated `endOpenRuns()` (its name in 0.1). */
  endOpenCalls(): number {
    return this.endOpenRuns();
  }

  private startRoot(kind: CallKind, e: Dict, inputs: boolean, stream: boolean, outputType: string | undefined) {
    const provider = asString(e.provider);
    const requestModel = asString(e.modelId);
    const startTime = timeOf(e);
    if (kind === "embed") {
      return this.telemetry.start({
        operation: "embeddings",
        provider,
        requestModel,
        embeddingsDimensionCount: typeof e.dimensions === "number" ? e.dimensions : undefined,
        startTime,
      });
    }
    if (kind === "rerank") {
      // Reranking has no operation in the conventions: a framework step, named for the model.
      return this.telemetry.start({
        operation: "step",
        step: { type: "rerank", name: requestModel ? `rerank ${requestModel}` : "rerank" },
        startTime,
      });
    }
    return this.telemetry.start({
      operation: "invoke_agent",
      agent: { name: asString(e.functionId) },
      provider,
      requestModel,
      request: requestParams(e, stream, outputType),
      content: inputs ? (kind === "object" ? objectCallInput(e) : textCallInput(e)) : undefined,
      startTime,
    });
  }

  private startModelCall(state: CallState, e: Dict) {
    // Steps run one after another and each model-call end closes its call, so an open one here is
    // this same call seen again (a retried attempt, the integration registered twice, or the
    // wrapper after the event).
    if (state.model) return state.model;
    // One clock read: the span's start and the base of time to first chunk are the same moment.
    const startedMs = timeOf(e) ?? nowMs();
    const handle = this.telemetry.start({
      operation: "chat",
      parent: state.root,
      provider: asString(e.provider),
      requestModel: asString(e.modelId),
      request: requestParams(e, state.stream, state.outputType),
      openai: openaiRequestFacts(e.provider, state.openaiServiceTier),
      content: state.inputs
        ? {
            systemInstructions: () => systemInstructions(e.instructions),
            inputMessages: () => inputMessages(e.messages),
            toolDefinitions: () => toolDefinitions(e.tools),
          }
        : undefined,
      startTime: startedMs,
    });
    const model: OpenModelCall = { handle, startedMs, attemptError: undefined };
    state.model = model;
    return model;
  }

  private startTool(state: CallState, toolCall: Dict, startTime: number | undefined): OperationHandle | undefined {
    const id = asString(toolCall.toolCallId);
    if (!id) return undefined;
    const existing = state.tools?.get(id);
    if (existing) return existing;
    const name = asString(toolCall.toolName);
    const handle = this.telemetry.start({
      operation: "execute_tool",
      parent: state.root,
      tool: {
        name,
        callId: id,
        type: "function",
        description: name ? state.toolDescriptions.get(name) : undefined,
      },
      content: state.inputs ? { toolArguments: () => toolCall.input } : undefined,
      startTime,
    });
    (state.tools ??= new Map()).set(id, handle);
    return handle;
  }

  private realError(state: CallState, error: unknown): unknown {
    try {
      const placeholder = error instanceof Error && error.message === PLACEHOLDER_ERROR_MESSAGE && error.name === "Error";
      return placeholder && state.lastError !== undefined ? state.lastError : error;
    } catch {
      // An error whose `message` or `name` getter throws is no placeholder.
      return error;
    }
  }
}

const guard = createGuard("otel-agents/ai-sdk", "telemetry for this call may be incomplete");

/**
 * Runs `execute` as the span's child context and returns a promise of its outcome: the result and
 * any error reach the caller unchanged, `onError` sees an error before the caller does, and a
 * rejection the caller never handles is still reported (`followPromise`). `onError` takes its data
 * as arguments so that no closure is made per call.
 */
function runIn<T, A, B>(
  handle: OperationHandle,
  execute: () => PromiseLike<T>,
  onError: (err: unknown, a: A, b: B) => void,
  a: A,
  b: B,
): PromiseLike<T> {
  let result: PromiseLike<T>;
  try {
    result = context.with(handle.context, execute);
  } catch (err) {
    report(err, onError, a, b);
    throw err;
  }
  return followPromise(Promise.resolve(result), undefined, (err) => report(err, onError, a, b));
}

function report<A, B>(err: unknown, onError: (err: unknown, a: A, b: B) => void, a: A, b: B): void {
  try {
    onError(err, a, b);
  } catch (e) {
    diag.debug("otel-agents/ai-sdk: could not record an error", e);
  }
}

/** A provider call attempt failed: the error of the attempt and of the call so far. */
function attemptFailed(err: unknown, call: CallState, attempt: OpenModelCall): void {
  call.lastError = err;
  attempt.attemptError = err;
  // An API error names the server it reached, which a later success may not report.
  attempt.handle.update({ server: serverOfUrl(isRecord(err) ? err.url : undefined) });
}

function toolFailed(err: unknown, tool: OperationHandle): void {
  failWith(tool, err);
}

/**
 * A hook body threw: reported the kit's way (warned once per hook, then at debug level). The hooks
 * catch inline rather than pass `guard` a closure, which every event would allocate.
 */
function hookFailed(hook: string, err: unknown): void {
  guard(hook, () => {
    throw err;
  });
}

/**
 * Ends a model call with the facts of its end event (`e`), after its time to first chunk when it
 * streamed (`ttfcMs`, from the start of the attempt that answered). Finish reason `error`: the
 * generation ended in an error without the call throwing (a provider finishes a stream that carried
 * an error part this way); the error itself went to the app's onError only, never to an
 * integration, so its kind is unknown.
 */
function endModelCall(state: CallState, model: OpenModelCall, e: Dict, ttfcMs: unknown, facts: OperationFacts): void {
  recordFirstChunk(state, model, ttfcMs);
  if (e.finishReason === FINISH_ERROR) model.handle.failWithType(ERROR_TYPE.other, facts, timeOf(e));
  else model.handle.end(facts, timeOf(e));
  // Forgotten only once ended: if reading the event threw, the call's end still closes the span.
  state.model = undefined;
}

function recordFirstChunk(state: CallState, model: OpenModelCall, ttfcMs: unknown): void {
  if (state.stream && typeof ttfcMs === "number" && Number.isFinite(ttfcMs)) {
    model.handle.recordFirstChunk(model.startedMs + Math.max(0, ttfcMs));
  }
}

function textCallInput(e: Dict): OperationContent {
  return {
    systemInstructions: () => systemInstructions(e.instructions),
    inputMessages: () => inputMessages(e.messages),
    toolDefinitions: () => toolDefinitions(e.tools),
  };
}

/** `generateObject` / `streamObject` start with the prompt as the app gave it. */
function objectCallInput(e: Dict): OperationContent {
  return {
    systemInstructions: () => appPrompt(e.system ?? e.instructions, e.prompt, e.messages).system,
    inputMessages: () => appPrompt(e.system ?? e.instructions, e.prompt, e.messages).messages,
  };
}

// Shared by every call without tool descriptions (most streamed calls): never written to.
const NO_DESCRIPTIONS: ReadonlyMap<string, string> = new Map();

function describeTools(tools: unknown): ReadonlyMap<string, string> {
  if (!isRecord(tools)) return NO_DESCRIPTIONS;
  let out: Map<string, string> | undefined;
  for (const [name, tool] of Object.entries(tools)) {
    if (isRecord(tool) && typeof tool.description === "string" && tool.description) {
      out ??= new Map();
      out.set(name, tool.description);
    }
  }
  return out ?? NO_DESCRIPTIONS;
}

/** The length of the returned vectors: `embed` returns one vector, `embedMany` several. */
function dimensionsOf(embedding: unknown): number | undefined {
  if (!Array.isArray(embedding) || embedding.length === 0) return undefined;
  const first = embedding[0];
  if (Array.isArray(first)) return first.length > 0 ? first.length : undefined;
  return typeof first === "number" ? embedding.length : undefined;
}

/** Fails a span with the AI SDK's error kind where it knows a better one than the class name. */
function failWith(handle: OperationHandle, error: unknown, endTime?: number): void {
  handle.fail(error, undefined, endTime, aiSdkErrorType(error));
}

/** Fails a span with the error if one is known, else with the registry's fallback `_OTHER`. */
function failOrOther(handle: OperationHandle, error: unknown, facts: OperationFacts | undefined, endTime?: number): void {
  if (error === undefined) handle.failWithType(ERROR_TYPE.other, facts, endTime);
  else handle.fail(error, facts, endTime, aiSdkErrorType(error));
}
