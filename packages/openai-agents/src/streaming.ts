import type { Model, ModelProvider, ModelRequest, StreamEvent } from "@openai/agents-core";
import { diag } from "@opentelemetry/api";
import { nowMs } from "@otel-agents/core/adapter";
import { notifyModelCall, notifyModelCallStarted, type RequestedModel, requestedModelOf } from "./model-response.js";
import { notifyFirstChunk, notifyStreamStarted, watchCancellation } from "./step-context.js";

// The Agents SDK traces no streaming detail: a streamed model call's response/generation span looks
// exactly like a plain one, and nothing reaches a TracingProcessor while chunks arrive. The only
// place that sees chunks is the Model itself, so the time to first chunk needs the model wrapped.

const WRAPPED = Symbol.for("otel-agents.openai-agents.instrumented-model");

/** Whether `value` is a model or provider already wrapped by this package (any copy of it). */
export function isInstrumented(value: object): boolean {
  return (value as { [WRAPPED]?: boolean })[WRAPPED] === true;
}

const isPromiseLike = (v: unknown): v is PromiseLike<Model> =>
  typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";

async function* observed(model: Model, request: ModelRequest, requested: () => RequestedModel): AsyncIterable<StreamEvent> {
  try {
    // The turn is the current Agents span here: the model's own span starts inside the first `next()`.
    notifyModelCallStarted(requested);
    notifyStreamStarted();
    watchCancellation(request.signal);
  } catch (err) {
    diag.debug("otel-agents: stream start note failed", err);
  }
  let first = true;
  for await (const event of model.getStreamedResponse(request)) {
    if (first) {
      first = false;
      try {
        // The model's span (Responses / Chat Completions) is current now; for a custom Model, the turn.
        notifyFirstChunk(nowMs());
      } catch (err) {
        diag.debug("otel-agents: first chunk note failed", err);
      }
    }
    // The final event carries the whole response: its id, usage and tool calls.
    if ((event as { type?: unknown }).type === "response_done") {
      notifyModelCall(request.tools, (event as { response?: unknown }).response);
    }
    yield event;
  }
}

/**
 * Wraps an Agents SDK `Model` so that streamed calls (`run(agent, input, { stream: true })`)
 * record the time to first chunk (the response attribute and its metric) and
 * the request stream flag on their `chat` span. Everything else is the model's own: the same
 * object (prototype, fields, `instanceof`), with `getStreamedResponse` observed. Both `getResponse` and
 * streamed calls also hand the processors what only the model sees: the response id, reasoning
 * tokens and tool call ids of a custom Model's response, and the descriptions of the tools it was given.
 */
export function instrumentModel<M extends Model>(model: M): M {
  return watch(model, undefined);
}

/** `instrumentModel`, for a model handed out for the model name `name`. */
function watch<M extends Model>(model: M, name: string | undefined): M {
  if (typeof model !== "object" || model === null || isInstrumented(model)) return model;
  // Read when a call starts: the object is the app's, and may be set up after it is wrapped.
  const requested = () => requestedModelOf(model, name);
  return new Proxy(model, {
    get(target, key) {
      if (key === WRAPPED) return true;
      if (key === "getStreamedResponse") {
        return (request: ModelRequest) => observed(target, request, requested);
      }
      if (key === "getResponse") {
        return async (request: ModelRequest) => {
          // The turn is the current Agents span here; the model's own span starts inside the call.
          notifyModelCallStarted(requested);
          const response = await target.getResponse(request);
          notifyModelCall(request.tools, response);
          return response;
        };
      }
      const value: unknown = Reflect.get(target, key);
      // Methods run on the model itself: SDK models keep state in private (#) fields a proxy lacks.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Wraps a `ModelProvider` so that every model it returns is wrapped by `instrumentModel`: for
 * agents that name their model by string. The processor already does this to the model provider of
 * every runner it sees start a run (the default runner's included), so apps rarely need it.
 */
export function instrumentModelProvider<P extends ModelProvider>(provider: P): P {
  if (typeof provider !== "object" || provider === null || isInstrumented(provider)) return provider;
  return new Proxy(provider, {
    get(target, key) {
      if (key === WRAPPED) return true;
      if (key === "getModel") {
        return (name?: string) => {
          const model = target.getModel(name);
          return isPromiseLike(model) ? Promise.resolve(model).then((m) => watch(m, name)) : watch(model, name);
        };
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
