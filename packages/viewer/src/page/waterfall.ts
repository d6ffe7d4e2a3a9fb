import type { ServedSpan, TraceDetail } from "../shared/model.js";
import { h } from "./dom.js";
import { duration } from "./format.js";
import { CATEGORY_LABEL, categoryOf, facts } from "./genai.js";
import { timeAxis } from "./time-axis.js";
import { type Row, treeRows } from "./tree.js";

export { treeRows } from "./tree.js";

/** Every row has this height, so only the rows in view need to exist (21k nodes for 2,402 spans froze clicks). */
const ROW_HEIGHT = 27;
/** Rows built above and below the viewport, so a short scroll shows no blank. */
const OVERSCAN = 15;
/** Agent and tool subtrees with more spans below them than this start collapsed (roots never do). */
export const COLLAPSE_AT = 40;

/** A stable colour per service, so a hop between services is visible at a glance. */
function serviceHue(service: string): number {
  let hash = 0;
  for (const ch of service) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export interface WaterfallView {
  element: HTMLElement;
  /** Marks one row selected (no rebuild) and brings it into view, expanding what hides it. */
  select(key: string | undefined): void;
  /** Shows only the time range of one span (undefined: the whole trace). */
  zoom(key: string | undefined): void;
}

interface Range {
  start: number;
  end: number;
}

/**
 * The trace's spans as a tree with a timeline: subtrees collapse and expand, the time axis has
 * ticks and zooms to a span's range, a search box highlights and jumps to matches, the arrow keys
 * walk the tree, and only the rows in view are in the DOM.
 */
export function waterfall(detail: TraceDetail, onSelect: (key: string) => void): WaterfallView {
  const rows = treeRows(detail.spans);
  const index = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) index.set(rows[i]!.span.key, i);
  const traceStart = detail.summary.startUs;
  const whole: Range = { start: traceStart, end: traceStart + Math.max(detail.summary.durationUs, 1) };
  let range = whole;
  const collapsed = new Set<string>();
  for (const r of rows) {
    // The category only of the few rows big enough to collapse: reading 2,402 spans as GenAI here took ~20 ms.
    if (r.depth === 0 || r.size <= COLLAPSE_AT) continue;
    const c = categoryOf(r.span);
    if (c === "agent" || c === "tool") collapsed.add(r.span.key);
  }
  let visible: number[] = [];
  let selected: string | undefined;
  let focused: string | undefined;
  let matches: string[] = [];
  let matchSet = new Set<string>();
  let matchAt = -1;
  const built = new Map<string, HTMLElement>();

  const searchBox = h("input", {
    type: "search",
    class: "trace-search",
    placeholder: "find in trace (Enter: next)",
    "aria-label": "find spans in this trace",
  });
  const searchCount = h("span", { class: "search-count muted", "aria-live": "polite" });
  const zoomOut = h("button", { type: "button", class: "zoom-reset", hidden: true }, "⤢ whole trace");
  const axis = h("div", { class: "timeline axis" });
  const header = h(
    "div",
    { class: "row header" },
    h("div", { class: "name" }, "span"),
    axis,
    h("div", { class: "dur" }, "duration"),
  );
  const spacer = h("div", { class: "rows-spacer" });
  const viewport = h("div", { class: "rows", role: "tree", "aria-label": "spans of this trace" }, spacer);
  const element = h(
    "div",
    { class: "waterfall", "data-rows": String(rows.length) },
    h("div", { class: "trace-tools" }, searchBox, searchCount, zoomOut),
    header,
    viewport,
  );

  function computeVisible(): void {
    visible = [];
    for (let i = 0; i < rows.length; ) {
      visible.push(i);
      i += collapsed.has(rows[i]!.span.key) ? rows[i]!.size + 1 : 1;
    }
    spacer.style.setProperty("height", `${visible.length * ROW_HEIGHT}px`);
    element.dataset.visibleRows = String(visible.length);
  }

  function bar(span: ServedSpan): HTMLElement {
    const len = range.end - range.start;
    const from = ((span.startUs - range.start) / len) * 100;
    const to = ((Math.max(span.endUs, span.startUs) - range.start) / len) * 100;
    const outside = to < 0 || from > 100;
    const left = Math.min(Math.max(from, 0), 100);
    const width = Math.min(Math.max(to - left, 0.3), 100 - left);
    return h("div", {
      class: `bar${outside ? " outside" : ""}`,
      style: { left: `${left}%`, width: `${outside ? 0 : width}%` },
    });
  }

  function rowElement(r: Row): HTMLElement {
    const { span, depth, hop } = r;
    const category = categoryOf(span);
    const spanUs = span.endUs - span.startUs;
    const problems = span.violations.length;
    const integrity = span.integrity.length;
    const toggle =
      r.size > 0
        ? h(
            "button",
            {
              type: "button",
              class: "toggle",
              tabindex: -1,
              "aria-label": `${collapsed.has(span.key) ? "expand" : "collapse"} ${r.size} spans below`,
              onclick: (e: Event) => {
                e.stopPropagation();
                setCollapsed(span.key, !collapsed.has(span.key));
              },
            },
            collapsed.has(span.key) ? `▸ ${r.size}` : "▾",
          )
        : h("span", { class: "toggle-space" });
    return h(
      "div",
      {
        class: `row cat-${category}${span.status.code === 2 ? " error" : ""}`,
        role: "treeitem",
        tabindex: -1,
        "aria-level": depth + 1,
        ...(r.size > 0 ? { "aria-expanded": String(!collapsed.has(span.key)) } : {}),
        "data-span-id": span.spanId,
        "data-key": span.key,
        "data-category": category,
        style: { "--service-hue": String(serviceHue(span.service)) },
        onclick: () => {
          focused = span.key;
          onSelect(span.key);
        },
        ondblclick: () => view.zoom(span.key),
      },
      h(
        "div",
        { class: "name", style: { "padding-left": `${depth * 14 + 6}px` }, title: `${span.name} (${span.service})` },
        toggle,
        hop
          ? h(
              "span",
              { class: "hop", title: `crosses into another process: ${span.service}${pidOf(span)}` },
              `⇢ ${span.service}${pidOf(span)}`,
            )
          : null,
        CATEGORY_LABEL[category] ? h("span", { class: `badge cat-${category}` }, CATEGORY_LABEL[category]) : null,
        h("span", { class: "span-name" }, span.name),
        problems > 0 ? h("span", { class: "conformance-badge", title: span.violations.join("\n") }, `⚠ ${problems}`) : null,
        integrity > 0 ? h("span", { class: "integrity-badge", title: span.integrity.join("\n") }, `⛓ ${integrity}`) : null,
        span.openParent
          ? h("span", { class: "never-ended-badge", title: `its parent ${span.openParent} never ended` }, "⏳ parent never ended")
          : null,
        h("span", { class: "facts" }, facts(span)),
      ),
      h("div", { class: "timeline" }, bar(span)),
      h("div", { class: `dur${spanUs < 0 ? " warn" : ""}` }, duration(spanUs)),
    );
  }

  /** Builds the rows in view (and a margin), reusing those already built. */
  function render(): void {
    const height = viewport.clientHeight || window.innerHeight;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const shown: HTMLElement[] = [];
    for (let v = first; v < last; v++) {
      const r = rows[visible[v]!]!;
      const key = r.span.key;
      let el = built.get(key);
      if (!el) {
        el = rowElement(r);
        built.set(key, el);
      }
      el.style.setProperty("top", `${v * ROW_HEIGHT}px`);
      el.classList.toggle("selected", key === selected);
      el.classList.toggle("match", matchSet.has(key));
      el.classList.toggle("current-match", matches[matchAt] === key);
      if (key === selected) el.setAttribute("aria-selected", "true");
      else el.removeAttribute("aria-selected");
      el.tabIndex = key === (focused ?? rows[visible[0]!]?.span.key) ? 0 : -1;
      shown.push(el);
    }
    // Rows that stay are left in place (moving the focused row would blur it); only the others come and go.
    const keep = new Set(shown);
    for (const el of [...spacer.children]) if (!keep.has(el as HTMLElement)) el.remove();
    let cursor = spacer.firstElementChild;
    for (const el of shown) {
      if (el === cursor) cursor = cursor.nextElementSibling;
      else spacer.insertBefore(el, cursor);
    }
  }

  function rebuild(): void {
    built.clear();
    computeVisible();
    render();
  }

  function setCollapsed(key: string, on: boolean): void {
    if (on) collapsed.add(key);
    else collapsed.delete(key);
    built.delete(key);
    computeVisible();
    render();
  }

  /** Expands every collapsed ancestor of a row and scrolls it into the viewport. */
  function reveal(key: string): void {
    let i = index.get(key);
    if (i === undefined) return;
    let changed = false;
    for (let p = rows[i]!.parent; p !== undefined; p = rows[p]!.parent) {
      const k = rows[p]!.span.key;
      if (collapsed.delete(k)) {
        built.delete(k);
        changed = true;
      }
    }
    if (changed) computeVisible();
    i = visible.indexOf(i);
    const top = i * ROW_HEIGHT;
    const height = viewport.clientHeight || window.innerHeight;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + height) viewport.scrollTop = top + ROW_HEIGHT - height;
    render();
  }

  function focusRow(key: string): void {
    focused = key;
    reveal(key);
    spacer.querySelector<HTMLElement>(`.row[data-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
  }

  function drawAxis(): void {
    axis.replaceChildren(...timeAxis(range.start - traceStart, range.end - traceStart));
    const zoomed = range !== whole;
    zoomOut.hidden = !zoomed;
    element.classList.toggle("zoomed", zoomed);
    if (zoomed) element.dataset.zoom = `${range.start - traceStart}-${range.end - traceStart}`;
    else delete element.dataset.zoom;
  }

  function search(): void {
    const q = searchBox.value.trim().toLowerCase();
    matches = q ? rows.filter((r) => haystack(r.span).includes(q)).map((r) => r.span.key) : [];
    matchSet = new Set(matches);
    matchAt = -1;
    searchCount.textContent = q ? (matches.length ? `${matches.length} found` : "none found") : "";
    element.dataset.matches = String(matches.length);
    render();
  }

  function jump(step: 1 | -1): void {
    if (matches.length === 0) return;
    matchAt = (matchAt + step + matches.length) % matches.length;
    const key = matches[matchAt]!;
    searchCount.textContent = `${matchAt + 1} of ${matches.length}`;
    focused = key;
    onSelect(key);
    reveal(key);
  }

  searchBox.addEventListener("input", search);
  searchBox.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      jump(e.shiftKey ? -1 : 1);
    }
  });
  zoomOut.addEventListener("click", () => view.zoom(undefined));
  let queued = false;
  viewport.addEventListener("scroll", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  });
  new ResizeObserver(() => render()).observe(viewport);

  viewport.addEventListener("keydown", (e) => {
    const key = (e.target as HTMLElement).closest<HTMLElement>(".row")?.dataset.key;
    if (key === undefined) return;
    const i = index.get(key)!;
    const v = visible.indexOf(i);
    const r = rows[i]!;
    const to = (k: string | undefined) => {
      if (k === undefined) return;
      e.preventDefault();
      focusRow(k);
    };
    switch (e.key) {
      case "ArrowDown":
        to(rows[visible[v + 1] ?? -1]?.span.key);
        break;
      case "ArrowUp":
        to(rows[visible[v - 1] ?? -1]?.span.key);
        break;
      case "Home":
        to(rows[visible[0]!]?.span.key);
        break;
      case "End":
        to(rows[visible[visible.length - 1]!]?.span.key);
        break;
      case "ArrowRight":
        if (r.size > 0 && collapsed.has(key)) {
          e.preventDefault();
          setCollapsed(key, false);
          focusRow(key);
        } else if (r.size > 0) to(rows[i + 1]!.span.key);
        break;
      case "ArrowLeft":
        if (r.size > 0 && !collapsed.has(key)) {
          e.preventDefault();
          setCollapsed(key, true);
          focusRow(key);
        } else if (r.parent !== undefined) to(rows[r.parent]!.span.key);
        break;
      case "Enter":
        e.preventDefault();
        focused = key;
        onSelect(key);
        break;
    }
  });

  const view: WaterfallView = {
    element,
    select(key) {
      const next = key !== undefined && index.has(key) ? key : undefined;
      // Nothing selected before or now (a trace opening): the rows as built are right, and rendering
      // again here would force a layout of the whole new view before its first frame.
      if (next === undefined && selected === undefined) return;
      selected = next;
      if (selected !== undefined) reveal(selected);
      else render();
    },
    zoom(key) {
      const span = key === undefined ? undefined : rows[index.get(key) ?? -1]?.span;
      range = span ? { start: span.startUs, end: Math.max(span.endUs, span.startUs + 1) } : whole;
      drawAxis();
      rebuild();
    },
  };
  drawAxis();
  computeVisible();
  render();
  return view;
}

/** The process id, when the resource says it (two processes of one service differ by it). */
function pidOf(span: ServedSpan): string {
  const pid = span.resource["process.pid"];
  return pid === undefined ? "" : ` (pid ${String(pid)})`;
}

/** What the search box looks in: the name, service, ids and short attribute values (not message content). */
const haystacks = new WeakMap<ServedSpan, string>();
function haystack(span: ServedSpan): string {
  let text = haystacks.get(span);
  if (text === undefined) {
    const parts = [span.name, span.service, span.spanId];
    for (const v of Object.values(span.attributes)) if (typeof v === "string" && v.length <= 200) parts.push(v);
    text = parts.join("\n").toLowerCase();
    haystacks.set(span, text);
  }
  return text;
}
