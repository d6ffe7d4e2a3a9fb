import { type Context, context, diag, propagation, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";

/** A request's `params._meta`: a plain JSON object (the MCP spec reserves it for such metadata). */
export type McpMeta = Record<string, unknown>;

const metaSetter: TextMapSetter<McpMeta> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const metaGetter: TextMapGetter<McpMeta> = {
  keys(carrier) {
    return Object.keys(carrier);
  },
  get(carrier, key) {
    // Anything but a string (a number, an object a hostile peer sent) is no header value.
    const value = Object.hasOwn(carrier, key) ? carrier[key] : undefined;
    return typeof value === "string" ? value : undefined;
  },
};

/**
 * The trace context of `ctx` (default: the active one) as `_meta` entries: W3C `traceparent`,
 * `tracestate` and `baggage`, through the registered propagator (the MCP community's convention for
 * context in `params._meta`, as OpenInference and the Python SDKs use). Empty when there is nothing
 * to propagate. Never throws.
 */
export function traceMetaOf(ctx: Context = context.active()): McpMeta {
  const meta: McpMeta = {};
  try {
    propagation.inject(ctx, meta, metaSetter);
  } catch (err) {
    diag.debug("otel-agents: could not write the MCP _meta trace context", err);
  }
  return meta;
}

/**
 * The context a request's `_meta` carries, over `base` (default: the active context). A missing or
 * malformed `traceparent` leaves `base` unchanged: the receiver's span then starts a trace of its own.
 */
export function extractMcpContext(meta: unknown, base: Context = context.active()): Context {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return base;
  try {
    return propagation.extract(base, meta as McpMeta, metaGetter);
  } catch (err) {
    diag.debug("otel-agents: could not read the MCP _meta trace context", err);
    return base;
  }
}

/** Whether `meta` already carries a trace context (another instrumentation wrote it first). */
export function hasTraceMeta(meta: unknown): boolean {
  return typeof meta === "object" && meta !== null && typeof (meta as McpMeta).traceparent === "string";
}
