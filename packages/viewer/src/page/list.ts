import type { FilterValues, TraceSummary } from "../shared/model.js";
import type { ListQuery } from "./api.js";
import { h } from "./dom.js";
import { clock, duration, tokens } from "./format.js";

function select(name: keyof ListQuery, label: string, values: string[], current: string | undefined, onChange: () => void) {
  return h(
    "label",
    {},
    label,
    h(
      "select",
      { name, onchange: onChange },
      h("option", { value: "" }, "all"),
      ...values.map((v) => h("option", { value: v, selected: v === current }, v)),
    ),
  );
}

/** The filter bar; calls back with the query whenever a field changes. */
export function filterBar(values: FilterValues, query: ListQuery, onChange: (q: ListQuery) => void): HTMLFormElement {
  const form = h("form", { class: "filters", onsubmit: (e: Event) => e.preventDefault() });
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
  form.append(
    h("input", {
      type: "search",
      name: "q",
      placeholder: "Search names, tools, models, ids…",
      value: query.q ?? "",
      oninput: () => {
        clearTimeout(typing);
        typing = setTimeout(read, 200);
      },
    }),
    select("service", "service", values.services, query.service, read),
    select("agent", "agent", values.agents, query.agent, read),
    select("model", "model", values.models, query.model, read),
    select("conversation", "conversation", values.conversationIds, query.conversation, read),
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
  return form;
}

export function traceTable(traces: TraceSummary[], selected: string | undefined, onOpen: (traceId: string) => void): HTMLElement {
  if (traces.length === 0) {
    return h(
      "div",
      { class: "empty" },
      h("p", {}, "No traces yet."),
      h(
        "p",
        { class: "muted" },
        "Point your app at the receiver: OTEL_EXPORTER_OTLP_ENDPOINT=",
        h("code", {}, `${location.protocol}//${location.hostname}:4318`),
      ),
    );
  }
  return h(
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
          h("td", {}, clock(t.startUs)),
          h("td", { class: "num" }, duration(t.durationUs)),
          h("td", { class: "num" }, t.modelCalls || "–"),
          h("td", { class: "num" }, t.toolCalls || "–"),
          h("td", { class: "num" }, tokens(t.inputTokens)),
          h("td", { class: "num" }, tokens(t.outputTokens)),
          h("td", { class: "num" }, tokens(t.cacheReadTokens)),
          h("td", { class: "num" }, tokens(t.reasoningTokens)),
          h("td", { class: `num${t.errors ? " error" : ""}` }, t.errors || "–"),
          h(
            "td",
            { class: `num${t.conformanceProblems ? " warn" : ""}` },
            t.conformanceProblems ? `⚠ ${t.conformanceProblems}` : "✓",
          ),
        ),
      ),
    ),
  );
}
