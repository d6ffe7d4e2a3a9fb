import type { AttrTypes, ViewerSpan } from "../shared/model.js";
import { typedKeyValues } from "./any-value.js";

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
    const resource = typedKeyValues(isObject(resourceObj) ? resourceObj.attributes : undefined);
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
        const rawParent = field(raw, "parentSpanId", "parent_span_id");
        const parent = id(rawParent, 8, ids);
        const invalidParent = parent === undefined ? invalidId(rawParent, 8, ids) : undefined;
        const status = isObject(raw.status) ? raw.status : {};
        const code = enumValue(status.code, STATUS_CODES);
        const traceState = field(raw, "traceState", "trace_state");
        // SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE (0x100) and _IS_REMOTE (0x200): the parent ran in another process.
        const remoteParent = parent !== undefined && (Number(raw.flags ?? 0) & 0x300) === 0x300;
        const attributes = typedKeyValues(raw.attributes);
        const eventTypes: { [index: number]: AttrTypes } = {};
        const events = arrayOf(raw.events).map((e, i) => {
          const a = typedKeyValues(e.attributes);
          if (a.types) eventTypes[i] = a.types;
          return {
            timeUnixNano: nanos(field(e, "timeUnixNano", "time_unix_nano")),
            name: String(e.name ?? ""),
            attributes: a.attrs,
          };
        });
        const linkTypes: { [index: number]: AttrTypes } = {};
        const links: ViewerSpan["links"] = [];
        for (const l of arrayOf(raw.links)) {
          const lt = id(field(l, "traceId", "trace_id"), 16, ids);
          const ls = id(field(l, "spanId", "span_id"), 8, ids);
          if (!lt || !ls) continue;
          const a = typedKeyValues(l.attributes);
          if (a.types) linkTypes[links.length] = a.types;
          links.push({ traceId: lt, spanId: ls, attributes: a.attrs });
        }
        const valueTypes: NonNullable<ViewerSpan["valueTypes"]> = {
          ...(attributes.types ? { attributes: attributes.types } : {}),
          ...(resource.types ? { resource: resource.types } : {}),
          ...(Object.keys(eventTypes).length > 0 ? { events: eventTypes } : {}),
          ...(Object.keys(linkTypes).length > 0 ? { links: linkTypes } : {}),
        };
        spans.push({
          traceId,
          spanId,
          parentSpanId: parent ?? null,
          ...(invalidParent !== undefined ? { invalidParentSpanId: invalidParent } : {}),
          ...(typeof traceState === "string" && traceState ? { traceState } : {}),
          ...(remoteParent ? { remoteParent } : {}),
          name: String(raw.name ?? ""),
          kind: clampKind(enumValue(raw.kind, SPAN_KINDS)),
          startTimeUnixNano: nanos(field(raw, "startTimeUnixNano", "start_time_unix_nano")),
          endTimeUnixNano: nanos(field(raw, "endTimeUnixNano", "end_time_unix_nano")),
          attributes: attributes.attrs,
          events,
          links,
          status: {
            code: code === 1 || code === 2 ? code : 0,
            ...(typeof status.message === "string" && status.message ? { message: status.message } : {}),
          },
          resource: resource.attrs,
          scope,
          ...(Object.keys(valueTypes).length > 0 ? { valueTypes } : {}),
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

/** The enum names of OTLP/JSON (the protobuf JSON mapping lets a sender spell an enum by name). */
const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** An enum field as its number: sent as an integer (what OTLP asks), or by name; NaN for an unknown name. */
function enumValue(v: unknown, names: Record<string, number>): number {
  if (typeof v === "string" && Object.hasOwn(names, v)) return names[v]!;
  return Number(v ?? 0);
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

/**
 * A present id that is no id (not of `bytes` bytes, not hex): what was sent (bytes in hex, cut at
 * 100 characters) for the integrity lens to show. Undefined when the id is absent, valid or the
 * all-zero "none".
 */
function invalidId(v: unknown, bytes: number, encoding: IdEncoding): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "string" && idHex(v, bytes, encoding) !== undefined) return undefined;
  const sent =
    typeof v !== "string"
      ? (JSON.stringify(v) ?? String(v))
      : encoding === "base64"
        ? Buffer.from(v, "base64").toString("hex")
        : v;
  return sent.length > 100 ? `${sent.slice(0, 100)}…` : sent;
}

/** A trace/span id in lowercase hex, or undefined when absent, all zero or of the wrong length. */
function id(v: unknown, bytes: number, encoding: IdEncoding): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  const hex = idHex(v, bytes, encoding);
  return hex === undefined || /^0+$/.test(hex) ? undefined : hex;
}

/** The id's bytes in lowercase hex (all zero included), or undefined when it is not `bytes` bytes. */
function idHex(v: string, bytes: number, encoding: IdEncoding): string | undefined {
  const hex = v.toLowerCase();
  if (encoding === "hex" && hex.length === bytes * 2 && HEX.test(hex)) return hex;
  // OTLP/JSON says hex; a few old exporters sent base64 there, so accept it when it fits.
  const buf = Buffer.from(v, "base64");
  return buf.length === bytes ? buf.toString("hex") : undefined;
}
