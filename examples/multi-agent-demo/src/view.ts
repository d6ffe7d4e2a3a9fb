// `npm run demo -- --view`: the demo's traces and metrics go to @otel-agents/viewer, started in this
// process, or to a viewer that already runs on the default ports.
import { defaultDatabasePath, PortInUseError, probeViewer, type RunningViewer, startViewer } from "@otel-agents/viewer";

export interface ViewOptions {
  /** OTLP port of the in-process viewer (default 4318; 0 picks a free one). */
  otlpPort?: number;
  /** Page port (default 4319; 0 picks a free one). */
  port?: number;
  /** SQLite file (default: the viewer's own, in the OS cache folder, so `npx @otel-agents/viewer` shows the run later). */
  db?: string;
}

export interface DemoViewer {
  url: string;
  otlpUrl: string;
  /** The viewer runs in this process (else the demo sent to one already running, and need not stay). */
  owned: RunningViewer | undefined;
}

/**
 * Starts the viewer on the default ports. When one is taken: a viewer already listening there is
 * reused; anything else (a Collector on 4318...) makes this one take free ports instead, and says so.
 */
export async function startDemoViewer(options: ViewOptions, log: (line: string) => void): Promise<DemoViewer> {
  const ports = { otlpPort: options.otlpPort ?? 4318, port: options.port ?? 4319 };
  const db = options.db ?? defaultDatabasePath();
  try {
    const owned = await startViewer({ db, ...ports });
    return { url: owned.url, otlpUrl: owned.otlpUrl, owned };
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    const running = await probeViewer(`http://127.0.0.1:${ports.port}`);
    if (running) {
      log(`A viewer is already running at ${running.url}: the demo sends its telemetry there.`);
      return { url: running.url, otlpUrl: running.otlpUrl, owned: undefined };
    }
    log(`Port ${error.port} is taken by another program: this viewer listens on free ports instead.`);
    const owned = await startViewer({ db, otlpPort: 0, port: 0 });
    return { url: owned.url, otlpUrl: owned.otlpUrl, owned };
  }
}

/** The newest trace of the demo's conversation, as the viewer lists it. */
export async function latestTrace(viewerUrl: string, conversationId: string): Promise<string | undefined> {
  const res = await fetch(`${viewerUrl}/api/traces?conversation=${encodeURIComponent(conversationId)}&limit=1`);
  const { traces } = (await res.json()) as { traces: { traceId: string }[] };
  return traces[0]?.traceId;
}
