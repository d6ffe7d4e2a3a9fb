import type { Span, SpanData, TurnUsageData } from "@openai/agents-core";
import type { Context } from "@opentelemetry/api";
import { addUsage, type GenAITelemetry, nowMs, type OperationFacts, type Usage } from "@otel-agents/core/adapter";
import { type AgentsFailure, isGuardrailTrip } from "./error-type.js";
import {
  generationEndFacts,
  generationProvider,
  generationStartFacts,
  type InferenceFacts,
  responseEndFacts,
  turnUsage,
} from "./model-facts.js";
import type { ModelCallFacts, RequestedModel } from "./model-response.js";
import { inStreamedRun } from "./runner-hooks.js";
import type { SpanNode, SpanStore } from "./span-store.js";
import type { SpanTree } from "./span-tree.js";
import { ToolCalls } from "./tool-calls.js";

/** Provider and model of the model behind an agent whose calls the SDK does not describe. */
export type CustomModelInfoOf = (agentName: string) => { provider?: string; model?: string } | undefined;

/** A model call seen as a response/generation span, waiting for its turn's usage. */
interface InferenceCall {
  id: string;
  ended: boolean;
  /** Set when its Agents span ended but the operation waits for the turn's usage. */
  pending?: { endMs: number; facts: OperationFacts; failure: AgentsFailure | undefined };
}

/** A turn: one model call and the tools/handoffs it asked for. Not a span of its own. */
export interface TurnState {
  parentId: string | null;
  agentName: string | undefined;
  conversationId: string | undefined;
  parent: Context;
  startMs: number;
  firstChildMs: number | undefined;
  ranTools: boolean;
  /** Its model calls' spans; undefined until the first (never, for a custom Model). */
  calls: InferenceCall[] | undefined;
  /** The tool calls its model asked for and the tools' descriptions (made when the first is seen). */
  tools?: ToolCalls;
  /** Usage of model calls in runs nested in this turn (agents as tools): the runner counts it in the turn's. */
  nested: Usage | undefined;
  /** A streamed model request started in this turn (seen by `instrumentModel`), not yet claimed by a model span. */
  streaming: boolean;
  /** First chunk of a custom Model's stream (its chat span is only made at the turn's end). */
  firstChunkMs: number | undefined;
  /** What the watched model said of itself when the turn's model call started, until its span claims it. */
  requested?: RequestedModel;
  /** What `instrumentModel` saw of the turn's model response. */
  model?: { responseId: string | undefined; reasoningOutputTokens: number | undefined };
  /**
   * When a watched model's call started and returned: a custom Model's chat span covers the call
   * itself, also where the turn runs a tool first (a run resumed after an approval, Agents 0.17).
   */
  modelStartMs?: number;
  modelEndMs?: number;
}

// Shared by every turn: the core reads facts and never changes them (`finishReasons` is readonly there).
const TOOL_CALL: readonly string[] = Object.freeze(["tool_call"]);
const STOP: readonly string[] = Object.freeze(["stop"]);

type InferenceSpanData = Extract<SpanData, { type: "response" | "generation" }>;

/**
 * Turns and usage. The runner reports usage per turn (one model call) on the turn span, which ends
 * after its model call's span: a model call without its own usage waits for its turn's, and a
 * custom Model (no response/generation span) gets its `chat` span from the turn. A turn's usage
 * includes that of runs nested in it (agents as tools), which is taken out again.
 */
export class Turns {
  private readonly tree: SpanTree;
  private readonly store: SpanStore;
  private readonly telemetry: GenAITelemetry;
  private readonly customModelInfo: CustomModelInfoOf | undefined;

  constructor(tree: SpanTree, store: SpanStore, telemetry: GenAITelemetry, customModelInfo: CustomModelInfoOf | undefined) {
    this.tree = tree;
    this.store = store;
    this.telemetry = telemetry;
    this.customModelInfo = customModelInfo;
  }

  started(span: Span<SpanData>, node: SpanNode, agentName: string | undefined): void {
    node.turn = {
      parentId: span.parentId,
      agentName,
      conversationId: this.store.trace(span.traceId)?.conversationId,
      nested: undefined,
      // Known from the run's own options; `instrumentModel` also says so when the stream starts.
      streaming: inStreamedRun(),
      firstChunkMs: undefined,
      parent: this.tree.parentContext(span),
      startMs: node.startMs,
      firstChildMs: undefined,
      ranTools: false,
      calls: undefined,
    };
  }

  /** A tool or handoff started in the turn (if any) of a span with parent `parentId`: its model call is over. */
  toolStarted(parentId: string | null, node: SpanNode): void {
    const turn = this.store.enclosingTurn(parentId);
    if (!turn) return;
    turn.firstChildMs ??= node.startMs;
    turn.ranTools = true;
  }

