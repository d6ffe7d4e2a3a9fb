import type { Attrs, ServedSpan, TraceDetail } from "./model.js";

/**
 * A trace as the page asks for it (`/api/traces/<id>` with `x-trace-form: compact`): each distinct resource and scope
 * once, spans pointing at them by index, and no trace id per span. The same trace as `TraceDetail`,
 * ~30% smaller: a 2,402-span trace of one service is 1.7 MB instead of 2.4 MB, and reading the body
 * is most of what the page waits for once the server answers.
 */
export interface CompactTrace {
  summary: TraceDetail["summary"];
  resources: Attrs[];
  scopes: ServedSpan["scope"][];
  /** Each span without `traceId`, `resource` and `scope`; `r` and `s` index `resources` and `scopes`. */
  spans: (Omit<ServedSpan, "traceId" | "resource" | "scope"> & { r: number; s: number })[];
}

export function compactTrace(detail: TraceDetail): CompactTrace {
  const resources: Attrs[] = [];
  const scopes: ServedSpan["scope"][] = [];
  const seen = new Map<string, number>();
  const indexOf = <T>(list: T[], value: T, kind: string): number => {
    const key = `${kind}${JSON.stringify(value)}`;
    let i = seen.get(key);
    if (i === undefined) {
      i = list.push(value) - 1;
      seen.set(key, i);
    }
    return i;
  };
  const spans = detail.spans.map(({ traceId: _traceId, resource, scope, ...rest }) => ({
    ...rest,
    r: indexOf(resources, resource, "r"),
    s: indexOf(scopes, scope, "s"),
  }));
  return { summary: detail.summary, resources, scopes, spans };
}

/** The `TraceDetail` a compact trace stands for (spans of one resource share its object). */
export function expandTrace(compact: CompactTrace): TraceDetail {
  const traceId = compact.summary.traceId;
  return {
    summary: compact.summary,
    spans: compact.spans.map(({ r, s, ...rest }) => ({
      traceId,
      ...rest,
      resource: compact.resources[r]!,
      scope: compact.scopes[s]!,
    })),
  };
}
