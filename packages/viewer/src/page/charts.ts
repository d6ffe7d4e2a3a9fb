import { METRIC } from "@otel-agents/core/semconv";
import type { DurationRow, MetricsOverview, TokenRow, TokenSeries } from "../shared/model.js";
import { h } from "./dom.js";
import { costLine, duration } from "./format.js";

// Inline SVG drawn here: three small charts need no chart library (and the page loads nothing from elsewhere).
const NS = "http://www.w3.org/2000/svg";
const WIDTH = 760;
const LABEL = 220;
const BAR = 360;
const ROW = 24;

type SvgChild = SVGElement | string | null;

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: SvgChild[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const c of children) if (c !== null) el.append(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/** A hover text (SVG <title>). */
function tip(text: string): SVGTitleElement {
  return s("title", {}, text);
}

function count(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 10_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function seconds(s: number): string {
  return duration(s * 1_000_000);
}

function bucketLabel(us: number): string {
  const sec = us / 1_000_000;
  if (sec === 1) return "second";
  if (sec < 60) return `${sec} seconds`;
  if (sec < 3600) return sec === 60 ? "minute" : `${sec / 60} minutes`;
  if (sec < 86_400) return sec === 3600 ? "hour" : `${sec / 3600} hours`;
  return sec === 86_400 ? "day" : `${sec / 86_400} days`;
}

function legend(items: { cls: string; label: string }[]): HTMLElement {
  return h("div", { class: "legend" }, ...items.map((i) => h("span", {}, h("span", { class: `swatch ${i.cls}` }), i.label)));
}

function section(id: string, title: string, note: string, ...body: (Node | null)[]): HTMLElement {
  return h("section", { class: "chart", "data-chart": id }, h("h3", {}, title), h("p", { class: "muted note" }, note), ...body);
}

/** Per model, one bar of input then output tokens; the cached share of input and the reasoning share of output drawn lighter. */
function tokensByModel(rows: TokenRow[]): SVGSVGElement {
  const max = Math.max(1, ...rows.map((r) => r.input + r.output));
  const svg = s("svg", { width: WIDTH, height: rows.length * ROW + 4, class: "chart-svg", role: "img" });
  rows.forEach((r, i) => {
    const y = i * ROW + 2;
    const segments = [
      { series: "input", cls: "seg-input", value: Math.max(0, r.input - r.cacheRead) },
      { series: "cache_read", cls: "seg-cache", value: Math.min(r.cacheRead, r.input) },
      { series: "output", cls: "seg-output", value: Math.max(0, r.output - r.reasoning) },
      { series: "reasoning", cls: "seg-reasoning", value: Math.min(r.reasoning, r.output) },
    ];
    let x = LABEL;
    const rects = segments.map((seg) => {
      const w = (seg.value / max) * BAR;
      const rect = s(
        "rect",
        { x, y: y + 3, width: w, height: ROW - 8, class: seg.cls, "data-series": seg.series, "data-value": seg.value },
        tip(`${seg.series.replace("_", " ")}: ${seg.value}`),
      );
      x += w;
      return rect;
    });
    const facts = [`${count(r.input)} in`, `${count(r.output)} out`];
    if (r.cacheRead) facts.push(`${count(r.cacheRead)} cache read`);
    if (r.cacheWrite) facts.push(`${count(r.cacheWrite)} cache write`);
    if (r.reasoning) facts.push(`${count(r.reasoning)} reasoning`);
    svg.append(
      s(
        "g",
        { class: "chart-row", "data-label": r.model },
        s("text", { x: LABEL - 8, y: y + ROW / 2 + 4, "text-anchor": "end", class: "label" }, r.model),
        ...rects,
        s("text", { x: x + 6, y: y + ROW / 2 + 4, class: "value" }, facts.join(" · ")),
      ),
    );
  });
  return svg;
}

/** What each model's tokens cost, a bar per model; a model with no price says "unpriced" and draws no bar. */
function costByModel(rows: TokenRow[]): SVGSVGElement {
  const max = Math.max(1e-12, ...rows.map((r) => r.costUsd ?? 0));
  const svg = s("svg", { width: WIDTH, height: rows.length * ROW + 4, class: "chart-svg", role: "img" });
  rows.forEach((r, i) => {
    const y = i * ROW + 2;
    const w = ((r.costUsd ?? 0) / max) * BAR;
    const text = costLine({ usd: r.costUsd, unpricedTokens: r.unpricedTokens });
    svg.append(
      s(
        "g",
        { class: "chart-row", "data-label": r.model },
        s("text", { x: LABEL - 8, y: y + ROW / 2 + 4, "text-anchor": "end", class: "label" }, r.model),
        r.costUsd !== undefined
          ? s("rect", { x: LABEL, y: y + 3, width: w, height: ROW - 8, class: "seg-cost", "data-value": r.costUsd })
          : null,
        s("text", { x: LABEL + w + 6, y: y + ROW / 2 + 4, class: `value${r.unpricedTokens ? " unpriced" : ""}` }, text),
      ),
    );
  });
  return svg;
}

/** Input and output tokens per time bucket, stacked columns. */
function tokensOverTime(series: TokenSeries): SVGSVGElement {
  const height = 140;
  const left = 56;
  const plotW = WIDTH - left - 10;
  const n = series.buckets.length;
  const max = Math.max(1, ...series.buckets.map((b) => b.input + b.output));
  // A short run has few buckets: keep columns narrow rather than one slab across the chart.
  const colW = Math.min(28, plotW / Math.max(1, n));
  const svg = s(
    "svg",
    { width: WIDTH, height: height + 24, class: "chart-svg", role: "img" },
    s("line", { x1: left, y1: height, x2: WIDTH - 10, y2: height, class: "axis" }),
    s("text", { x: left - 6, y: 12, "text-anchor": "end", class: "tick" }, count(max)),
    s("text", { x: left - 6, y: height, "text-anchor": "end", class: "tick" }, "0"),
  );
  series.buckets.forEach((b, i) => {
    const x = left + i * colW + 1;
    const w = Math.max(1, colW - 2);
    const hIn = (b.input / max) * (height - 8);
    const hOut = (b.output / max) * (height - 8);
    const when = new Date(b.startUs / 1000).toLocaleTimeString(undefined, { hour12: false });
    const g = s("g", { class: "chart-col", "data-start-us": b.startUs }, tip(`${when}: ${b.input} in, ${b.output} out`));
    if (b.input) g.append(s("rect", { x, y: height - hIn, width: w, height: hIn, class: "seg-input", "data-value": b.input }));
    if (b.output)
      g.append(s("rect", { x, y: height - hIn - hOut, width: w, height: hOut, class: "seg-output", "data-value": b.output }));
    svg.append(g);
  });
  const ticks = n <= 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
  for (const i of new Set(ticks)) {
    const b = series.buckets[i];
    if (!b) continue;
    const label = new Date(b.startUs / 1000).toLocaleTimeString(undefined, { hour12: false });
    svg.append(s("text", { x: left + i * colW + colW / 2, y: height + 16, "text-anchor": "middle", class: "tick" }, label));
  }
  return svg;
}

const DURATION_CLASS: Record<string, string> = {
  [METRIC.invokeWorkflowDuration]: "cat-workflow",
  [METRIC.invokeAgentDuration]: "cat-agent",
  [METRIC.inferenceDuration]: "cat-chat",
  [METRIC.executeToolDuration]: "cat-tool",
};

/** Mean duration per operation as a bar, the estimated 95th percentile as a tick. */
function durations(rows: DurationRow[]): SVGSVGElement {
  const max = Math.max(1e-9, ...rows.map((r) => Math.max(r.meanS, r.p95S ?? 0)));
  const svg = s("svg", { width: WIDTH, height: rows.length * ROW + 4, class: "chart-svg", role: "img" });
  rows.forEach((r, i) => {
    const y = i * ROW + 2;
    const label = r.model ? `${r.label} · ${r.model}` : r.label;
    const w = (r.meanS / max) * BAR;
    const facts = [`mean ${seconds(r.meanS)}`];
    if (r.p95S !== null) facts.push(`p95 ≈ ${seconds(r.p95S)}`);
    facts.push(`${r.count} call${r.count === 1 ? "" : "s"}`);
    if (r.errors) facts.push(`${r.errors} error${r.errors === 1 ? "" : "s"}`);
    const g = s(
      "g",
      { class: "chart-row", "data-label": label, "data-metric": r.metric },
      tip(r.metric),
      s("text", { x: LABEL - 8, y: y + ROW / 2 + 4, "text-anchor": "end", class: "label" }, label),
      s("rect", {
        x: LABEL,
        y: y + 3,
        width: w,
        height: ROW - 8,
        class: `duration-bar ${DURATION_CLASS[r.metric] ?? "cat-genai"}`,
      }),
    );
    if (r.p95S !== null) {
      const px = LABEL + (r.p95S / max) * BAR;
      g.append(s("line", { x1: px, y1: y + 1, x2: px, y2: y + ROW - 3, class: "p95" }));
    }
    g.append(s("text", { x: LABEL + BAR + 8, y: y + ROW / 2 + 4, class: `value${r.errors ? " error" : ""}` }, facts.join(" · ")));
    svg.append(g);
  });
  return svg;
}

/** The charts view: where the tokens went, and how long operations took, from the GenAI metrics received. */
export function chartsView(o: MetricsOverview): HTMLElement {
  if (o.points === 0) {
    return h(
      "div",
      { class: "charts" },
      h("h2", {}, "Charts"),
      h(
        "p",
        { class: "muted hint" },
        "No GenAI metrics yet. Apps that export metrics over OTLP to this viewer (a MeterProvider with an OTLP metric exporter; setup() from @otel-agents/core/node does it) show their token usage and operation durations here.",
      ),
    );
  }
  const priced = o.tokensByModel.filter((r) => r.costUsd !== undefined || r.unpricedTokens);
  let total: number | undefined;
  let unpriced = 0;
  for (const r of priced) {
    if (r.costUsd !== undefined) total = (total ?? 0) + r.costUsd;
    unpriced += r.unpricedTokens ?? 0;
  }
  const range =
    o.firstUs !== null && o.lastUs !== null
      ? `${new Date(o.firstUs / 1000).toLocaleString()} – ${new Date(o.lastUs / 1000).toLocaleTimeString()}`
      : "";
  return h(
    "div",
    { class: "charts" },
    h("h2", {}, "Charts"),
    h("p", { class: "muted" }, `From ${o.points} metric points received ${range}.`),
    o.tokensByModel.length
      ? section(
          "tokens-by-model",
          "Tokens by model",
          "gen_ai.client.inference.usage.* counters (or gen_ai.client.token.usage from older instrumentations)",
          legend([
            { cls: "seg-input", label: "input" },
            { cls: "seg-cache", label: "of which cache read" },
            { cls: "seg-output", label: "output" },
            { cls: "seg-reasoning", label: "of which reasoning" },
          ]),
          tokensByModel(o.tokensByModel),
        )
      : null,
    priced.length
      ? section(
          "cost-by-model",
          `Cost by model: ${costLine({ usd: total, unpricedTokens: unpriced })}`,
          `the tokens above at the price table's prices (${o.priceSource ?? "shipped table"}); tokens of a model with no price are unpriced, not $0`,
          costByModel(priced),
        )
      : null,
    o.tokensByModel.length && o.tokensOverTime.buckets.length
      ? section(
          "tokens-over-time",
          "Tokens over time",
          `input and output tokens per ${bucketLabel(o.tokensOverTime.bucketUs)}, by the time of each metric export`,
          legend([
            { cls: "seg-input", label: "input" },
            { cls: "seg-output", label: "output" },
          ]),
          tokensOverTime(o.tokensOverTime),
        )
      : null,
    o.durations.length
      ? section(
          "durations",
          "Operation durations",
          "mean (bar) and estimated 95th percentile (tick) of the duration histograms",
          durations(o.durations),
        )
      : null,
  );
}
