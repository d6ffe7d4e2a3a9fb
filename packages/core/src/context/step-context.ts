import { type Context, type ContextManager, diag, trace } from "@opentelemetry/api";
import { isOperationHandle, type OperationHandle } from "../operation/handle.js";

/**
 * Finds the instrumented framework step running right now (a LangChain tool body, an Agents SDK
 * function tool...) from the framework's own current-run state. Returns its handle, or undefined.
 */
export type StepResolver = () => OperationHandle | undefined;

// One list per process, shared by every copy of the core (ESM and CJS builds, several versions).
const KEY = Symbol.for("otel-agents.step-resolvers");
type Holder = { [KEY]?: Set<StepResolver> };
function resolvers(): Set<StepResolver> {
  const g = globalThis as Holder;
  g[KEY] ??= new Set();
  return g[KEY];
}

/**
 * Registers a resolver (adapters call this once per process, not per handler). Returns a function
 * that unregisters it.
 */
export function registerStepResolver(resolver: StepResolver): () => void {
  resolvers().add(resolver);
  return () => resolvers().delete(resolver);
}

const MAX_WALK = 64;
const STEP_AWARE = Symbol.for("otel-agents.step-aware-context-manager");

/**
 * Whether `active` is still the context the framework run was entered with: its span is the span
 * the step or one of its ancestors started under, or one of their own spans. Then the framework
 * never propagated its step into OpenTelemetry's context, and the step's context is the right one.
 * A span the user started inside the step is none of these, so it stays active.
 */
function stillOutside(step: OperationHandle, active: Context): boolean {
  const activeSpan = trace.getSpan(active);
  if (!activeSpan) return true;
  let h: OperationHandle | undefined = step;
  for (let i = 0; h && i < MAX_WALK; i++, h = h.parent) {
    if (h.span === activeSpan || trace.getSpan(h.parentContext) === activeSpan) return true;
  }
  return false;
}

/** The context user code inside a framework step should see: the step's, unless it made its own. */
export function stepAwareContext(active: Context): Context {
  const list = resolvers();
  if (list.size === 0) return active;
  for (const resolve of list) {
    let step: OperationHandle | undefined;
    try {
      step = resolve();
    } catch (err) {
      diag.debug("otel-agents: step resolver threw", err);
      continue;
    }
    if (isOperationHandle(step) && !step.isEnded && stillOutside(step, active)) return step.context;
  }
  return active;
}

/**
 * A ContextManager that makes the running framework step the active context inside the step's
 * body, for frameworks that run user code without propagating their own span (LangChain tools and
 * chains, Agents SDK function tools). Everything else is the wrapped manager's.
 *
 *   new NodeSDK({ contextManager: new StepAwareContextManager(new AsyncLocalStorageContextManager()) })
 *
 * `setup()` installs it; `installStepAwareContext()` wraps an already registered manager.
 */
export class StepAwareContextManager implements ContextManager {
  constructor(readonly inner: ContextManager) {}

  readonly [STEP_AWARE] = true;

  active(): Context {
    return stepAwareContext(this.inner.active());
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.inner.with(context, fn, thisArg, ...args);
  }

  bind<T>(context: Context, target: T): T {
    return this.inner.bind(context, target);
  }

  enable(): this {
    this.inner.enable();
    return this;
  }

  disable(): this {
    this.inner.disable();
    return this;
  }
}

// Where @opentelemetry/api 1.x keeps its globals (`src/internal/global-utils.ts`).
const API_GLOBALS = Symbol.for("opentelemetry.js.api.1");
type ApiGlobals = { context?: ContextManager };
const apiGlobals = (): ApiGlobals | undefined => (globalThis as { [API_GLOBALS]?: ApiGlobals })[API_GLOBALS];
const isStepAware = (manager: ContextManager): boolean => (manager as { [STEP_AWARE]?: boolean })[STEP_AWARE] === true;

/**
 * Wraps the globally registered ContextManager (e.g. the one `NodeSDK.start()` registered) in a
 * StepAwareContextManager. Returns false when no manager is registered. Idempotent.
 */
export function installStepAwareContext(): boolean {
  const globals = apiGlobals();
  const current = globals?.context;
  if (!globals || !current) return false;
  if (!isStepAware(current)) globals.context = new StepAwareContextManager(current);
  return true;
}

// Process-wide, shared by every copy of the core: whether a registration asked for the step-aware
// context, and the manager last seen installed (so the check on the hot path is one comparison).
const AUTO = Symbol.for("otel-agents.step-aware-context.auto");
type AutoState = { enabled: boolean; seen: ContextManager | undefined };
function autoState(): AutoState {
  const g = globalThis as { [AUTO]?: AutoState };
  g[AUTO] ??= { enabled: false, seen: undefined };
  return g[AUTO];
}

/**
 * Asks for the step-aware context from now on: the registered ContextManager is wrapped now if
 * there is one, and otherwise as soon as one is registered and an operation starts. So an adapter
 * registered before `NodeSDK.start()` (NodeSDK registers its instrumentations before its context
 * manager) or after it gets the same nesting, with nothing for the app to add.
 */
export function requestStepAwareContext(): void {
  autoState().enabled = true;
  ensureStepAwareContext();
}

/**
 * Wraps the registered ContextManager if a registration asked for it and it is not wrapped yet.
 * Cheap enough for every operation start: one comparison while nothing changed.
 */
export function ensureStepAwareContext(): void {
  const state = autoState();
  if (!state.enabled) return;
  const globals = apiGlobals();
  const current = globals?.context;
  if (!globals || !current || current === state.seen) return;
  try {
    if (!isStepAware(current)) globals.context = new StepAwareContextManager(current);
    state.seen = globals.context;
  } catch (err) {
    // A frozen or exotic globals object: keep the app's manager as it is, and say why nesting suffers.
    state.seen = current;
    diag.warn(
      "otel-agents: could not wrap the registered context manager; code inside LangChain tools and Agents function tools will not nest under their spans. Pass `new StepAwareContextManager(yourContextManager)` to your SDK instead.",
      err,
    );
  }
}
