import type { TraceDetail } from "../shared/model.js";
import { api, type ListQuery, subscribe } from "./api.js";
import { chartsView } from "./charts.js";
import { conversationView } from "./conversation.js";
import { clear, h } from "./dom.js";
import { duration, tokens } from "./format.js";
import { filterBar, traceTable } from "./list.js";
import { spanPanel } from "./span-panel.js";
import { waterfall } from "./waterfall.js";

type Route =
  | { view: "list" }
  | { view: "trace"; traceId: string; spanId?: string }
  | { view: "conversation"; conversationId: string }
  | { view: "charts" };

function parseRoute(): Route {
  const [, view, id, spanId] = location.hash.replace(/^#/, "").split("/").map(decodeURIComponent);
  if (view === "trace" && id) return { view: "trace", traceId: id, ...(spanId ? { spanId } : {}) };
  if (view === "conversation" && id) return { view: "conversation", conversationId: id };
  if (view === "charts") return { view: "charts" };
  return { view: "list" };
}

function go(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}

const filtersEl = document.getElementById("filters")!;
const listEl = document.getElementById("trace-list")!;
const detailEl = document.getElementById("detail")!;
const liveEl = document.getElementById("live")!;
const noticeEl = document.getElementById("notice")!;
let query: ListQuery = {};
let current: TraceDetail | undefined;
// Each render takes a ticket; a slower, older response never overwrites a newer one.
let listTicket = 0;
let detailTicket = 0;

async function renderList(): Promise<void> {
  const ticket = ++listTicket;
  const [traces, values] = await Promise.all([api.traces(query), api.filters()]);
  if (ticket !== listTicket) return;
  const route = parseRoute();
  const selected = route.view === "trace" ? route.traceId : undefined;
  filtersEl.replaceChildren(
    filterBar(values, query, (q) => {
      query = q;
      void renderList();
    }),
  );
  listEl.replaceChildren(traceTable(traces, selected, (id) => go(`#/trace/${id}`)));
  listEl.dataset.count = String(traces.length);
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
      h("span", {}, `${s.spanCount} spans`),
      h("span", {}, `${s.modelCalls} model calls · ${s.toolCalls} tool calls`),
      h(
        "span",
        {},
        `tokens ${tokens(s.inputTokens)} in · ${tokens(s.outputTokens)} out · ${tokens(s.cacheReadTokens)} cache read · ${tokens(s.reasoningTokens)} reasoning`,
      ),
      s.errors ? h("span", { class: "error" }, `${s.errors} error${s.errors === 1 ? "" : "s"}`) : null,
      h(
        "span",
        { class: s.conformanceProblems ? "warn conformance-count" : "ok conformance-count" },
        s.conformanceProblems
          ? `⚠ ${s.conformanceProblems} convention problem${s.conformanceProblems === 1 ? "" : "s"}`
          : "✓ GenAI conventions",
      ),
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

async function renderDetail(): Promise<void> {
  const ticket = ++detailTicket;
  const route = parseRoute();
  document.body.dataset.view = route.view;
  if (route.view === "list") {
    current = undefined;
    detailEl.replaceChildren(h("p", { class: "muted hint" }, "Pick a trace to see its waterfall."));
    return;
  }
  if (route.view === "charts") {
    const overview = await api.metrics();
    if (ticket !== detailTicket) return;
    detailEl.replaceChildren(chartsView(overview));
    return;
  }
  if (route.view === "conversation") {
    const detail = await api.conversation(route.conversationId);
    if (ticket !== detailTicket) return;
    detailEl.replaceChildren(conversationView(detail, (id) => go(`#/trace/${id}`)));
    return;
  }
  let detail: TraceDetail;
  try {
    detail = await api.trace(route.traceId);
  } catch {
    if (ticket !== detailTicket) return;
    detailEl.replaceChildren(h("p", { class: "muted" }, `Trace ${route.traceId} is not (or no longer) stored.`));
    return;
  }
  if (ticket !== detailTicket) return;
  current = detail;
  const selected = detail.spans.find((s) => s.spanId === route.spanId) ?? undefined;
  const layout = h(
    "div",
    { class: `trace-view${selected ? " with-panel" : ""}` },
    waterfall(detail, selected?.spanId, (spanId) => go(`#/trace/${detail.summary.traceId}/${spanId}`)),
    selected ? spanPanel(selected) : null,
  );
  detailEl.replaceChildren(traceHeader(detail), layout);
}

function render(): void {
  void renderList();
  void renderDetail();
}

function notice(text: string): void {
  noticeEl.textContent = text;
  noticeEl.hidden = text === "";
}

async function importFile(file: File): Promise<void> {
  try {
    const { spans, traceIds } = await api.import(await file.text());
    notice(`Imported ${spans} spans from ${file.name}.`);
    if (traceIds.length === 1) go(`#/trace/${traceIds[0]}`);
  } catch (error) {
    notice(`Could not import ${file.name}: ${(error as Error).message}`);
  }
}

const fileInput = document.getElementById("import-file") as HTMLInputElement;
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

window.addEventListener("hashchange", render);
subscribe(
  (event) => {
    void renderList();
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
render();