  /** A model call's span (Responses or Chat Completions, or another model that traces) starts. */
  inferenceStarted(span: Span<SpanData>, node: SpanNode, data: InferenceSpanData): void {
    const turn = this.store.enclosingTurn(span.parentId);
    const provider = data.type === "generation" ? generationProvider(data) : undefined;
    const isOpenAI = provider === undefined;
    const facts = data.type === "generation" ? generationStartFacts(data) : {};
    // The streamed request the turn announced is this call's.
    const stream = turn ? turn.streaming : inStreamedRun();
    // The model the watched model object asks for, and where: the Responses span names neither
    // (its response names the model that answered, not the one requested). A watched model says
    // it at the call; else the Model object the app gave the agent said it when the agent started.
    const requested = turn?.requested ?? this.store.enclosingAgent(span.parentId)?.requested;
    if (turn) {
      turn.streaming = false;
      turn.requested = undefined;
    }
    // Only when true (read as a flag): most calls then add no field to their node.
    if (stream) node.streamed = true;
    node.handle = this.tree.startOp(span, {
      operation: "chat",
      provider: provider ?? "openai",
      ...facts,
      requestModel: facts.requestModel ?? (isOpenAI ? requested?.requestModel : undefined),
      server: isOpenAI ? requested?.server : undefined,
      // Not a conditional spread, which makes an object to copy from: undefined is no fact either.
      request: stream ? { ...facts.request, stream } : facts.request,
      openai: isOpenAI ? { apiType: data.type === "response" ? "responses" : "chat_completions" } : undefined,
    });
    if (turn) (turn.calls ??= []).push({ id: span.spanId, ended: false });
  }

  inferenceEnded(span: Span<SpanData>, node: SpanNode, failure: AgentsFailure | undefined): void {
    const data = span.spanData;
    const capture = this.telemetry.captureContent;
    let info: InferenceFacts | undefined;
    if (data.type === "response") info = responseEndFacts(data, capture);
    else if (data.type === "generation") info = generationEndFacts(data, capture);
    if (!info) return;
    // A streamed Chat Completions call leaves the SDK's own completion object here, whose `model`
    // is the requested one (the chunks' model is never copied in): not the response's model.
    if (data.type === "generation" && node.streamed) info.facts.responseModel = undefined;
    const turn = this.store.enclosingTurn(span.parentId);
    const call = turn ? callOf(turn, span.spanId) : undefined;
    if (turn) {
      if (info.toolCalls.length > 0) toolsOf(turn).add(info.toolCalls);
      if (info.toolDescriptions?.size) toolsOf(turn).describe(info.toolDescriptions);
    }
    if (call && !info.hasUsage) {
      // Usage (and, for failures, the error's class name) arrive with the turn: wait for it.
      call.pending = { endMs: nowMs(), facts: info.facts, failure };
      return;
    }
    if (call) call.ended = true;
    if (info.facts.usage && turn) this.addToEnclosingTurns(turn.parentId, info.facts.usage);
    this.tree.finishOp(span.spanId, info.facts, failure);
  }

