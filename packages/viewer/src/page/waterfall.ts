import type { ServedSpan, TraceDetail } from "../shared/model.js";
import { h } from "./dom.js";
import { duration } from "./format.js";
import { CATEGORY_LABEL, categoryOf, facts } from "./genai.js";

export interface Row {
  span: ServedSpan;
  depth: number;
  /** The span's service differs from its parent's: a hop between processes. */
  hop: boolean;
}

/** Spans in tree order (parents before children, siblings by start time); orphans start their own subtree. */
export function treeRows(spans: readonly ServedSpan[]): Row[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string, ServedSpan[]>();
  const roots: ServedSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId)) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const order = (a: ServedSpan, b: ServedSpan) => a.startUs - b.startUs || a.spanId.localeCompare(b.spanId);
  const rows: Row[] = [];
  const walk = (span: ServedSpan, depth: number, parent: ServedSpan | undefined) => {
    rows.push({ span, depth, hop: parent !== undefined && parent.service !== span.service });
    for (const c of (children.get(span.spanId) ?? []).sort(order)) walk(c, depth + 1, span);
  };
  for (const r of roots.sort(order)) walk(r, 0, undefined);
  return rows;
}

/** A stable colour per service, so a hop between services is visible at a glance. */
function serviceHue(service: string): number {
  let hash = 0;
  for (const ch of service) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function waterfall(detail: TraceDetail, selected: string | undefined, onSelect: (spanId: string) => void): HTMLElement {
  const rows = treeRows(detail.spans);
  const start = detail.summary.startUs;
  const total = Math.max(detail.summary.durationUs, 1);
  const container = h("div", { class: "waterfall", role: "tree" });
  container.append(
    h(
      "div",
      { class: "row header" },
      h("div", { class: "name" }, "span"),
      h("div", { class: "timeline" }, h("span", {}, "0"), h("span", { class: "end" }, duration(total))),
      h("div", { class: "dur" }, "duration"),
    ),
  );
  for (const { span, depth, hop } of rows) {
    const category = categoryOf(span);
    const left = ((span.startUs - start) / total) * 100;
    const width = Math.max(((span.endUs - span.startUs) / total) * 100, 0.3);
    const problems = span.violations.length;
    const row = h(
      "div",
      {
        class: `row cat-${category}${span.status.code === 2 ? " error" : ""}${span.spanId === selected ? " selected" : ""}`,
        role: "treeitem",
        tabindex: 0,
        "data-span-id": span.spanId,
        "data-category": category,
        style: { "--service-hue": String(serviceHue(span.service)) },
        onclick: () => onSelect(span.spanId),
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key === "Enter") onSelect(span.spanId);
        },
      },
      h(
        "div",
        { class: "name", style: { "padding-left": `${depth * 14 + 6}px` }, title: `${span.name} (${span.service})` },
        hop ? h("span", { class: "hop", title: `crosses into service ${span.service}` }, `⇢ ${span.service}`) : null,
        CATEGORY_LABEL[category] ? h("span", { class: `badge cat-${category}` }, CATEGORY_LABEL[category]) : null,
        h("span", { class: "span-name" }, span.name),
        problems > 0 ? h("span", { class: "conformance-badge", title: span.violations.join("\n") }, `⚠ ${problems}`) : null,
        h("span", { class: "facts" }, facts(span)),
      ),
      h("div", { class: "timeline" }, h("div", { class: "bar", style: { left: `${left}%`, width: `${width}%` } })),
      h("div", { class: "dur" }, duration(span.endUs - span.startUs)),
    );
    container.append(row);
  }
  return container;
}
