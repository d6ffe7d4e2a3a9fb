import { getCurrentSpan, type ModelProvider, Runner } from "@openai/agents-core";
import { diag } from "@opentelemetry/api";
import { asRecord, asString, followPromise, nodeBuiltin } from "@otel-agents/core/adapter";
import { type RequestedModel, requestedModelOf } from "./model-response.js";
import { instrumentModelProvider, isInstrumented } from "./streaming.js";

// What only the runner knows, heard without wrapping the app's model. The SDK's function span
// carries no call id, and nothing it traces says a run is streamed; but every runner announces
// each tool it starts with its call (`agent_tool_start`, whatever the model) from inside that
// tool's function span, each agent it starts (`agent_start`, with the agent) from inside the
// agent's first turn, and is told `stream: true` when a run is streamed. Both hooks sit on
// `Runner.prototype` (the default runner's too), once per process, and pass everything on unchanged.
// Only a model sees its chunks, its response and an AbortSignal firing: when a run starts, the
// runner's model provider (where agents naming their model by string get it) is wrapped once with
// `instrumentModelProvider`, so those models need nothing from the app. A Model object the app
// gives the agent (or the runner's `model`) itself is never replaced: what it asks for is read
// from it when the runner announces the agent.

export interface RunnerListener {
  /**
   * The function span `spanId` of trace `traceId` runs the tool call `callId` (when the runner
   * names it) of the tool described as `description` (when it has one).
   */
  toolCallStarted(traceId: string, spanId: string, callId: string | undefined, description: string | undefined): void;
  /**
   * The runner starts an agent, in its first turn `spanId` (or its agent span) of trace `traceId`,
   * whose Model object no one watches: what that object asks for. Not said for watched models
   * (they say it at each call) nor for a model named by string (the runner's provider hands out a watched one).
   */
  agentStarted(traceId: string, spanId: string, requested: RequestedModel): void;
}

interface Store<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

const listeners = new Set<RunnerListener>();
// Process-wide: a second copy of this package must not wrap the runner twice.
const HOOKED = Symbol.for("otel-agents.openai-agents.runner-hooks");
/** What the runner was asked for the run whose code is running. */
interface RunOptions {
  /** Asked to stream (`stream: true`). */
  streamed: boolean;
  /**
   * The app's AbortSignal (`signal`): a nested run without one has its caller's. For a streamed
   * run, once the SDK hands back its result, the result's own signal, which also fires when the
   * consumer cancels the stream.
   */
  signal: AbortSignal | undefined;
  /**
   * A run resumed from a `RunState` mid-agent (after an approval): the runner does not announce
   * that agent again (`agent_start`), so its Model object is read from here, once.
   */
  resumed?: { runner: unknown; agent: unknown } | undefined;
}

// The options of the run whose code is running (Node only; elsewhere: never known).
const RUN: Store<RunOptions> | undefined = (() => {
  const AsyncLocalStorage = nodeBuiltin<{ AsyncLocalStorage: new () => Store<RunOptions> }>(
    "node:async_hooks",
  )?.AsyncLocalStorage;
  return AsyncLocalStorage ? new AsyncLocalStorage() : undefined;
})();

type Method = (this: unknown, ...args: unknown[]) => unknown;

export function listenToRunner(listener: RunnerListener): void {
  listeners.add(listener);
  hookRunner();
}

export function stopListeningToRunner(listener: RunnerListener): void {
  listeners.delete(listener);
}

/** True inside a run started with `stream: true` (its turns, model calls and tools). */
export function inStreamedRun(): boolean {
  return RUN?.getStore()?.streamed === true;
}

/**
 * The AbortSignal of the run whose code is running, if any: the app's, and for a streamed run the
 * one that also fires when the consumer cancels the stream. The SDK ends a run's spans in its own
 * async context, so a span ending after it fired is read as cancelled, whatever the model: also
 * one not wrapped by `instrumentModel`, whose call the signal cut off.
 */
export function runSignal(): AbortSignal | undefined {
  return RUN?.getStore()?.signal;
}

/** Wraps `emit` and `run` of `Runner.prototype` once. Nothing here can throw into a run. */
function hookRunner(): void {
  try {
    const proto = (Runner as unknown as { prototype?: Record<string | symbol, unknown> } | undefined)?.prototype;
    if (!proto || proto[HOOKED] === true || typeof proto.emit !== "function" || typeof proto.run !== "function") return;
    const emit = proto.emit as Method;
    const run = proto.run as Method;
    define(proto, "emit", function (this: unknown, ...args: unknown[]) {
      if (listeners.size > 0) {
        if (args[0] === "agent_tool_start") noteToolCall(args[3], args[4]);
        else if (args[0] === "agent_start") noteAgentModel(this, args[2]);
      }
      return emit.apply(this, args);
    });
    define(proto, "run", function (this: unknown, ...args: unknown[]) {
      if (listeners.size > 0) observeModelsOf(this);
      const options = asRecord(args[2]);
      const streamed = options?.stream === true;
      const signal = isSignal(options?.signal) ? options.signal : runSignal();
      const resumed = listeners.size > 0 ? resumedAgentOf(this, args[1]) : undefined;
      // Only where it changes: a plain run nested in a streamed one (an agent as a tool) is plain.
      if (!RUN || (streamed === inStreamedRun() && signal === runSignal() && !resumed)) return run.apply(this, args);
      const store: RunOptions = { streamed, signal, resumed };
      const result = RUN.run(store, () => run.apply(this, args));
      return streamed ? followStreamSignal(result, store) : result;
    });
    Object.defineProperty(proto, HOOKED, { value: true });
  } catch (err) {
    diag.debug(
      "otel-agents: could not hook the runner; tool call ids only from model output, streaming only through instrumentModel",
      err,
    );
  }
}