  ended(turn: TurnState, rawUsage: TurnUsageData | undefined, failure: AgentsFailure | undefined): void {
    const usage = turnUsage(rawUsage);
    // A watched model's response says whether it asked for tools: a call awaiting approval runs no
    // tool in its turn, and a resumed run (Agents 0.17) runs the approved one in the next turn.
    // Otherwise a tool or handoff in the turn says so.
    const askedForTools = turn.model ? turn.tools?.asked === true : turn.ranTools;
    const finishReasons = askedForTools ? TOOL_CALL : STOP;
    const calls = turn.calls;
    if (calls !== undefined) {
      // One model call per turn: its usage is the turn's. More than one cannot be split; leave them without.
      const single = calls.length === 1;
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i] as InferenceCall;
        if (call.ended || !call.pending) continue;
        call.ended = true;
        // Its facts are no one else's (made at its span's end, then kept here): completed in place.
        const { endMs, facts: merged, failure: own } = call.pending;
        if (single && usage && !own) merged.usage = ownUsage(usage, turn);
        if (single && !merged.responseId) merged.responseId = turn.model?.responseId;
        if (merged.usage) this.addToEnclosingTurns(turn.parentId, merged.usage);
        if (!merged.finishReasons && !own) merged.finishReasons = finishReasons;
        const callFailure = own && failure && !isGuardrailTrip(failure) && own.name === "_OTHER" ? failure : own;
        this.tree.finishOp(call.id, merged, callFailure, endMs);
      }
      return;
    }
    // No generation/response span: a custom Model. A turn with usage had exactly one completed call;
    // a failed turn without usage or children failed in its model call.
    const modelFailed =
      failure !== undefined && usage === undefined && turn.firstChildMs === undefined && !isGuardrailTrip(failure);
    if (!usage && !modelFailed) return;
    const info = this.customModelInfo?.(turn.agentName ?? "");
    const handle = this.telemetry.start({
      operation: "chat",
      provider: info?.provider ?? "unknown",
      requestModel: info?.model,
      request: turn.streaming ? { stream: true } : undefined,
      conversationId: turn.conversationId,
      parent: turn.parent,
      startTime: turn.modelStartMs ?? turn.startMs,
    });
    if (turn.firstChunkMs !== undefined) handle.recordFirstChunk(turn.firstChunkMs);
    const endMs = turn.modelEndMs ?? turn.firstChildMs ?? nowMs();
    if (modelFailed && failure) {
      handle.fail(failure, undefined, endMs);
      return;
    }
    const own = usage ? ownUsage(usage, turn) : undefined;
    if (own) this.addToEnclosingTurns(turn.parentId, own);
    handle.end({ usage: own, finishReasons, responseId: turn.model?.responseId }, endMs);
  }

  /**
   * A model call seen by `instrumentModel`: what its span could not say (a custom Model traces no
   * response; a Chat Completions span lists no tools) is kept on its turn.
   */
  modelCallFinished(traceId: string, spanId: string, facts: ModelCallFacts): void {
    const node = this.store.node(spanId);
    if (!node || node.traceId !== traceId) return;
    const turn = node.turn ?? this.store.enclosingTurn(node.parentId);
    if (!turn) return;
    if (facts.toolCalls.length > 0) toolsOf(turn).addNew(facts.toolCalls);
    if (facts.toolDescriptions.size > 0) toolsOf(turn).describe(facts.toolDescriptions);
    turn.model = { responseId: facts.responseId, reasoningOutputTokens: facts.usage?.reasoningOutputTokens };
    if (turn.modelStartMs !== undefined) turn.modelEndMs = nowMs();
  }

  /** A watched model's call starts in the turn `spanId`: what it asks for, for the call's span. */
  modelCallStarted(traceId: string, spanId: string, requested: RequestedModel): void {
    const node = this.store.node(spanId);
    if (node?.traceId !== traceId) return;
    const turn = node.turn ?? this.store.enclosingTurn(node.parentId);
    if (!turn) return;
    turn.requested = requested;
    turn.modelStartMs ??= nowMs();
  }

  /**
   * The runner starts an agent in `spanId` (its first turn, or its agent span) whose Model object
   * no one watches: what that object asks for, for the chat spans of all its turns.
   */
  agentStarted(traceId: string, spanId: string, requested: RequestedModel): void {
    const node = this.store.node(spanId);
    if (node?.traceId !== traceId) return;
    const agent = node.type === "agent" ? node : this.store.enclosingAgent(node.parentId);
    if (agent) agent.requested = requested;
  }

  /** A streamed model request starts in the turn `spanId` (through `instrumentModel`). */
  streamStarted(spanId: string): void {
    const turn = this.store.enclosingTurn(spanId);
    if (turn) turn.streaming = true;
  }

  /** The first chunk of a streamed response arrived while `spanId` (the model call's span, or the turn) was current. */
  firstChunk(spanId: string, timeMs: number): void {
    const node = this.store.node(spanId);
    if (!node) return;
    if (node.handle && (node.type === "response" || node.type === "generation")) {
      node.handle.recordFirstChunk(timeMs);
      return;
    }
    // A custom Model: the turn is current, and its chat span is made at the turn's end.
    if (node.turn && node.turn.calls === undefined) node.turn.firstChunkMs ??= timeMs;
  }

  /** Counts a nested model call's usage in every turn above it, so that those turns can take it out. */
  private addToEnclosingTurns(parentId: string | null, usage: Usage): void {
    this.store.eachAncestor(parentId, addNested, usage);
  }
}

function addNested(node: SpanNode, usage: Usage): void {
  if (node.turn) node.turn.nested = addUsage(node.turn.nested, usage);
}

function callOf(turn: TurnState, spanId: string): InferenceCall | undefined {
  const calls = turn.calls;
  if (calls === undefined) return undefined;
  for (let i = 0; i < calls.length; i++) if ((calls[i] as InferenceCall).id === spanId) return calls[i];
  return undefined;
}

function toolsOf(turn: TurnState): ToolCalls {
  turn.tools ??= new ToolCalls();
  return turn.tools;
}

/**
 * The turn's own usage: the runner's (which has no reasoning tokens) without that of runs nested
 * in it, with the reasoning tokens of its model response when `instrumentModel` saw them.
 */
function ownUsage(usage: Usage, turn: TurnState): Usage {
  const own = turn.nested ? addUsage(usage, turn.nested, -1) : usage;
  const reasoning = turn.model?.reasoningOutputTokens;
  return reasoning === undefined || own.reasoningOutputTokens !== undefined ? own : { ...own, reasoningOutputTokens: reasoning };
}
