import type { AttrTypes, ViewerSpan } from "../shared/model.js";
import { toKeyValues } from "./any-value.js";
import { MalformedRequestError, normalizeTraceRequest } from "./normalize.js";

/** Spans as one OTLP/JSON ExportTraceServiceRequest, grouped by resource and scope as an SDK sends them. */
export function toOtlpJson(spans: readonly ViewerSpan[]): Record<string, unknown> {
  const byResource = new Map<
    string,
    {
      resource: ViewerSpan["resource"];
      types: AttrTypes | undefined;
      scopes: Map<string, { scope: ViewerSpan["scope"]; spans: ViewerSpan[] }>;
    }
  >();
  for (const span of spans) {
    const types = span.valueTypes?.resource;
    const rk = JSON.stringify([span.resource, types ?? null]);
    let r = byResource.get(rk);
    if (!r) byResource.set(rk, (r = { resource: span.resource, types, scopes: new Map() }));
    const sk = JSON.stringify(span.scope);
    let s = r.scopes.get(sk);
    if (!s) r.scopes.set(sk, (s = { scope: span.scope, spans: [] }));
    s.spans.push(span);
  }
  return {
    resourceSpans: [...byResource.values()].map((r) => ({
      resource: { attributes: toKeyValues(r.resource, r.types) },
      scopeSpans: [...r.scopes.values()].map((s) => ({
        scope: s.scope,
        spans: s.spans.map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          // A parent id that was no id goes back as it came: imported again, it is flagged again.
          ...(span.parentSpanId || span.invalidParentSpanId
            ? { parentSpanId: span.parentSpanId ?? span.invalidParentSpanId }
            : {}),
          ...(span.traceState ? { traceState: span.traceState } : {}),
          name: span.name,
          kind: span.kind,
          startTimeUnixNano: span.startTimeUnixNano,
          endTimeUnixNano: span.endTimeUnixNano,
          // Each value in the OTLP type it arrived as (valueTypes says where its JSON does not tell).
          attributes: toKeyValues(span.attributes, span.valueTypes?.attributes),
          events: span.events.map((e, i) => ({
            timeUnixNano: e.timeUnixNano,
            name: e.name,
            attributes: toKeyValues(e.attributes, span.valueTypes?.events?.[i]),
          })),
          links: span.links.map((l, i) => ({
            traceId: l.traceId,
            spanId: l.spanId,
            attributes: toKeyValues(l.attributes, span.valueTypes?.links?.[i]),
          })),
          status: span.status,
        })),
      })),
    })),
  };
}

/**
 * Spans from an OTLP/JSON file: one ExportTraceServiceRequest (what the viewer exports), or JSON
 * lines of them (what the Collector's file exporter writes).
 */
export function parseOtlpJsonFile(text: string): ViewerSpan[] {
  let requests: unknown[];
  try {
    requests = [JSON.parse(text)];
  } catch {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    requests = lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new MalformedRequestError(`line ${i + 1} is not JSON: ${(error as Error).message}`);
      }
    });
  }
  return requests.flatMap((r) => normalizeTraceRequest(r, "hex").spans);
}
