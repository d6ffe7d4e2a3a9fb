import type { ServedSpan, TraceDetail, TraceSummary } from "../shared/model.js";
import { ApiError, api, type ListQuery, subscribe } from "./api.js";
import { chartsView } from "./charts.js";
import { conversationView } from "./conversation.js";
import { clear, h } from "./dom.js";
import { costLine, duration, plural, tokens } from "./format.js";
import { type FilterBar, filterBar, traceTable } from "./list.js";
import { hasContent } from "./messages.js";
import { spanPanel } from "./span-panel.js";
import { type WaterfallView, waterfall } from "./waterfall.js";

type Route =
  | { view: "list" }
  | { view: "trace"; traceId: string; spanKey?: string }
  | { view: "conversation"; conversationId: string }
  | { view: "charts" };

function parseRoute(): Route {
  const [, view, id, spanKey] = location.hash.replace(/^#/, "").split("/").map(decodeOrKeep);
  if (view === "trace" && id) return { view: "trace", traceId: id, ...(spanKey ? { spanKey } : {}) };
  if (view === "conversation" && id) return { view: "conversation", conversationId: id };
  if (view === "charts") return { view: "charts" };
  return { view: "list" };
}

function go(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}

const PAGE_SIZE = 200;
const filtersEl = document.getElementById("filters")!;
const listEl = document.getElementById("trace-list")!;
const detailEl = document.getElementById("detail")!;
const liveEl = document.getElementById("live")!;
const noticeEl = document.getElementById("notice")!;
let query: ListQuery = {};
let shown = PAGE_SIZE;
let otlpUrl: string | undefined;
/** The trace on screen, its waterfall and the key of the selected span. */
let current:
  | { detail: TraceDetail; waterfall: WaterfallView; layout: HTMLElement; selected?: string; hasContent?: boolean }
  | undefined;
// Each render takes a ticket; a slower, older response never overwrites a newer one.
let listTicket = 0;
let detailTicket = 0;

const bar: FilterBar = filterBar(query, (q) => {
  query = q;
  shown = PAGE_SIZE;
  void renderList();
});
filtersEl.replaceChildren(bar.form);

/** The list searched for a span id: the trace opens with that span's panel (`/<span id>`, or "" when not). */
function searchedSpan(): string {
  const q = query.q?.trim().toLowerCase();
  return q && /^[0-9a-f]{16}$/.test(q) ? `/${q}` : "";
}

async function renderList(): Promise<void> {
  const ticket = ++listTicket;
  let page: Awaited<ReturnType<typeof api.traces>>;
  let values: Awaited<ReturnType<typeof api.filters>>;
  try {
    [page, values] = await Promise.all([api.traces(query, shown), api.filters()]);
  } catch (error) {
    if (ticket !== listTicket) return;
    listEl.replaceChildren(h("p", { class: "error load-error" }, unreachable(error)));
    return;
  }
  if (ticket !== listTicket) return;
  const route = parseRoute();
  bar.update(values);
  listEl.replaceChildren(
    traceTable(page.traces, route.view === "trace" ? route.traceId : undefined, (id) => go(`#/trace/${id}${searchedSpan()}`), {
      filtered: Object.keys(query).length > 0,
      total: page.total,
      otlpUrl,
      onClearFilters: () => {
        bar.form.reset();
        query = {};
        void renderList();
      },
      onMore: () => {
        shown += PAGE_SIZE;
        void renderList();
      },
    }),
  );
  listEl.dataset.count = String(page.traces.length);
  listEl.dataset.total = String(page.total);
}

/** What a failed request means for the user: the viewer is gone, or it answered with an error. */
function unreachable(error: unknown): string {
  if (error instanceof ApiError) return `The viewer answered with an error: ${error.message}`;
  return `Could not reach the viewer (${(error as Error).message}). Is it still running?`;
}

function conventionLine(s: TraceSummary): HTMLElement {
  if (s.conformanceProblems)
    return h("span", { class: "warn conformance-count" }, `⚠ ${plural(s.conformanceProblems, "convention problem")}`);
  const c = s.conventions;
  if (c === undefined || c.includes("genai")) return h("span", { class: "ok conformance-count" }, "✓ GenAI conventions");
  if (c.length === 0) return h("span", { class: "muted conformance-count" }, "no GenAI telemetry");
  const names = c.map((x) => (x === "openinference" ? "OpenInference" : "OpenLLMetry (legacy keys)"));
  return h("span", { class: "muted conformance-count" }, `${names.join(" and ")}: not the GenAI conventions`);
}

function traceHeader(detail: TraceDetail): HTMLElement {
  const s = detail.summary;
  return h(
    "header",
    { class: "trace-header" },
    h("h2", {}, s.rootName || "(no root span)"),
    h(
      "div",
      { class: "trace-facts" },
      h("span", {}, s.services.join(" → ")),
      h("span", {}, duration(s.durationUs)),
      h("span", {}, plural(s.spanCount, "span")),
      h("span", {}, `${plural(s.modelCalls, "model call")} · ${plural(s.toolCalls, "tool call")}`),
      h(
        "span",
        {},
        `tokens ${tokens(s.inputTokens)} in · ${tokens(s.outputTokens)} out · ${tokens(s.cacheReadTokens)} cache read · ${tokens(s.reasoningTokens)} reasoning`,
      ),
      s.costUsd !== undefined || s.unpricedTokens
        ? h(
            "span",
            { class: `trace-cost${s.unpricedTokens ? " unpriced" : ""}` },
            `cost ${costLine({ usd: s.costUsd, unpricedTokens: s.unpricedTokens })}`,
          )
        : null,
      s.errors ? h("span", { class: "error" }, plural(s.errors, "error")) : null,
      conventionLine(s),
      s.neverEnded
        ? h(
            "span",
            {
              class: "warn never-ended-count",
              title: "the trace stopped growing while spans named as parents had not arrived: they were never ended, or lost",
            },
            `⏳ ${plural(s.neverEnded, "span")} never ended`,
          )
        : null,
      s.integrityProblems
        ? h(
            "span",
            { class: "warn integrity-count", title: "duplicate ids, parent cycles, orphans, clock skew, tokens counted twice" },
            `⛓ ${plural(s.integrityProblems, "span")} with integrity problems`,
          )
        : null,
    ),
    h(
      "div",
      { class: "actions" },
      ...s.conversationIds.map((c) =>
        h("a", { href: `#/conversation/${encodeURIComponent(c)}`, class: "button" }, `conversation ${c}`),
      ),
      h("a", { href: api.exportUrl(s.traceId), class: "button", download: `trace-${s.traceId}.json` }, "export OTLP JSON"),
      h("a", { href: "#/", class: "button" }, "close"),
    ),
  );
}

/** Shows one span's panel beside the waterfall, in place: no refetch, no rebuild, and the URL follows without a navigation. */
function selectSpan(key: string | undefined, updateUrl = true): void {
  if (!current) return;
  const { detail, layout } = current;
  const span: ServedSpan | undefined = key === undefined ? undefined : detail.spans.find((s) => s.key === key);
  current.selected = span?.key;
  const view = current.waterfall;
  view.select(span?.key);
  layout.querySelector(".span-panel")?.remove();
  layout.classList.toggle("with-panel", span !== undefined);
  if (span) {
    layout.append(
      spanPanel(span, {
        // Once per trace, not per click: a click in a 2,402-span trace must open its panel at once.
        traceHasContent: (current.hasContent ??= detail.spans.some(hasContent)),
        onClose: () => selectSpan(undefined),
        onZoom: () => view.zoom(span.key),
      }),
    );
  }
  if (updateUrl) {
    const hash = `#/trace/${detail.summary.traceId}${span ? `/${encodeURIComponent(span.key)}` : ""}`;
    // replaceState fires no hashchange: selecting a span is not a navigation that reloads the trace.
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }
}

async function renderDetail(): Promise<void> {
  const ticket = ++detailTicket;
  const route = parseRoute();
  document.body.dataset.view = route.view;
  if (route.view === "list") {
    current = undefined;
    detailEl.replaceChildren(h("p", { class: "muted hint" }, "Pick a trace to see its waterfall."));
    return;
  }
  try {
    if (route.view === "charts") {
      const overview = await api.metrics();
      if (ticket !== detailTicket) return;
      current = undefined;
      detailEl.replaceChildren(chartsView(overview));
      return;
    }
    if (route.view === "conversation") {
      const detail = await api.conversation(route.conversationId);
      if (ticket !== detailTicket) return;
      current = undefined;
      detailEl.replaceChildren(conversationView(detail, (id) => go(`#/trace/${id}`)));
      return;
    }
  } catch (error) {
    if (ticket === detailTicket) detailEl.replaceChildren(h("p", { class: "error load-error" }, unreachable(error)));
    return;
  }
  let detail: TraceDetail;
  try {
    detail = await api.trace(route.traceId);
  } catch (error) {
    if (ticket !== detailTicket) return;
    current = undefined;
    detailEl.replaceChildren(
      error instanceof ApiError && error.status === 404
        ? h("p", { class: "muted load-error" }, `Trace ${route.traceId} is not (or no longer) stored.`)
        : h("p", { class: "error load-error" }, unreachable(error)),
    );
    return;
  }
  if (ticket !== detailTicket) return;
  const keep = current?.detail.summary.traceId === route.traceId ? current.selected : undefined;
  const selected = route.spanKey ?? keep;
  const layout = h("div", { class: "trace-view" });
  const wf = waterfall(detail, (key) => selectSpan(key));
  layout.append(wf.element);
  current = { detail, waterfall: wf, layout };
  detailEl.replaceChildren(traceHeader(detail), layout);
  selectSpan(selected, false);
}

/** A hash change within the trace on screen only selects a span; anything else renders the view. */
function onHashChange(): void {
  const route = parseRoute();
  if (route.view === "trace" && current?.detail.summary.traceId === route.traceId) {
    selectSpan(route.spanKey, false);
    return;
  }
  void renderDetail();
  markListSelection(route.view === "trace" ? route.traceId : undefined);
}

function markListSelection(traceId: string | undefined): void {
  for (const tr of listEl.querySelectorAll("tr.selected")) tr.classList.remove("selected");
  if (traceId) listEl.querySelector(`tr[data-trace-id="${CSS.escape(traceId)}"]`)?.classList.add("selected");
}

function notice(text: string): void {
  noticeEl.textContent = text;
  noticeEl.hidden = text === "";
}

async function importFile(file: File): Promise<void> {
  try {
    const { spans, traceIds } = await api.import(await file.text());
    notice(`Imported ${spans} spans from ${file.name}.`);
    importButton.focus();
    if (traceIds.length === 1) go(`#/trace/${traceIds[0]}`);
  } catch (error) {
    notice(`Could not import ${file.name}: ${(error as Error).message}`);
  }
}

const fileInput = document.getElementById("import-file") as HTMLInputElement;
const importButton = document.getElementById("import-button") as HTMLButtonElement;
// A real button (a label around a hidden input took no keyboard focus); focus comes back to it after the file dialog.
importButton.addEventListener("click", () => fileInput.click());

// The theme follows the system (prefers-color-scheme) until the toggle picks one, remembered here.
const THEME_KEY = "otel-agents-viewer.theme";
function applyTheme(theme: string | null): void {
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}
function storedTheme(): string | null {
  try {
    return localStorage.getItem(THEME_KEY);
  } catch {
    return null;
  }
}
applyTheme(storedTheme());
document.getElementById("theme-toggle")!.addEventListener("click", () => {
  const dark =
    document.documentElement.dataset.theme === "dark" ||
    (!document.documentElement.dataset.theme && matchMedia("(prefers-color-scheme: dark)").matches);
  const next = dark ? "light" : "dark";
  applyTheme(next);
  try {
    localStorage.setItem(THEME_KEY, next);
  } catch {
    // Storage off (private mode): the choice lasts for this page only.
  }
});
fileInput.addEventListener("change", () => {
  const file = fileInput.files?.[0];
  if (file) void importFile(file);
  fileInput.value = "";
});
document.addEventListener("dragover", (e) => {
  e.preventDefault();
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  const file = e.dataTransfer?.files[0];
  if (file) void importFile(file);
});

// Live updates come in bursts (an app exports in several requests at once): one list refresh per
// burst. Not a wait for anything: the refresh reads whatever is stored by then.
let listQueued = false;
function queueList(): void {
  if (listQueued) return;
  listQueued = true;
  setTimeout(() => {
    listQueued = false;
    void renderList();
  }, 50);
}

window.addEventListener("hashchange", onHashChange);
subscribe(
  (event) => {
    queueList();
    const route = parseRoute();
    if (
      route.view === "conversation" ||
      (route.view === "trace" && event.traceIds.includes(route.traceId)) ||
      (route.view === "trace" && !current)
    ) {
      void renderDetail();
    }
  },
  () => {
    if (parseRoute().view === "charts") void renderDetail();
  },
  (live) => {
    liveEl.classList.toggle("on", live);
    liveEl.textContent = live ? "live" : "reconnecting…";
  },
);
clear(detailEl);
void api
  .info()
  .then((info) => {
    otlpUrl = info.otlpUrl;
    const code = listEl.querySelector(".otlp-url");
    if (code) code.textContent = otlpUrl;
  })
  .catch(() => undefined);
// The trace first: its request is the long one, and the server answers in order.
void renderDetail();
void renderList();

// A hand-typed or truncated link may hold a malformed escape: keep that part as written.
function decodeOrKeep(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
