import { context } from "@opentelemetry/api";
import type { HeaderCarrier } from "./carriers.js";
import { extractTraceContext, injectTraceHeaders } from "./headers.js";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` with the active trace context and baggage (the conversation id) in its headers, for apps
 * without an HTTP client instrumentation. With `@opentelemetry/instrumentation-undici` (or -http)
 * registered, plain `fetch` already does this.
 */
export function fetchWithTraceContext(
  input: string | URL | Request,
  init: RequestInit = {},
  fetchImpl?: FetchLike,
): Promise<Response> {
  const doFetch = fetchImpl ?? (globalThis.fetch as FetchLike);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  injectTraceHeaders(headers);
  return doFetch(input, { ...init, headers });
}

interface IncomingLike {
  headers: HeaderCarrier;
}

/** Runs `fn` in the trace context (and baggage) an incoming request carries. */
export function runWithIncomingContext<T>(request: IncomingLike, fn: () => T): T {
  return context.with(extractTraceContext(request.headers), fn);
}

/**
 * Connect/Express middleware (and a Fastify `onRequest` hook: same `(request, reply, done)` shape)
 * that continues the caller's trace: everything the route does runs in the extracted context, so
 * agent spans nest under the calling service's span and carry its conversation id.
 */
export function traceContextMiddleware(): (request: IncomingLike, response: unknown, next: (err?: unknown) => void) => void {
  return (request, _response, next) => {
    context.with(extractTraceContext(request.headers), next);
  };
}
