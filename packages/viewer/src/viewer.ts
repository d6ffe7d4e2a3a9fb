import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PriceTable, PriceTableError } from "./analysis/prices.js";
import { parseOtlpJsonFile } from "./otlp/export.js";
import { createOtlpHandler } from "./otlp/receiver.js";
import { handleApi, json } from "./server/api.js";
import { EventHub } from "./server/events.js";
import { packageRoot, packageVersion } from "./server/package-root.js";
import { serveStatic } from "./server/static.js";
import type { ViewerSpan } from "./shared/model.js";
import { PortInUseError, ViewerError } from "./store/errors.js";
import { TraceStore } from "./store/store.js";

export interface ViewerOptions {
  /** Port of the OTLP/HTTP receiver (default 4318; 0 picks a free one). */
  otlpPort?: number;
  /** Port of the page and its API (default 4319; 0 picks a free one). */
  port?: number;
  /** Interface both servers listen on (default 127.0.0.1: nothing outside this machine can connect). */
  host?: string;
  /** SQLite file, or ":memory:" (default: the file in the OS cache folder, see `defaultDatabasePath()`). */
  db: string;
  /** Traces kept before the ones that arrived first are evicted (default 1000). */
  maxTraces?: number;
  /** Largest OTLP or import body, compressed and decompressed (default 32 MiB). */
  maxBodyBytes?: number;
  /** OTLP/JSON files to load at start. */
  importFiles?: string[];
  /** Folder of the built page (default: dist/page of this package). */
  pageDir?: string;
  /** A trace with no new span for this long is done: parents still missing never ended (default 30 s). */
  quietPeriodMs?: number;
  /**
   * A JSON file of prices (USD per million tokens) that override or add to the table shipped in the
   * package: `{ "providers": { "openai": { "models": { "gpt-4o": { "input": 2.5, "output": 10 } } } } }`.
   * Rejected with a ViewerError naming the mistake when it is not such a file.
   */
  prices?: string;
  /** The clock in milliseconds since the epoch (tests pass their own instead of waiting). */
  now?: () => number;
}

export interface RunningViewer {
  /** Base URL of the OTLP/HTTP receiver, e.g. http://127.0.0.1:4318 (set OTEL_EXPORTER_OTLP_ENDPOINT to it). */
  otlpUrl: string;
  /** URL of the page. */
  url: string;
  store: TraceStore;
  /** Stops both servers and closes the database (every stored trace is already committed). */
  close(): Promise<void>;
}

export const DEFAULTS = {
  otlpPort: 4318,
  port: 4319,
  host: "127.0.0.1",
  maxTraces: 1000,
  maxBodyBytes: 32 * 1024 * 1024,
} as const;

/** Starts the receiver and the page. Rejects with a ViewerError the user can act on (port taken, bad database). */
export async function startViewer(options: ViewerOptions): Promise<RunningViewer> {
  const host = options.host ?? DEFAULTS.host;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  let prices: PriceTable;
  try {
    prices = PriceTable.load(options.prices);
  } catch (error) {
    if (error instanceof PriceTableError) throw new ViewerError(`--prices ${options.prices}: ${error.message}`);
    throw error;
  }
  const store = new TraceStore({
    prices,
    path: options.db,
    maxTraces: options.maxTraces ?? DEFAULTS.maxTraces,
    ...(options.quietPeriodMs !== undefined ? { quietPeriodMs: options.quietPeriodMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const events = new EventHub();
  const ingest = (spans: ViewerSpan[]): string[] => {
    const ids = store.ingest(spans);
    events.tracesChanged(ids);
    return ids;
  };
  try {
    for (const file of options.importFiles ?? []) {
      let spans: ViewerSpan[];
      try {
        spans = parseOtlpJsonFile(readFileSync(file, "utf8"));
      } catch (error) {
        throw new ViewerError(`--import ${file}: ${(error as Error).message}`);
      }
      ingest(spans);
    }
  } catch (error) {
    store.close();
    throw error;
  }

  const otlpHandler = createOtlpHandler(
    { ingestSpans: (s) => void ingest(s), ingestMetrics: (points) => events.metricsChanged(store.ingestMetrics(points)) },
    { maxBodyBytes },
  );
  const pageDir = options.pageDir ?? join(packageRoot(), "dist", "page");
  const localOnly = isLoopback(host);
  const info = { name: "@otel-agents/viewer" as const, version: packageVersion(), url: "", otlpUrl: "" };
  const api = { store, events, ingest, maxBodyBytes, info };
  const ui = async (req: IncomingMessage, res: ServerResponse) => {
    // A page elsewhere that rebinds its DNS name to 127.0.0.1 would reach this port with its own Host header.
    if (localOnly && !isLoopbackHost(req.headers.host)) {
      json(res, 403, { error: "The viewer answers only to localhost names." });
      return;
    }
    const url = new URL(req.url ?? "/", "http://viewer");
    if (await handleApi(api, req, res, url)) return;
    if ((req.method === "GET" || req.method === "HEAD") && serveStatic(pageDir, url.pathname, res)) return;
    if (req.method === "GET" && !url.pathname.startsWith("/api/") && !url.pathname.includes(".")) {
      // Client-side routes (/trace/…, /conversation/…) load the page, which reads its own URL.
      if (serveStatic(pageDir, "/", res)) return;
      json(res, 500, { error: `The page is not built (no ${join(pageDir, "index.html")}).` });
      return;
    }
    json(res, 404, { error: `Not found: ${url.pathname}` });
  };
  const otlpServer = createServer((req, res) => void otlpHandler(req, res));
  const uiServer = createServer((req, res) =>
    ui(req, res).catch((error: Error) => {
      if (!res.headersSent) json(res, 500, { error: error.message });
      else res.end();
    }),
  );
  try {
    await listen(otlpServer, options.otlpPort ?? DEFAULTS.otlpPort, host, "--otlp-port");
    await listen(uiServer, options.port ?? DEFAULTS.port, host, "--port");
  } catch (error) {
    otlpServer.close();
    store.close();
    throw error;
  }
  const urlOf = (server: Server) => {
    const { port } = server.address() as AddressInfo;
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  };
  info.url = urlOf(uiServer);
  info.otlpUrl = urlOf(otlpServer);
  let closing: Promise<void> | undefined;
  return {
    otlpUrl: info.otlpUrl,
    url: info.url,
    store,
    close: () =>
      (closing ??= (async () => {
        events.close();
        await Promise.all([stop(otlpServer), stop(uiServer)]);
        store.close();
      })()),
  };
}

function listen(server: Server, port: number, host: string, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(
              `Port ${port} on ${host} is in use (is another viewer or collector running?). Pick another with ${flag}.`,
              host,
              port,
            )
          : new ViewerError(`Cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host.startsWith("127.");
}

function isLoopbackHost(header: string | undefined): boolean {
  if (!header) return false;
  const name = header.startsWith("[") ? header.slice(1, header.indexOf("]")) : header.split(":")[0];
  return name === "localhost" || name === "::1" || (name?.startsWith("127.") ?? false);
}
