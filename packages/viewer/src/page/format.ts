/**
 * Microseconds as a short duration: 850µs, 12.3ms, 4.56s, 2m 03s, 5h 07m, 12d 03h. A negative
 * one (a span that ends before it starts) keeps its sign on the same scale: -50.0ms.
 */
export function duration(us: number): string {
  if (!Number.isFinite(us)) return "?";
  if (us < 0) return `-${duration(-us)}`;
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)}ms`;
  if (us < 60_000_000) return `${(us / 1_000_000).toFixed(2)}s`;
  const s = Math.round(us / 1_000_000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  const m = Math.round(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
  const hours = Math.round(m / 60);
  if (hours < 24 * 365) return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, "0")}h`;
  return `${(hours / 24 / 365.25).toFixed(1)} years`;
}

/** A token count: exact below 10,000, then 12.3k, 2.66M, 1.05B. */
export function tokens(n: number | undefined): string {
  if (!n) return "–";
  if (n < 10_000) return String(n);
  if (n < 999_950) return `${(n / 1000).toFixed(1)}k`;
  if (n < 999_950_000) return `${(n / 1e6).toFixed(n < 9_995_000 ? 2 : 1)}M`;
  return `${(n / 1e9).toFixed(2)}B`;
}

/** US dollars: $12.35 from one dollar up, two significant digits below ($0.50, $0.012, $0.00042). */
export function money(usd: number): string {
  if (usd === 0) return "$0.00";
  if (usd >= 0.995) return `$${usd.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (usd < 0.000001) return "<$0.000001";
  const r = Number(usd.toPrecision(2));
  return `$${r.toFixed(Math.max(2, 1 - Math.floor(Math.log10(r))))}`;
}

/** What a cost says in a table cell: $0.0123, "unpriced", or both ("$0.0123 + unpriced"); "–" when nothing was priced. */
export function cost(c: { usd?: number | undefined; unpricedTokens?: number | undefined } | undefined): string {
  if (!c || (c.usd === undefined && !c.unpricedTokens)) return "–";
  if (c.usd === undefined) return "unpriced";
  return c.unpricedTokens ? `${money(c.usd)} + unpriced` : money(c.usd);
}

/** The long form: "$0.0123 + 1,200 tokens unpriced", "unpriced (1,200 tokens)", "$0.0123". */
export function costLine(c: { usd?: number | undefined; unpricedTokens?: number | undefined } | undefined): string {
  if (!c || (c.usd === undefined && !c.unpricedTokens)) return "–";
  const unpriced = c.unpricedTokens ? plural(c.unpricedTokens, "token") : "";
  if (c.usd === undefined) return `unpriced (${unpriced})`;
  return unpriced ? `${money(c.usd)} + ${unpriced} unpriced` : money(c.usd);
}

export function clock(us: number): string {
  const d = new Date(us / 1000);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour12: false });
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

/** Strings past this size are parsed and pretty-printed only on request: a 5 MB one would freeze the page. */
const PRETTY_LIMIT = 200_000;

/** Pretty JSON of a string that may hold JSON; the string itself otherwise. */
export function prettyJson(value: unknown): string {
  if (typeof value === "string") {
    if (value.length > PRETTY_LIMIT) return value;
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/**
 * A number as `toLocaleString("en")` writes it (1,234,567), integers without ICU: its first call
 * loads the number-format data, ~25 ms on the way to showing a trace.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en");
  const digits = String(Math.abs(n));
  let out = "";
  for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out ? `,${out}` : "");
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}

export function plural(n: number, word: string): string {
  return `${grouped(n)} ${word}${n === 1 ? "" : "s"}`;
}
