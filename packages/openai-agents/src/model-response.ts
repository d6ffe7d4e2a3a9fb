import { getCurrentSpan } from "@openai/agents-core";
import { diag } from "@opentelemetry/api";
import type { Usage } from "@otel-agents/core";
import { isRecord as isObject, type ServerInfo, serverOfUrl, asString as str } from "@otel-agents/core/adapter";
import { type RequestedToolCall, toolDescriptionsOf, usageOf } from "./model-facts.js";

// What only the Model sees: a custom Model's response id and reasoning tokens are in the
// `ModelResponse` it returns (the SDK traces no model response for it), and the descriptions of
// the tools are in the `ModelRequest`. `instrumentModel` hands both to the processors here.

/** Facts of one model call, from its request and response. */
export interface ModelCallFacts {
  responseId: string | undefined;
  usage: Usage | undefined;
  toolCalls: RequestedToolCall[];
  /** Tool name -> the description the model was given. */
  toolDescriptions: Map<string, string>;
}

/** What the model object says of itself before a call: the model it asks for, and where. */
export interface RequestedModel {
  requestModel: string | undefined;
  server: ServerInfo | undefined;
}

export interface ModelCallListener {
  /** A model call starts while the Agents span `spanId` (the turn) of trace `traceId` is current. */
  modelCallStarted(traceId: string, spanId: string, requested: RequestedModel): void;
  /** A model call finished while the Agents span `spanId` of trace `traceId` was current. */
  modelCallFinished(traceId: string, spanId: string, facts: ModelCallFacts): void;
}

const listeners = new Set<ModelCallListener>();

export function listenToModelCalls(listener: ModelCallListener): void {
  listeners.add(listener);
}

export function stopListening(listener: ModelCallListener): void {
  listeners.delete(listener);
}

/** Function calls in a model's output items (Agents protocol: `callId`; Responses API: `call_id`). */
function toolCallsOf(output: unknown): RequestedToolCall[] {
  const calls: RequestedToolCall[] = [];
  if (!Array.isArray(output)) return calls;
  for (const item of output) {
    if (!isObject(item) || item.type !== "function_call") continue;
    const name = str(item.name);
    const callId = str(item.callId) ?? str(item.call_id);
    if (name && callId) calls.push({ name, callId, arguments: str(item.arguments) });
  }
  return calls;
}

/** Tells the processors about a model call the current Agents span made. Never throws. */
export function notifyModelCall(requestTools: unknown, response: unknown): void {
  if (listeners.size === 0) return;
  try {
    const current = getCurrentSpan();
    if (!current) return;
    const r = isObject(response) ? response : {};
    const facts: ModelCallFacts = {
      responseId: str(r.responseId) ?? str(r.id),
      usage: usageOf(r.usage),
      toolCalls: toolCallsOf(r.output),
      toolDescriptions: toolDescriptionsOf(requestTools),
    };
    for (const listener of listeners) listener.modelCallFinished(current.traceId, current.spanId, facts);
  } catch (err) {
    diag.debug("otel-agents: model call note failed", err);
  }
}

/**
 * The model an OpenAI model object asks for and the server it asks, read from the object: the
 * Responses model keeps both in plain fields (`_model`, `_client.baseURL`); the Chat Completions
 * model keeps them private (its generation span names the model). `name`: what the model was
 * handed out for (`getModel(name)`), used when the object does not say.
 */
export function requestedModelOf(model: unknown, name: string | undefined): RequestedModel {
  const m = isObject(model) ? model : {};
  const client = isObject(m._client) ? m._client : undefined;
  return { requestModel: str(m._model) ?? (name || undefined), server: serverOfUrl(client?.baseURL) };
}

/** Tells the processors that the current Agents span (the turn) starts a model call. Never throws. */
export function notifyModelCallStarted(requested: () => RequestedModel): void {
  if (listeners.size === 0) return;
  try {
    const current = getCurrentSpan();
    if (!current) return;
    const facts = requested();
    for (const listener of listeners) listener.modelCallStarted(current.traceId, current.spanId, facts);
  } catch (err) {
    diag.debug("otel-agents: model call start note failed", err);
  }
}