/**
 * A streamed run's result combines the app's signal with its own, which the SDK aborts when the
 * consumer cancels the stream (a client that disconnects): the SDK then ends the run's spans as if
 * nothing happened. The run's store takes that signal (read through `_getAbortSignal()`, the
 * SDK's own accessor for it; where missing, the app's signal stays) before the caller's code can
 * cancel. The caller gets the run's promise through `followPromise`: the same outcome, and a
 * rejection the app never handles is still reported.
 */
function followStreamSignal(result: unknown, store: RunOptions): unknown {
  return followPromise(
    result,
    (value) => {
      try {
        const read = asRecord(value)?._getAbortSignal;
        const signal = typeof read === "function" ? (read as () => unknown).call(value) : undefined;
        if (isSignal(signal)) store.signal = signal;
      } catch (err) {
        diag.debug("otel-agents: could not read a streamed run's signal", err);
      }
    },
    undefined,
  );
}

/** The agent a `RunState` input resumes (its current agent), when its Model object is one no one watches. */
function resumedAgentOf(runner: unknown, input: unknown): RunOptions["resumed"] {
  try {
    const state = asRecord(input);
    const agent = asRecord(state?._currentAgent);
    // Without its agent the runner's own model would be read: not what the resumed agent calls.
    if (!agent || typeof state?.getInterruptions !== "function" || !unwatchedModelOf(agent, runner)) return undefined;
    return { runner, agent };
  } catch (err) {
    diag.debug("otel-agents: could not read a resumed run's agent", err);
    return undefined;
  }
}

/**
 * What the Model object of the agent a resumed run starts in asks for, for that agent's span
 * (`agentName`): once per resumed run, as the runner's `agent_start` would have said it.
 */
export function resumedAgentModel(agentName: string | undefined): RequestedModel | undefined {
  const store = RUN?.getStore();
  const resumed = store?.resumed;
  if (!store || !resumed || agentName === undefined || asRecord(resumed.agent)?.name !== agentName) return undefined;
  store.resumed = undefined;
  try {
    const model = unwatchedModelOf(resumed.agent, resumed.runner);
    const requested = model ? requestedModelOf(model, undefined) : undefined;
    return requested && (requested.requestModel !== undefined || requested.server !== undefined) ? requested : undefined;
  } catch (err) {
    diag.debug("otel-agents: could not read a resumed agent's model", err);
    return undefined;
  }
}

function isSignal(value: unknown): value is AbortSignal {
  const v = asRecord(value);
  return typeof v?.aborted === "boolean" && typeof v.addEventListener === "function";
}

function define(proto: object, name: string, value: Method): void {
  Object.defineProperty(proto, name, { value, writable: true, configurable: true });
}

/**
 * Wraps the runner's model provider (its own, or the SDK's lazy default) with
 * `instrumentModelProvider`, once: the same provider for everything else. A frozen config keeps
 * its provider, and the app can still wrap models itself.
 */
function observeModelsOf(runner: unknown): void {
  try {
    const config = asRecord(asRecord(runner)?.config);
    const provider = config?.modelProvider;
    if (!config || typeof provider !== "object" || provider === null || isInstrumented(provider)) return;
    config.modelProvider = instrumentModelProvider(provider as ModelProvider);
  } catch (err) {
    diag.debug("otel-agents: could not observe the runner's models; wrap them with instrumentModelProvider", err);
  }
}

/**
 * The runner starts a tool (`agent_tool_start`, from inside its function span): the call id, and
 * the tool's description, which the model was given but the function span does not carry (nor
 * does a run resumed after an approval call the model for it).
 */
function noteToolCall(tool: unknown, details: unknown): void {
  try {
    const callId = asString(asRecord(asRecord(details)?.toolCall)?.callId);
    const description = asString(asRecord(tool)?.description);
    if (!callId && !description) return;
    const span = getCurrentSpan();
    if (!span) return;
    for (const listener of listeners) listener.toolCallStarted(span.traceId, span.spanId, callId, description);
  } catch (err) {
    diag.debug("otel-agents: tool call note failed", err);
  }
}

/**
 * The runner starts `agent` (`agent_start`, emitted once per agent: its first turn is the current
 * span): what its Model object asks for, when the app holds that object unwrapped. Every turn of
 * the agent calls the same model (the runner resolves it anew each turn, from the same fields).
 */
function noteAgentModel(runner: unknown, agent: unknown): void {
  try {
    const model = unwatchedModelOf(agent, runner);
    if (!model) return;
    const requested = requestedModelOf(model, undefined);
    if (requested.requestModel === undefined && requested.server === undefined) return;
    const span = getCurrentSpan();
    if (!span) return;
    for (const listener of listeners) listener.agentStarted(span.traceId, span.spanId, requested);
  } catch (err) {
    diag.debug("otel-agents: agent model note failed", err);
  }
}

/**
 * The Model object the runner calls for `agent`, picked as the runner picks (the agent's `model`
 * unless it names none, else the runner's `model`), when it is an object no one watches. A string
 * goes to the runner's provider, whose models are watched; `instrumentModel`'s say it themselves.
 */
function unwatchedModelOf(agent: unknown, runner: unknown): object | undefined {
  const own = asRecord(agent)?.model;
  const selected = own ? own : asRecord(asRecord(runner)?.config)?.model;
  if (typeof selected !== "object" || selected === null || isInstrumented(selected)) return undefined;
  return selected;
}
