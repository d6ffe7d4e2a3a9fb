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

/**
 * Spans in tree order (parents before children, siblings by start time); orphans start their own
 * subtree, and so does a span whose parents loop back on themselves (A→B→A, C→C), so every span is drawn.
 */
export function treeRows(spans: readonly ServedSpan[]): Row[] {
  const byId = new Map<string, ServedSpan>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, ServedSpan[]>();
  const roots: ServedSpan[] = [];
  for (const s of spans) {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (parent && parent !== s) {
      const list = children.get(parent.key) ?? [];
      list.push(s);
      children.set(parent.key, list);
    } else roots.push(s);
  }
  const order = (a: ServedSpan, b: ServedSpan) => a.startUs - b.startUs || a.key.localeCompare(b.key);
  const rows: Row[] = [];
  const seen = new Set<string>();
  const walk = (root: ServedSpan) => {
    // An explicit stack: a 10,000-deep chain must not overflow the call stack.
    const stack: [ServedSpan, number, ServedSpan | undefined][] = [[root, 0, undefined]];
    while (stack.length > 0) {
      const [span, depth, parent] = stack.pop()!;
      if (seen.has(span.key)) continue;
      seen.add(span.key);
      rows.push({ span, depth, hop: parent !== undefined && parent.service !== span.service });
      const kids = (children.get(span.key) ?? []).sort(order);
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1, span]);
    }
  };
  for (const r of roots.sort(order)) walk(r);
  // What is left hangs in a parent cycle: each loop is entered at its earliest span.
  for (const s of [...spans].sort(order)) if (!seen.has(s.key)) walk(s);
  return rows;
}

/** A stable colour per service, so a hop between services is visible at a glance. */
function serviceHue(service: string): number {
  let hash = 0;
  for (const ch of service) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

/** Marks one row selected (no rebuild: a click in a long trace must not redraw it). */
export function markSelected(container: HTMLElement, key: string | undefined): void {
  for (const el of container.querySelectorAll(".row.selected")) el.classList.remove("selected");
  if (key === undefined) return;
  const row = container.querySelector<HTMLElement>(`.row[data-key="${CSS.escape(key)}"]`);
  row?.classList.add("selected");
  row?.setAttribute("aria-selected", "true");
}

export function waterfall(detail: TraceDetail, selected: string | undefined, onSelect: (key: string) => void): HTMLElement {
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
    const spanUs = span.endUs - span.startUs;
    const left = Math.min(Math.max(((span.startUs - start) / total) * 100, 0), 100);
    const width = Math.min(Math.max((Math.max(spanUs, 0) / total) * 100, 0.3), 100 - left);
    const problems = span.violations.length;
    const integrity = span.integrity.length;
    const row = h(
      "div",
      {
        class: `row cat-${category}${span.status.code === 2 ? " error" : ""}${span.key === selected ? " selected" : ""}`,
        role: "treeitem",
        tabindex: 0,
        "data-span-id": span.spanId,
        "data-key": span.key,
        "data-category": category,
        style: { "--service-hue": String(serviceHue(span.service)) },
        onclick: () => onSelect(span.key),
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key === "Enter") onSelect(span.key);
        },
      },
      h(
        "div",
        { class: "name", style: { "padding-left": `${depth * 14 + 6}px` }, title: `${span.name} (${span.service})` },
        hop ? h("span", { class: "hop", title: `crosses into service ${span.service}` }, `⇢ ${span.service}`) : null,
        CATEGORY_LABEL[category] ? h("span", { class: `badge cat-${category}` }, CATEGORY_LABEL[category]) : null,
        h("span", { class: "span-name" }, span.name),
        problems > 0 ? h("span", { class: "conformance-badge", title: span.violations.join("\n") }, `⚠ ${problems}`) : null,
        integrity > 0 ? h("span", { class: "integrity-badge", title: span.integrity.join("\n") }, `⛓ ${integrity}`) : null,
        h("span", { class: "facts" }, facts(span)),
      ),
      h("div", { class: "timeline" }, h("div", { class: "bar", style: { left: `${left}%`, width: `${width}%` } })),
      h("div", { class: `dur${spanUs < 0 ? " warn" : ""}` }, duration(spanUs)),
    );
    container.append(row);
  }
  return container;
}
