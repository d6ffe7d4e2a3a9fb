import type { ViewerSpan } from "../shared/model.js";
import { keyValues } from "./any-value.js";

type Json = Record<string, unknown>;

/** The body is not an OTLP request at all: the receiver answers 400 and stores nothing. */
export class MalformedRequestError extends Error {}

export interface NormalizedTraces {
  spans: ViewerSpan[];
  /** Spans dropped for invalid ids (reported as OTLP partial success). */
  rejected: number;
  rejectReason?: string;
}

/** How ids are spelled: OTLP/JSON uses hex, the protobuf decoder gives base64. */
export type IdEncoding = "hex" | "base64";

/** Reads an ExportTraceServiceRequest in OTLP/JSON shape (camelCase; snake_case accepted too). */
export function normalizeTraceRequest(body: unknown, ids: IdEncoding): NormalizedTraces {
  if (!isObject(body)) throw new MalformedRequestError("the body is not an ExportTraceServiceRequest object");
  const resourceSpans = list(body, "resourceSpans", "resource_spans", "ExportTraceServiceRequest");
  const spans: ViewerSpan[] = [];
  let rejected = 0;
  let rejectReason: string | undefined;
  for (const rs of resourceSpans) {
    if (!isObject(rs)) throw new MalformedRequestError("resourceSpans must hold objects");
    const resourceObj = rs.resource;
    const resource = keyValues(isObject(resourceObj) ? resourceObj.attributes : undefined);
    for (const ss of list(rs, "scopeSpans", "scope_spans", "ResourceSpans")) {
      if (!isObject(ss)) throw new MalformedRequestError("scopeSpans must hold objects");
      const scopeObj = isObject(ss.scope) ? ss.scope : {};
      const scope = { name: String(scopeObj.name ?? ""), ...(scopeObj.version ? { version: String(scopeObj.version) } : {}) };
      for (const raw of list(ss, "spans", "spans", "ScopeSpans")) {
        if (!isObject(raw)) throw new MalformedRequestError("spans must hold objects");
        const traceId = id(field(raw, "traceId", "trace_id"), 16, ids);
        const spanId = id(field(raw, "spanId", "span_id"), 8, ids);
        if (!traceId || !spanId) {
          rejected++;
          rejectReason = "spans with an invalid trace or span id were dropped";
          continue;
        }
        const parent = id(field(raw, "parentSpanId", "parent_span_id"), 8, ids);
        const status = isObject(raw.status) ? raw.status : {};
        const code = Number(status.code ?? 0);
        const traceState = field(raw, "traceState", "trace_state");
        // SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE (0x100) and _IS_REMOTE (0x200): the parent ran in another process.
        const remoteParent = parent !== undefined && (Number(raw.flags ?? 0) & 0x300) === 0x300;
        spans.push({
          traceId,
          spanId,
          parentSpanId: parent ?? null,
          ...(typeof traceState === "string" && traceState ? { traceState } : {}),
          ...(remoteParent ? { remoteParent } : {}),
          name: String(raw.name ?? ""),
          kind: clampKind(Number(raw.kind ?? 0)),
          startTimeUnixNano: nanos(field(raw, "startTimeUnixNano", "start_time_unix_nano")),
          endTimeUnixNano: nanos(field(raw, "endTimeUnixNano", "end_time_unix_nano")),
          attributes: keyValues(raw.attributes),
          events: arrayOf(raw.events).map((e) => ({
            timeUnixNano: nanos(field(e, "timeUnixNano", "time_unix_nano")),
            name: String(e.name ?? ""),
            attributes: keyValues(e.attributes),
          })),
          links: arrayOf(raw.links).flatMap((l) => {
            const lt = id(field(l, "traceId", "trace_id"), 16, ids);
            const ls = id(field(l, "spanId", "span_id"), 8, ids);
            return lt && ls ? [{ traceId: lt, spanId: ls, attributes: keyValues(l.attributes) }] : [];
          }),
          status: {
            code: code === 1 || code === 2 ? code : 0,
            ...(typeof status.message === "string" && status.message ? { message: status.message } : {}),
          },
          resource,
          scope,
        });
      }
    }
  }
  return { spans, rejected, ...(rejectReason ? { rejectReason } : {}) };
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function field(o: Json, camel: string, snake: string): unknown {
  return o[camel] ?? o[snake];
}

function list(o: Json, camel: string, snake: string, where: string): unknown[] {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedRequestError(`${where}.${camel} must be an array`);
  return v;
}

function arrayOf(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function clampKind(k: number): ViewerSpan["kind"] {
  return k >= 0 && k <= 5 && Number.isInteger(k) ? (k as ViewerSpan["kind"]) : 0;
}

function nanos(v: unknown): string {
  if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v)).toString();
  if (typeof v === "string" && /^\d+$/.test(v)) return v;
  return "0";
}

const HEX = /^[0-9a-f]+$/;

/** A trace/span id in lowercase hex, or undefined when absent, all zero or of the wrong length. */
function id(v: unknown, bytes: number, encoding: IdEncoding): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  let hex = v.toLowerCase();
  if (encoding === "base64" || !(hex.length === bytes * 2 && HEX.test(hex))) {
    // OTLP/JSON says hex; a few old exporters sent base64 there, so accept it when it fits.
    const buf = Buffer.from(v, "base64");
    if (buf.length !== bytes) return undefined;
    hex = buf.toString("hex");
  }
  return /^0+$/.test(hex) ? undefined : hex;
}
