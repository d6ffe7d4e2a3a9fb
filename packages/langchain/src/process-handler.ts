import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { diag } from "@opentelemetry/api";

/**
 * A handler added to every LangChain run in the process. LangChain's own global mechanism
 * (`registerConfigureHook` + `setContextVariable`) lives in its AsyncLocalStorage: a registration
 * made in an `--import`/`--require` preload, in a vitest setup, or anywhere but the app's own
 * top-level scope never reaches the app's runs. `CallbackManager._configureSync` is where every run
 * (and `CallbackManager.configure`) gets its handlers, so the handler is added there, as
 * OpenInference's instrumentation does. One holder per copy of `@langchain/core`, kept on its class,
 * so that several copies of this adapter share it.
 *
 * While the handler has nothing to record and no run open (no SDK registered: its ignore flags are
 * all set) it is left out: a run given a handler, even one that ignores every event, makes
 * LangChain build a callback manager per run and child run, which cost an agent run half again
 * its time (bench, `ours (no SDK)`). It joins the runs that start once an SDK is registered.
 */
const HOLDER = Symbol.for("otel-agents.langchain.process-handler");

type Configure = (...args: unknown[]) => CallbackManager | undefined;
type Holder = { handler: BaseCallbackHandler | undefined };
type Patchable = { _configureSync: Configure; [HOLDER]?: Holder };

function holder(): Holder | undefined {
  const manager = CallbackManager as unknown as Patchable;
  if (manager[HOLDER]) return manager[HOLDER];
  const original = manager._configureSync;
  if (typeof original !== "function") return undefined;
  const state: Holder = { handler: undefined };
  manager._configureSync = function configureWithProcessHandler(this: unknown, ...args: unknown[]) {
    const handler = state.handler;
    if (handler && !handler.ignoreChain) {
      try {
        args[0] = withHandler(args[0], args[1], handler);
      } catch (err) {
        diag.debug("otel-agents: could not add the handler to a LangChain run", err);
      }
    }
    return original.apply(this, args);
  };
  manager[HOLDER] = state;
  return state;
}

/**
 * The run's inheritable handlers with `handler` among them, unless the run has an otel-agents
 * handler already (passed in `callbacks`, or inherited from its parent run). Given as an inheritable
 * handler, so LangChain builds the run's manager as it would for a handler the app passed: tags and
 * metadata included, and child runs inherit it.
 */
function withHandler(inheritable: unknown, local: unknown, handler: BaseCallbackHandler): unknown {
  if (hasNamed(inheritable, handler.name) || hasNamed(local, handler.name)) return inheritable;
  if (inheritable === undefined || inheritable === null) return [handler];
  if (Array.isArray(inheritable)) return [...inheritable, handler];
  if (inheritable instanceof CallbackManager) {
    const copy = inheritable.copy();
    copy.addHandler(handler, true);
    return copy;
  }
  return inheritable;
}

function hasNamed(handlers: unknown, name: string): boolean {
  const list = Array.isArray(handlers) ? handlers : handlers instanceof CallbackManager ? handlers.handlers : undefined;
  return list?.some((h) => (h as { name?: unknown } | null)?.name === name) === true;
}

/** Adds `handler` to every LangChain run from now on, in any async scope (replacing an earlier one). */
export function setProcessHandler(handler: BaseCallbackHandler): boolean {
  const state = holder();
  if (!state) {
    diag.warn(
      "otel-agents: this @langchain/core has no CallbackManager._configureSync; pass `callbacks: [new OpenTelemetryCallbackHandler()]` to your runs instead",
    );
    return false;
  }
  state.handler = handler;
  return true;
}

/** Stops adding `handler` to new runs, if it is still the one added. Runs already started keep it. */
export function clearProcessHandler(handler: BaseCallbackHandler): void {
  const state = (CallbackManager as unknown as Patchable)[HOLDER];
  if (state?.handler === handler) state.handler = undefined;
}
