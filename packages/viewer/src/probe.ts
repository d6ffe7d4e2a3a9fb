/** What a running viewer says about itself at GET /api/info. */
export interface ViewerInfo {
  name: "@otel-agents/viewer";
  version: string;
  /** Base URL of its page. */
  url: string;
  /** Base URL of its OTLP/HTTP receiver. */
  otlpUrl: string;
}

/**
 * The viewer whose page is at `url` (e.g. http://127.0.0.1:4319), or undefined when nothing
 * answers there, or something that is not a viewer. Never rejects.
 */
export async function probeViewer(url: string, timeoutMs = 1000): Promise<ViewerInfo | undefined> {
  try {
    const res = await fetch(new URL("/api/info", url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const info = (await res.json()) as Partial<ViewerInfo>;
    if (info.name !== "@otel-agents/viewer" || typeof info.otlpUrl !== "string" || typeof info.url !== "string") return undefined;
    return info as ViewerInfo;
  } catch {
    return undefined;
  }
}
