import {
  BoundedMap,
  DEFAULT_MAX_OPEN_RUNS,
  ERROR_TYPE,
  type OperationHandle,
  type RequestParams,
} from "@otel-agents/core/adapter";

/** What kind of AI SDK operation a top-level call is. */
export type CallKind = "text" | "object" | "embed" | "rerank";

/**
 * An inference span in flight, with when its provider call began (for time to first chunk: set by
 * the execute wrapper for streamed calls only; otherwise when the span started). `ai` retries a
 * failed provider call inside the same model call (`maxRetries`), and the span covers every attempt.
 */
export interface OpenModelCall {
  readonly handle: OperationHandle;
  startedMs: number;
  /**
   * The error of the latest attempt if it failed (cleared when the next attempt starts). Not the
   * span's end: a retry may still succeed, and the call's error events end the span if none does.
   */
  attemptError: unknown;
}

/**
 * Everything we track for one top-level AI SDK call. Every event carries its `callId`; model-call
 * events carry no step number and some streaming callbacks run outside the caller's async
 * context, so spans are found here, never through the active context.
 */
export interface CallState {
  readonly callId: string;
  readonly kind: CallKind;
  readonly root: OperationHandle;
  /** Input content may be recorded: our capture policy and the call's `recordInputs` both allow it. */
  readonly inputs: boolean;
  /** Output content may be recorded: our capture policy and the call's `recordOutputs` both allow it. */
  readonly outputs: boolean;
  readonly stream: boolean;
  readonly outputType: string | undefined;
  readonly toolDescriptions: ReadonlyMap<string, string>;
  /** `providerOptions.openai.serviceTier` of the call (model-call events carry no provider options). */
  readonly openaiServiceTier: string | undefined;
  /** Steps run one after another, so one model call at most is open per call. */
  model: OpenModelCall | undefined;
  /** Open tool calls by tool call id; made on the first tool call (a plain streamed call has none). */
  tools: Map<string, OperationHandle> | undefined;
  /** The last error a wrapper saw: events carry a placeholder error when recording is off. */
  lastError: unknown;
  /**
   * Object generation: the call's settings, for its one model call (whose start event has none),
   * and the JSON text the model answered, for the call's own output.
   */
  object?: { request: RequestParams | undefined; text: string | undefined };
}

/** Open calls by `callId`, bounded: beyond the limit the oldest call's spans are ended as evicted. */
export class CallStore {
  private readonly calls: BoundedMap<string, CallState>;

  constructor(maxOpen = DEFAULT_MAX_OPEN_RUNS) {
    this.calls = new BoundedMap(maxOpen, (_, oldest) => closeAll(oldest, (h) => h.failWithType(ERROR_TYPE.evicted)));
  }

  get(callId: unknown): CallState | undefined {
    return typeof callId === "string" ? this.calls.get(callId) : undefined;
  }

  has(callId: string): boolean {
    return this.calls.has(callId);
  }

  add(state: CallState): void {
    this.calls.set(state.callId, state);
  }

  /** Closes and forgets every call, newest first (a nested call's spans end before its parent's). */
  closeAllCalls(close: (handle: OperationHandle) => void): number {
    const open = Array.from(this.calls.values()).reverse();
    this.calls.clear();
    for (const state of open) closeAll(state, close);
    return open.length;
  }

  delete(callId: string): void {
    this.calls.delete(callId);
  }

  get size(): number {
    return this.calls.size;
  }
}

/** Ends the open children, then the root, the same way (children first so their times nest). */
export function closeAll(state: CallState, close: (handle: OperationHandle) => void): void {
  closeChildren(state, close);
  close(state.root);
}

export function closeChildren(state: CallState, close: (handle: OperationHandle) => void): void {
  if (state.model) {
    close(state.model.handle);
    state.model = undefined;
  }
  if (!state.tools || state.tools.size === 0) return;
  for (const handle of state.tools.values()) close(handle);
  state.tools.clear();
}

/** Whether a model call or a tool call of the call is still open. */
export function hasOpenChildren(state: CallState): boolean {
  return state.model !== undefined || (state.tools !== undefined && state.tools.size > 0);
}
