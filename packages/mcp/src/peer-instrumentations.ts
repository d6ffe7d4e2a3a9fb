import { type Context, context, diag } from "@opentelemetry/api";
import { isOurs, unwrapOnce } from "./hook-kit.js";

/**
 * Other MCP instrumentations in the same process. OpenTelemetry's instrumentations wrap methods
 * with shimmer, which marks each wrapper `__wrapped` and keeps the method below as `__original`:
 * Traceloop's (`@traceloop/instrumentation-mcp`) wraps the v1 SDK `Client`'s and `Server`'s
 * `request` and draws a span of its own per request, under a session span of its own, with its
 * span active below it; OpenInference's (`@arizeai/openinference-instrumentation-mcp`) wraps the v1
 * transports' `send` to write the active context into `params._meta` again, and draws no span.
 */
interface ShimmerWrapper {
  __wrapped?: unknown;
  __original?: unknown;
}

// Marks the transport send wrapper of `keepContextAtTransport`, and holds the send below it.
const KEEPER = Symbol.for("otel-agents.mcp.transport-keeper");

// biome-ignore lint/suspicious/noExplicitAny: the SDKs' methods, of any shape
type AnyFunction = (this: any, ...args: any[]) => unknown;

function isForeignWrapper(fn: unknown): boolean {
  if (typeof fn !== "function" || isOurs(fn)) return false;
  const w = fn as ShimmerWrapper;
  return w.__wrapped === true && typeof w.__original === "function";
}

/** The method one step below `fn`: ours or a shimmer wrapper's original; undefined at the bottom. */
function below(fn: unknown): unknown {
  if (isOurs(fn)) return unwrapOnce(fn as AnyFunction);
  if (isForeignWrapper(fn)) return (fn as ShimmerWrapper).__original;
  // The transport keeper below: not marked ours, so that the reply watch wraps it as it is.
  return isKeeper(fn) ? (fn as { [KEEPER]: AnyFunction })[KEEPER] : undefined;
}

// A wrapper chain is a handful of layers; the cap only guards against a cycle.
const MAX_LAYERS = 16;

const isKeeper = (fn: unknown): boolean => typeof (fn as { [KEEPER]?: unknown })[KEEPER] === "function";

/** Whether a wrapper chain holds a layer `is` tells. */
function chainHas(fn: unknown, is: (f: unknown) => boolean): boolean {
  let f = fn;
  for (let i = 0; i < MAX_LAYERS && typeof f === "function"; i++) {
    if (is(f)) return true;
    f = below(f);
  }
  return false;
}

function read(target: unknown, key: string): unknown {
  try {
    return typeof target === "object" && target !== null ? (target as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

const transportOf = (self: object): unknown => read(self, "_transport") ?? read(self, "transport");

const warned = new Set<string>();

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  diag.warn(message);
}

/**
 * Puts our hook of `self[name]` back outside a wrapper another instrumentation put around it after
 * ours (Traceloop's, registered after ours): its span would otherwise be the parent of ours, out of
 * the caller's tree (Traceloop parents its request spans on a session span of its own). The hook
 * made by `rehook` around the method as it is now takes over; ours further down passes the message
 * on. Called when the connection opens; never throws.
 */
export function keepOutermost(self: object, name: string, rehook: (current: AnyFunction) => AnyFunction): void {
  try {
    let owner: object | null = self;
    for (let i = 0; owner !== null && i < MAX_LAYERS && !Object.hasOwn(owner, name); i++)
      owner = Object.getPrototypeOf(owner) as object | null;
    if (owner === null || !Object.hasOwn(owner, name)) return;
    const current = (owner as Record<string, unknown>)[name];
    if (!isForeignWrapper(current) || !chainHas(current, isOurs)) return;
    Object.defineProperty(owner, name, {
      value: rehook(current as AnyFunction),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch (err) {
    diag.debug("otel-agents/mcp: could not keep the MCP hooks outermost", err);
  }
}

/**
 * When another instrumentation wraps the connection's transport `send` (OpenInference's, which
 * writes the context active there into `params._meta`), the transport sends each of our messages in
 * the context of our span (`sendingContext`), whatever a wrapper between the two made active
 * (Traceloop's span): what it writes is then our trace context again, never another span's.
 * Called when the connection opens; never throws.
 */
export function keepContextAtTransport(self: object, sendingContext: () => Context | undefined): void {
  try {
    const transport = transportOf(self) as Record<string | symbol, unknown> | undefined;
    if (!transport || !chainHas(transport.send, isForeignWrapper) || chainHas(transport.send, isKeeper)) return;
    const original = transport.send as AnyFunction;
    const send = function send(this: unknown, ...args: unknown[]) {
      const ours = sendingContext();
      return ours ? context.with(ours, () => original.apply(this, args)) : original.apply(this, args);
    };
    Object.defineProperty(send, KEEPER, { value: original });
    Object.defineProperty(transport, "send", { value: send, writable: true, configurable: true, enumerable: false });
  } catch (err) {
    diag.debug("otel-agents/mcp: could not keep the trace context at the transport", err);
  }
}

/**
 * Warns once per kind when another MCP instrumentation wraps what ours wraps, saying where its work
 * goes and naming the fix: one wrapping the sending method (`request`: Traceloop's), or the
 * transport's `send` (OpenInference's). Reads only; never throws.
 */
export function noticePeers(self: object, sendingMethod: string, what: string): void {
  try {
    if (chainHas(read(self, sendingMethod), isForeignWrapper)) {
      warnOnce(
        "spans",
        `@otel-agents/mcp: another instrumentation (such as @traceloop/instrumentation-mcp) wraps the ${what}'s ${sendingMethod} and draws a second span for each request, under a session span of its own (its own trace when the connection opened outside a span). @otel-agents/mcp keeps its span outermost, under the caller's, and the trace context in params._meta its own. For one span per request, remove the other MCP instrumentation from your instrumentations.`,
      );
    }
    if (chainHas(read(transportOf(self), "send"), isForeignWrapper)) {
      warnOnce(
        "propagation",
        `@otel-agents/mcp: another instrumentation (such as @arizeai/openinference-instrumentation-mcp) wraps the ${what}'s transport send to write the trace context into params._meta, which @otel-agents/mcp already does; its messages are sent in the context of their span, so that the context written is theirs. Remove the other MCP instrumentation from your instrumentations: it adds nothing beside @otel-agents/mcp.`,
      );
    }
  } catch (err) {
    diag.debug("otel-agents/mcp: could not look for other MCP instrumentations", err);
  }
}
