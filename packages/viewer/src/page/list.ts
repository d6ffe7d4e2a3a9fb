import type { FilterValues, TraceSummary } from "../shared/model.js";
import type { ListQuery } from "./api.js";
import { h } from "./dom.js";
import { clock, cost, duration, grouped, plural, tokens } from "./format.js";

const FACETS = [
  ["service", "service", "services"],
  ["agent", "agent", "agents"],
  ["model", "model", "models"],
  ["conversation", "conversation", "conversationIds"],
] as const;

/** Puts the facet's values into its drop-down, keeping what is chosen (and the element: focus stays). */
function fillSelect(select: HTMLSelectElement, values: string[], current: string | undefined): void {
  const wanted = ["", ...values];
  const have = [...select.options].map((o) => o.value);
  if (have.length === wanted.length && have.every((v, i) => v === wanted[i])) return;
  select.replaceChildren(
    h("option", { value: "" }, "all"),
    ...values.map((v) => h("option", { value: v, selected: v === current }, v)),
  );
}

export interface FilterBar {
  form: HTMLFormElement;
  /** New filter values (a trace arrived): the drop-downs change, the search box is left alone. */
  update(values: FilterValues): void;
}

/**
 * The filter bar, built once: a live update or a query never rebuilds it, so typing in the search
 * box keeps every letter and the focus. Calls back with the query whenever a field changes.
 */
export function filterBar(query: ListQuery, onChange: (q: ListQuery) => void): FilterBar {
  const form = h("form", { class: "filters", role: "search", onsubmit: (e: Event) => e.preventDefault() });
  const read = () => {
    const data = new FormData(form);
    const q: ListQuery = {};
    for (const key of ["service", "agent", "model", "conversation", "status", "q"] as const) {
      const v = String(data.get(key) ?? "").trim();
      if (v) q[key] = v;
    }
    onChange(q);
  };
  let typing: ReturnType<typeof setTimeout> | undefined;
  const selects = new Map<string, HTMLSelectElement>();
  form.append(
    h("input", {
      type: "search",
      name: "q",
      "aria-label": "search traces",
      placeholder: "Search names, tools, models, ids…",
      value: query.q ?? "",
      oninput: () => {
        clearTimeout(typing);
        typing = setTimeout(read, 200);
      },
    }),
    ...FACETS.map(([name, label]) => {
      const select = h("select", { name, onchange: read }, h("option", { value: "" }, "all"));
      selects.set(name, select);
      return h("label", {}, label, select);
    }),
    h(
      "label",
      {},
      "status",
      h(
        "select",
        { name: "status", onchange: read },
        h("option", { value: "" }, "all"),
        h("option", { value: "ok", selected: query.status === "ok" }, "ok"),
        h("option", { value: "error", selected: query.status === "error" }, "errors"),
      ),
    ),
  );
  return {
    form,
    update(values) {
      for (const [name, , field] of FACETS) {
        const select = selects.get(name)!;
        fillSelect(select, values[field], select.value || query[name]);
      }
    },
  };
}

export interface ListState {
  /** A filter is set: an empty list means nothing matched, not that nothing arrived. */
  filtered: boolean;
  total: number;
  /** Where apps send: the receiver this viewer actually listens on. */
  otlpUrl: string | undefined;
  onClearFilters: () => void;
  onMore: () => void;
}

/** The empty list: why it is empty, and what to do. */
function emptyList(state: ListState): HTMLElement {
  if (state.filtered)
    return h(
      "div",
      { class: "empty" },
      h("p", {}, "No traces match these filters."),
      h("button", { type: "button", class: "button", onclick: state.onClearFilters }, "clear filters"),
    );
  return h(
    "div",
    { class: "empty" },
    h("p", {}, "No traces yet."),
    h(
      "p",
      { class: "muted" },
      "Point your app at the receiver: OTEL_EXPORTER_OTLP_ENDPOINT=",
      h("code", { class: "otlp-url" }, state.otlpUrl ?? "(the OTLP address the viewer printed)"),
    ),
  );
}

