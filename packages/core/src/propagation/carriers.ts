import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";

/** Plain header objects (Node's `IncomingHttpHeaders`, a fetch init's `headers`) or a fetch `Headers`. */
export type HeaderCarrier = Record<string, string | string[] | number | undefined> | HeadersLike;

export interface HeadersLike {
  get(name: string): string | null;
  set(name: string, value: string): void;
  keys?(): Iterable<string>;
}

function isHeadersLike(carrier: unknown): carrier is HeadersLike {
  return typeof (carrier as HeadersLike)?.get === "function" && typeof (carrier as HeadersLike)?.set === "function";
}

export const headerSetter: TextMapSetter<HeaderCarrier> = {
  set(carrier, key, value) {
    if (isHeadersLike(carrier)) carrier.set(key, value);
    else carrier[key] = value;
  },
};

export const headerGetter: TextMapGetter<HeaderCarrier> = {
  keys(carrier) {
    if (isHeadersLike(carrier)) return carrier.keys ? Array.from(carrier.keys()) : [];
    return Object.keys(carrier);
  },
  get(carrier, key) {
    if (isHeadersLike(carrier)) return carrier.get(key) ?? undefined;
    const direct = carrier[key] ?? carrier[key.toLowerCase()];
    const value = direct ?? findCaseInsensitive(carrier, key);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

function findCaseInsensitive(carrier: Record<string, unknown>, key: string): string | string[] | undefined {
  const lower = key.toLowerCase();
  for (const k of Object.keys(carrier)) {
    if (k.toLowerCase() === lower) return carrier[k] as string | string[] | undefined;
  }
  return undefined;
}
