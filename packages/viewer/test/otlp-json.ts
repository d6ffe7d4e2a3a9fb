// OTLP/JSON export requests written by hand, for traces no SDK would send: cycles, duplicate ids,
// clocks in the future, other conventions, megabytes of content.
export type Attr = string | number | boolean | string[] | Structured;
/** A structured AnyValue: an object is a kvlistValue, an array an arrayValue (nested as deep as wanted). */
export type Structured = string | number | boolean | Structured[] | { [key: string]: Structured };

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  /** Milliseconds after `base`. */
  start: number;
  end: number;
  attributes?: Record<string, Attr>;
  status?: { code: number; message?: string };
  service?: string;
  links?: { traceId: string; spanId: string; attributes?: Record<string, Attr> }[];
}

/** A fixed instant (2023-11-14T22:13:20Z) in nanoseconds: traces in tests never depend on the clock. */
export const BASE_NS = 1_700_000_000_000_000_000n;

function value(v: Attr): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map(value) } };
  if (typeof v === "object") return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: value(x) })) } };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function keyValues(attrs: Record<string, Attr> = {}): Record<string, unknown>[] {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: value(v) }));
}

/** Hex id of `bytes` bytes from a small number, so tests can name their spans 1, 2, 3. */
export function hex(n: number | bigint, bytes: number): string {
  return n.toString(16).padStart(bytes * 2, "0");
}

export function request(spans: SpanSpec[], base = BASE_NS): Record<string, unknown> {
  const byService = new Map<string, SpanSpec[]>();
  for (const s of spans) {
    const service = s.service ?? "test-app";
    byService.set(service, [...(byService.get(service) ?? []), s]);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: "hand-written" },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: s.kind ?? 1,
            startTimeUnixNano: String(base + BigInt(Math.round(s.start * 1e6))),
            endTimeUnixNano: String(base + BigInt(Math.round(s.end * 1e6))),
            attributes: keyValues(s.attributes),
            status: s.status ?? { code: 0 },
            ...(s.links
              ? {
                  links: s.links.map((l) => ({
                    traceId: l.traceId,
                    spanId: l.spanId,
                    attributes: keyValues(l.attributes),
                  })),
                }
              : {}),
          })),
        },
      ],
    })),
  };
}

/** Posts spans to the viewer's receiver as OTLP/JSON; resolves once they are stored. */
export async function send(otlpUrl: string, spans: SpanSpec[], base = BASE_NS): Promise<void> {
  const res = await fetch(`${otlpUrl}/v1/traces`, {
    method: "POST",
    body: JSON.stringify(request(spans, base)),
    headers: { "content-type": "application/json" },
  });
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** A GenAI chat span's attributes (current conventions). */
export function chat(extra: Record<string, Attr> = {}): Record<string, Attr> {
  return {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    ...extra,
  };
}

export const text = (role: string, content: string) => JSON.stringify([{ role, parts: [{ type: "text", content }] }]);