/** "200 of 1,234 traces", and a button for the next page while some are not shown. */
export function listFooter(shown: number, state: ListState): HTMLElement | null {
  if (state.total === 0) return null;
  return h(
    "div",
    { class: "list-footer" },
    h("span", { class: "list-count" }, `${grouped(shown)} of ${grouped(state.total)} trace${state.total === 1 ? "" : "s"}`),
    shown < state.total
      ? h(
          "button",
          { type: "button", class: "button more", onclick: state.onMore },
          `show ${Math.min(200, state.total - shown)} more`,
        )
      : null,
  );
}

/** A trace that says it started after it arrived: the sending host's clock is ahead. */
function future(t: TraceSummary): boolean {
  return t.receivedUs !== undefined && t.startUs > t.receivedUs + 60_000_000;
}

export function traceTable(
  traces: TraceSummary[],
  selected: string | undefined,
  onOpen: (traceId: string) => void,
  state: ListState,
): HTMLElement {
  if (traces.length === 0) return emptyList(state);
  const table = h(
    "table",
    { class: "traces" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...[
          "trace",
          "service",
          "start",
          "duration",
          "model calls",
          "tool calls",
          "in",
          "out",
          "cache",
          "reasoning",
          "cost",
          "errors",
          "conventions",
        ].map((c) => h("th", {}, c)),
      ),
    ),
    h(
      "tbody",
      {},
      ...traces.map((t) =>
        h(
          "tr",
          {
            "data-trace-id": t.traceId,
            class: `${t.traceId === selected ? "selected" : ""}${t.errors > 0 ? " has-errors" : ""}`,
            tabindex: 0,
            onclick: () => onOpen(t.traceId),
            onkeydown: (e: Event) => {
              if ((e as KeyboardEvent).key === "Enter") onOpen(t.traceId);
            },
          },
          h(
            "td",
            { class: "root", title: t.traceId },
            t.rootName || "(no root)",
            t.agents.length ? h("span", { class: "muted" }, ` ${t.agents.join(", ")}`) : null,
          ),
          h("td", {}, t.services.join(" → ")),
          h(
            "td",
            future(t) ? { class: "warn", title: "starts after it arrived: the sending host's clock is ahead" } : {},
            clock(t.startUs),
            future(t) ? " ⏱" : null,
          ),
          h("td", { class: "num" }, duration(t.durationUs)),
          h("td", { class: "num" }, t.modelCalls || "–"),
          h("td", { class: "num" }, t.toolCalls || "–"),
          h("td", { class: "num" }, tokens(t.inputTokens)),
          h("td", { class: "num" }, tokens(t.outputTokens)),
          h("td", { class: "num" }, tokens(t.cacheReadTokens)),
          h("td", { class: "num" }, tokens(t.reasoningTokens)),
          costCell(t),
          h("td", { class: `num${t.errors ? " error" : ""}` }, t.errors || "–"),
          h("td", { class: `num${t.conformanceProblems ? " warn" : ""}` }, conventionsCell(t)),
        ),
      ),
    ),
  );
  return h("div", { class: "table-scroll" }, table, listFooter(traces.length, state));
}

/** The trace's cost; tokens of models with no known price say "unpriced", never $0. */
function costCell(t: TraceSummary): HTMLElement {
  const c = { usd: t.costUsd, unpricedTokens: t.unpricedTokens };
  return h(
    "td",
    {
      class: `num cost${t.unpricedTokens ? " unpriced" : ""}`,
      ...(t.unpricedTokens ? { title: `${plural(t.unpricedTokens, "token")} of models with no known price` } : {}),
    },
    cost(c),
  );
}

/** ✓ only for a trace that uses the GenAI conventions and breaks none; otherwise what it uses. */
export function conventionsCell(t: TraceSummary): string {
  if (t.conformanceProblems) return `⚠ ${t.conformanceProblems}`;
  const c = t.conventions;
  if (c === undefined || c.includes("genai")) return "✓";
  if (c.length === 0) return "–";
  return c.map((x) => (x === "openinference" ? "OpenInference" : "OpenLLMetry")).join(", ");
}
