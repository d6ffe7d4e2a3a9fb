import { type CompactTrace, expandTrace } from "../shared/compact.js";
import type { ConversationDetail, FilterValues, MetricsOverview, TraceListPage, TracesChangedEvent } from "../shared/model.js";

/** The viewer answered with an error status (404: not stored); a network failure is a plain TypeError. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function get<T>(path: string, headers?: Record<string, string>): Promise<T> {
  const res = await fetch(path, headers ? { headers } : undefined);
  if (!res.ok) throw new ApiError(`${path}: ${res.status} ${await res.text()}`, res.status);
  return (await res.json()) as T;
}

export interface ListQuery {
  service?: string;
  agent?: string;
  model?: string;
  conversation?: string;
  status?: string;
  q?: string;
}

export const api = {
  traces: (query: ListQuery, limit: number, offset = 0) => {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]);
    params.set("limit", String(limit));
    if (offset) params.set("offset", String(offset));
    return get<TraceListPage>(`/api/traces?${params}`);
  },
  info: () => get<{ url: string; otlpUrl: string; version: string }>("/api/info"),
  filters: () => get<FilterValues>("/api/filters"),
  trace: async (id: string) =>
    expandTrace(await get<CompactTrace>(`/api/traces/${encodeURIComponent(id)}`, { "x-trace-form": "compact" })),
  conversation: (id: string) => get<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`),
  metrics: () => get<MetricsOverview>("/api/metrics"),
  exportUrl: (id: string) => `/api/traces/${encodeURIComponent(id)}/otlp`,
  async import(text: string): Promise<{ spans: number; traceIds: string[] }> {
    const res = await fetch("/api/import", { method: "POST", body: text, headers: { "content-type": "application/json" } });
    const body = (await res.json()) as { spans: number; traceIds: string[]; error?: string };
    if (!res.ok) throw new Error(body.error ?? `import failed: ${res.status}`);
    return body;
  },
};

/** Live updates: calls back with the ids of traces that changed, and when metrics arrived; the browser reconnects by itself. */
export function subscribe(
  onChange: (e: TracesChangedEvent) => void,
  onMetrics: () => void,
  onStatus: (live: boolean) => void,
): EventSource {
  const source = new EventSource("/api/events");
  source.addEventListener("ready", () => onStatus(true));
  source.addEventListener("error", () => onStatus(false));
  source.addEventListener("traces", (e) => onChange(JSON.parse((e as MessageEvent<string>).data) as TracesChangedEvent));
  source.addEventListener("metrics", () => onMetrics());
  return source;
}
