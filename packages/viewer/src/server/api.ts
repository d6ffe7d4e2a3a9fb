import type { IncomingMessage, ServerResponse } from "node:http";
import { parseOtlpJsonFile, toOtlpJson } from "../otlp/export.js";
import { MalformedRequestError } from "../otlp/normalize.js";
import type { ViewerInfo } from "../probe.js";
import type { TraceFilter, ViewerSpan } from "../shared/model.js";
import type { TraceStore } from "../store/store.js";
import type { EventHub } from "./events.js";

export interface ApiContext {
  store: TraceStore;
  events: EventHub;
  ingest(spans: ViewerSpan[]): string[];
  maxBodyBytes: number;
  /** Served at /api/info, so a demo or a second CLI can tell a running viewer from another program. */
  info: ViewerInfo;
}

const ID = /^[0-9a-f]{32}$/;

/** The JSON API the page uses. Returns false when the path is not an API path. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (!path.startsWith("/api/")) return false;
  const parts = pathParts(path);
  if (!parts) {
    // `%E0%A4%A` and the like: the client's mistake, not the server's.
    json(res, 400, { error: `Malformed percent-encoding in ${path}` });
    return true;
  }
  const get = req.method === "GET" || req.method === "HEAD";
  if (get && path === "/api/events") {
    ctx.events.attach(res);
    return true;
  }
  if (get && path === "/api/traces") {
    json(res, 200, ctx.store.listPage(filterOf(url.searchParams)));
    return true;
  }
  if (get && path === "/api/info") {
    json(res, 200, ctx.info);
    return true;
  }
  if (get && path === "/api/filters") {
    json(res, 200, ctx.store.filterValues());
    return true;
  }
  if (get && path === "/api/metrics") {
    json(res, 200, ctx.store.metricsOverview());
    return true;
  }
  if (get && parts[0] === "traces" && parts[1] && ID.test(parts[1])) {
    const id = parts[1];
    if (parts.length === 2) {
      // The page asks for the compact form (shared/compact.ts) by a header, at the same URL; anything else gets the TraceDetail.
      const detail = ctx.store.traceJson(id, req.headers["x-trace-form"] === "compact");
      if (detail !== undefined) jsonText(res, 200, detail);
      else json(res, 404, { error: `No trace ${id}` });
      return true;
    }
    if (parts.length === 3 && parts[2] === "otlp") {
      const spans = ctx.store.spans(id);
      if (spans.length === 0) json(res, 404, { error: `No trace ${id}` });
      else json(res, 200, toOtlpJson(spans), { "Content-Disposition": `attachment; filename="trace-${id}.json"` });
      return true;
    }
  }
  if (get && parts[0] === "conversations" && parts[1] && parts.length === 2) {
    json(res, 200, ctx.store.conversation(parts[1]));
    return true;
  }
  if (req.method === "POST" && path === "/api/import") {
    // A JSON content type forces a CORS preflight, which this port never grants: other sites cannot post here.
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      json(res, 415, { error: "Send the OTLP JSON file as application/json." });
      return true;
    }
    try {
      const text = await readText(req, ctx.maxBodyBytes);
      const spans = parseOtlpJsonFile(text);
      const traceIds = ctx.ingest(spans);
      json(res, 200, { spans: spans.length, traceIds });
    } catch (error) {
      const status = error instanceof MalformedRequestError ? 400 : error instanceof TooLarge ? 413 : 500;
      json(res, status, { error: (error as Error).message });
    }
    return true;
  }
  json(res, 404, { error: `No API at ${req.method} ${path}` });
  return true;
}

/** The path's segments after `/api/`, decoded; undefined when one is not valid percent-encoding. */
function pathParts(path: string): string[] | undefined {
  try {
    return path.split("/").slice(2).map(decodeURIComponent);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

function filterOf(q: URLSearchParams): TraceFilter {
  const f: TraceFilter = {};
  const set = (key: keyof TraceFilter, param: string) => {
    const v = q.get(param)?.trim();
    if (v) (f as Record<string, unknown>)[key] = v;
  };
  set("service", "service");
  set("agent", "agent");
  set("model", "model");
  set("conversationId", "conversation");
  set("text", "q");
  const status = q.get("status");
  if (status === "ok" || status === "error") f.status = status;
  const limit = Number(q.get("limit"));
  if (Number.isInteger(limit) && limit > 0) f.limit = limit;
  const offset = Number(q.get("offset"));
  if (Number.isInteger(offset) && offset > 0) f.offset = offset;
  return f;
}

class TooLarge extends Error {}

async function readText(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new TooLarge(`The file exceeds the limit of ${max} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  jsonText(res, status, JSON.stringify(body), headers);
}

function jsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(text);
}
