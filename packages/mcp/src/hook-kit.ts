import { type Context, context } from "@opentelemetry/api";
import { hasTraceMeta, type McpOperation, type McpTelemetry, traceMetaOf } from "@otel-agents/core";
import { followPromise, isRecord, warnNoSdkOnce } from "@otel-agents/core/adapter";
import { stateOf, transportFacts } from "./transport-facts.js";

/** Where the hooks find their telemetry: fixed (explicit instrumentation) or switchable (the Instrumentation). */
export type TelemetrySource = () => McpTelemetry | undefined;

// biome-ignore lint/suspicious/noExplicitAny: the SDKs' methods, of any shape
type AnyFunction = (this: any, ...args: any[]) => unknown;

const ORIGINAL = Symbol.for("otel-agents.mcp.original");
type Wrapped = AnyFunction & { [ORIGINAL]?: AnyFunction };

/** The SDK's own method under any wrapper of ours, so two registrations never trace one call twice. */
export function unwrap(fn: AnyFunction): AnyFunction {
  let f = fn as Wrapped;
  while (f[ORIGINAL]) f = f[ORIGINAL] as Wrapped;
  return f;
}

/** The method right below a wrapper of ours (undefined for any other function). */
export function unwrapOnce(fn: AnyFunction): AnyFunction | undefined {
  return (fn as Wrapped)[ORIGINAL];
}

/** Marks `wrapped` as ours around `original` (see `unwrap`). */
export function markWrapped<F extends AnyFunction>(wrapped: F, original: AnyFunction): F {
  (wrapped as Wrapped)[ORIGINAL] = original;
  return wrapped;
}

/** Whether `fn` is a wrapper of ours (see `markWrapped`). */
export function isOurs(fn: unknown): boolean {
  return typeof fn === "function" && typeof (fn as Wrapped)[ORIGINAL] === "function";
}

/**
 * Replaces each named method of `target` by its hook around the SDK's own method (under any wrapper
 * of ours, so two registrations never stack), as a hidden own property.
 */
export function installWrappers<N extends string>(
  target: object,
  hooks: Record<N, (original: AnyFunction) => AnyFunction>,
): void {
  const t = target as Record<string, unknown>;
  for (const name of Object.keys(hooks) as N[]) {
    const original = unwrap(t[name] as AnyFunction);
    const wrapped = markWrapped(hooks[name](original), original);
    Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
  }
}

// The one record reader of every adapter, for the hooks that import it from here.
export { isRecord };

const NO_SDK_FIX =
  "Start one before the first request, e.g. new NodeSDK({ instrumentations: [new McpInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to instrumentMcpClient() / instrumentMcpServer().";

export function telemetryFor(source: TelemetrySource): McpTelemetry | undefined {
  try {
    const t = source();
    if (t?.active) return t;
    // Instrumented, but nothing records (no SDK yet): the messages pass unchanged and untraced.
    if (t) warnNoSdkOnce("otel-agents/mcp", "an MCP message was sent or received", NO_SDK_FIX);
    return undefined;
  } catch {
    return undefined;
  }
}

/** The message with the operation's trace context in `params._meta`, unless one is there already. */
export function withTraceMeta(message: Record<string, unknown>, op: McpOperation): Record<string, unknown> {
  const params = isRecord(message.params) ? message.params : undefined;
  if (hasTraceMeta(params?._meta)) return message;
  const meta = traceMetaOf(op.context);
  if (Object.keys(meta).length === 0) return message;
  const existing = isRecord(params?._meta) ? params._meta : {};
  return { ...message, params: { ...params, _meta: { ...existing, ...meta } } };
}

/**
 * Ends `op` when `result` settles (at once when it is no promise), after `onResult` with its value;
 * then calls `after`, whichever way it settled. Returns what to hand the caller in `result`'s place
 * (`followPromise`): the same outcome, and a rejection the caller never handles is still reported.
 */
export function settle(result: unknown, op: McpOperation, onResult?: (value: unknown) => void, after?: () => void): unknown {
  return followPromise(
    result,
    (value) => {
      onResult?.(value);
      op.end(value);
      after?.();
    },
    (err) => {
      op.fail(err);
      after?.();
    },
  );
}

/**
 * Runs `send` in `ctx` as the operation `op`: a throw fails it and reaches the caller unchanged (after
 * `after`), the result settles it (see `settle`).
 */
export function runAs(
  op: McpOperation,
  ctx: Context,
  send: () => unknown,
  onResult?: (value: unknown) => void,
  after?: () => void,
): unknown {
  let result: unknown;
  try {
    result = context.with(ctx, send);
  } catch (err) {
    after?.();
    op.fail(err);
    throw err;
  }
  return settle(result, op, onResult, after);
}

/** Keeps the protocol version an initialize exchange settled on, for the spans after it. */
export function rememberVersion(protocol: object, result: unknown): void {
  const version = isRecord(result) ? result.protocolVersion : undefined;
  if (typeof version === "string") stateOf(protocol).protocolVersion = version;
}

/**
 * The end of an `initialize` exchange: the version it settled on is kept for the spans after it,
 * and the initialize span gets it too, with the session id its reply assigned over HTTP (both known
 * only now). `extra` is the handler's, on the receiving side.
 */
export function initialized(protocol: object, op: McpOperation, result: unknown, extra?: unknown): void {
  rememberVersion(protocol, result);
  op.update(transportFacts(protocol, extra));
}
