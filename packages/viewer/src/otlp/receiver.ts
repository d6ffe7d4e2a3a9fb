import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import type protobuf from "protobufjs";
import type { ViewerSpan } from "../shared/model.js";
import { isChartedMetric } from "../store/metrics.js";
import { normalizeMetricsRequest, type ReceivedMetricPoint } from "./metrics.js";
import { type IdEncoding, MalformedRequestError, normalizeTraceRequest } from "./normalize.js";
import { decodeProtobuf, otlpProtoTypes } from "./proto.js";

/** Where decoded telemetry goes. */
export interface OtlpSink {
  ingestSpans(spans: ViewerSpan[]): void;
  ingestMetrics(points: ReceivedMetricPoint[]): void;
}

export interface ReceiverOptions {
  /** Largest body accepted, compressed and decompressed alike (bytes). */
  maxBodyBytes: number;
}

type Encoding = "json" | "protobuf";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SIGNALS = new Set(["/v1/traces", "/v1/metrics", "/v1/logs"]);

/**
 * The OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp): POST /v1/traces,
 * /v1/metrics and /v1/logs in binary protobuf or JSON, optionally gzip-compressed, answering in the
 * request's encoding, with CORS so browser exporters can send too.
 */
export function createOtlpHandler(sink: OtlpSink, options: ReceiverOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://receiver").pathname;
    cors(req, res);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (!SIGNALS.has(path)) {
      plain(res, 404, `No OTLP endpoint at ${path}: send to /v1/traces, /v1/metrics or /v1/logs.`);
      return;
    }
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST, OPTIONS");
      plain(res, 405, `${path} accepts POST only.`);
      return;
    }
    const encoding = encodingOf(req.headers["content-type"]);
    if (!encoding) {
      plain(
        res,
        415,
        `Unsupported content type ${req.headers["content-type"] ?? "(none)"}: use application/x-protobuf or application/json.`,
      );
      return;
    }
    try {
      const body = await readBody(req, options.maxBodyBytes);
      const types = otlpProtoTypes();
      if (path === "/v1/traces") {
        const request = decode(body, encoding, types.traceRequest);
        const ids: IdEncoding = encoding === "protobuf" ? "base64" : "hex";
        const { spans, rejected, rejectReason } = normalizeTraceRequest(request, ids);
        sink.ingestSpans(spans);
        const partialSuccess = rejected > 0 ? { rejectedSpans: String(rejected), errorMessage: rejectReason ?? "" } : undefined;
        respond(res, encoding, types.traceResponse, partialSuccess ? { partialSuccess } : {});
      } else if (path === "/v1/metrics") {
        const request = decode(body, encoding, types.metricsRequest);
        // GenAI sums and histograms are kept for the charts; other metrics are accepted and dropped.
        sink.ingestMetrics(normalizeMetricsRequest(request, isChartedMetric));
        respond(res, encoding, types.metricsResponse, {});
      } else {
        // Logs are accepted so an app exporting all three signals sees no errors; the viewer has no log view yet.
        respond(res, encoding, types.logsResponse, {});
      }
    } catch (error) {
      if (error instanceof HttpError) failure(res, encoding, error.status, error.message);
      else if (error instanceof MalformedRequestError) failure(res, encoding, 400, error.message);
      else failure(res, encoding, 500, `The viewer could not store the request: ${(error as Error).message}`);
    }
  };
}

function cors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader("Access-Control-Allow-Origin", origin ?? "*");
  if (origin) res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
  res.setHeader(
    "Access-Control-Allow-Headers",
    req.headers["access-control-request-headers"] ?? "Content-Type, Content-Encoding",
  );
  res.setHeader("Access-Control-Max-Age", "86400");
}

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return undefined;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    throw new HttpError(413, `The body (${declared} bytes) exceeds the limit of ${max} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      req.resume();
      throw new HttpError(413, `The body exceeds the limit of ${max} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const contentEncoding = String(req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (contentEncoding === "identity" || contentEncoding === "") return raw;
  if (contentEncoding !== "gzip") throw new HttpError(415, `Unsupported content encoding ${contentEncoding}: use gzip or none.`);
  try {
    return gunzipSync(raw, { maxOutputLength: max });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new HttpError(413, `The decompressed body exceeds the limit of ${max} bytes.`);
    }
    throw new MalformedRequestError(`The gzip body cannot be decompressed: ${(error as Error).message}`);
  }
}

function decode(body: Buffer, encoding: Encoding, type: protobuf.Type): Record<string, unknown> {
  if (encoding === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (error) {
      throw new MalformedRequestError(`The body is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new MalformedRequestError("The JSON body is not an OTLP export request object.");
    }
    return parsed as Record<string, unknown>;
  }
  try {
    return decodeProtobuf(type, body);
  } catch (error) {
    throw new MalformedRequestError(`The body is not a valid ${type.name} protobuf message: ${(error as Error).message}`);
  }
}

function respond(res: ServerResponse, encoding: Encoding, type: protobuf.Type, message: Record<string, unknown>): void {
  if (encoding === "json") {
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(message));
    return;
  }
  const bytes = type.encode(type.fromObject(message)).finish();
  res.writeHead(200, { "Content-Type": "application/x-protobuf" }).end(bytes);
}

/** An error in the OTLP shape: a google.rpc.Status in the request's encoding. */
function failure(res: ServerResponse, encoding: Encoding, status: number, message: string): void {
  // gRPC codes: 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 13 INTERNAL.
  const code = status === 413 ? 8 : status >= 500 ? 13 : 3;
  if (encoding === "json") {
    res.writeHead(status, { "Content-Type": "application/json", Connection: "close" }).end(JSON.stringify({ code, message }));
    return;
  }
  const type = otlpProtoTypes().status;
  res
    .writeHead(status, { "Content-Type": "application/x-protobuf", Connection: "close" })
    .end(type.encode({ code, message }).finish());
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(message);
}
