import type { AttrValue, ServedSpan } from "../shared/model.js";
import { h, longText } from "./dom.js";
import { costLine, duration, plural, prettyJson } from "./format.js";
import { CATEGORY_LABEL, categoryOf, reading } from "./genai.js";
import { conversationOf } from "./messages.js";

const KIND = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUS = ["unset", "ok", "error"];

function value(v: AttrValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function attributeTable(attrs: Record<string, AttrValue>, className: string): HTMLElement {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return h("p", { class: "muted" }, "none");
  return h(
    "table",
    { class: `attributes ${className}` },
    h(
      "tbody",
      {},
      ...keys.map((k) => {
        const v = attrs[k] as AttrValue;
        const text = value(v);
        const long = text.length > 120 || text.includes("\n");
        return h("tr", {}, h("th", {}, k), h("td", {}, long ? longText("pre", prettyJson(v)) : text));
      }),
    ),
  );
}

export interface PanelContext {
  /** Some span of the trace carries content: capture was on, so a span without any recorded none. */
  traceHasContent: boolean;
  onClose?: () => void;
  /** Zooms the waterfall's time axis to this span's range. */
  onZoom?: () => void;
}

const CONVENTION: Record<string, string> = {
  genai: "OpenTelemetry GenAI semantic conventions",
  openinference: "OpenInference (openinference.span.kind, llm.*): read as GenAI; checked only for gen_ai.* keys",
  openllmetry: "OpenLLMetry's older keys (gen_ai.prompt.N.*, llm.*): read as GenAI where they map",
};

function captureHint(span: ServedSpan, category: string, ctx: PanelContext): string {
  if (category === "other") return "No GenAI content on this span.";
  if (ctx.traceHasContent)
    return "No content recorded on this span (capture was on: other spans of this trace carry messages; this instrumentation recorded none here).";
  if (span.convention === "openinference" || span.convention === "openllmetry")
    return "No content recorded (this instrumentation has its own switch for content capture).";
  return "No content captured (set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true in the app to see messages).";
}

/** What the model call cost, at which price table entry, and what has no price. */
function costSection(span: ServedSpan): HTMLElement | null {
  const c = span.cost;
  if (!c) return null;
  const model = reading(span).responseModel ?? reading(span).requestModel;
  const provider = reading(span).provider;
  const lines: (HTMLElement | null)[] = [
    h("p", { class: `span-cost${c.unpricedTokens ? " unpriced" : ""}` }, costLine(c)),
    c.pricedAs ? h("p", { class: "muted priced-as" }, `priced as ${c.pricedAs}`) : null,
    c.unpricedTokens
      ? h(
          "p",
          { class: "muted unpriced-hint" },
          c.pricedAs
            ? `${plural(c.unpricedTokens, "token")} of a kind ${c.pricedAs} has no price for in the table.`
            : `No price for ${model ?? "(no model)"}${provider ? ` from ${provider}` : ""} in the price table: add it with --prices <file>.`,
        )
      : null,
    span.costNotCounted
      ? h(
          "p",
          { class: "warn cost-not-counted" },
          categoryOf(span) === "agent"
            ? "Not added to the trace's cost: the model calls under this agent are counted instead."
            : "Not added to the trace's cost: these tokens are counted twice (see trace integrity).",
        )
      : null,
  ];
  return h("section", { class: "cost" }, h("h3", {}, "Cost"), ...lines);
}

/**
 * The spans this one links to: runs it continues without being their child (an agent run resumed
 * after an approval links to the run that paused), each opened in its own trace.
 */
function linksSection(span: ServedSpan): HTMLElement | null {
  if (span.links.length === 0) return null;
  return h(
    "section",
    { class: "links" },
    h("h3", {}, "Links"),
    h(
      "ul",
      { class: "span-links" },
      ...span.links.map((l) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `#/trace/${encodeURIComponent(l.traceId)}/${encodeURIComponent(l.spanId)}`, class: "span-link" },
            `span ${l.spanId}`,
          ),
          l.traceId === span.traceId ? " in this trace" : ` in trace ${l.traceId}`,
          Object.keys(l.attributes).length > 0 ? attributeTable(l.attributes, "link-attributes") : null,
        ),
      ),
    ),
  );
}

/** Everything about one span: what it is, whether it conforms, its conversation if captured, and every raw attribute. */
export function spanPanel(span: ServedSpan, ctx: PanelContext = { traceHasContent: false }): HTMLElement {
  const category = categoryOf(span);
  const conversation = conversationOf(span);
  return h(
    "aside",
    { class: "span-panel", "data-span-id": span.spanId, "data-key": span.key, "aria-label": `span ${span.name}` },
    h(
      "header",
      {},
      ctx.onClose
        ? h("button", { type: "button", class: "close-panel", "aria-label": "close the span panel", onclick: ctx.onClose }, "×")
        : null,
      CATEGORY_LABEL[category] ? h("span", { class: `badge cat-${category}` }, CATEGORY_LABEL[category]) : null,
      h("h2", {}, span.name),
      h(
        "div",
        { class: "meta" },
        `${KIND[span.kind]} · ${duration(span.endUs - span.startUs)} · ${span.service} · `,
        h("span", { class: `status status-${STATUS[span.status.code]}` }, STATUS[span.status.code] ?? "?"),
        span.status.message ? ` ${span.status.message}` : null,
      ),
      h("div", { class: "ids muted" }, `span ${span.spanId}`, span.parentSpanId ? ` · parent ${span.parentSpanId}` : ""),
      ctx.onZoom
        ? h("button", { type: "button", class: "zoom-span", onclick: ctx.onZoom }, "zoom the timeline to this span")
        : null,
    ),
    h(
      "section",
      { class: "conformance" },
      h("h3", {}, "GenAI conventions"),
      span.convention && span.convention !== "genai"
        ? h("p", { class: "convention" }, `Convention: ${CONVENTION[span.convention]}`)
        : null,
      span.violations.length === 0
        ? h(
            "p",
            { class: "ok" },
            category === "other" ? "No gen_ai.* attributes out of place." : "Conforms to the GenAI registry.",
          )
        : h("ul", { class: "violations" }, ...span.violations.map((v) => h("li", {}, v))),
      span.missingExpected.length > 0
        ? h(
            "p",
            { class: "muted" },
            "Expected by the conformance suite but missing: ",
            h("code", {}, span.missingExpected.join(", ")),
          )
        : null,
    ),
    costSection(span),
    span.integrity.length > 0
      ? h(
          "section",
          { class: "integrity" },
          h("h3", {}, "Trace integrity"),
          h("ul", { class: "integrity-problems" }, ...span.integrity.map((p) => h("li", {}, p))),
        )
      : null,
    h(
      "section",
      { class: "messages" },
      h("h3", {}, "Conversation"),
      conversation ?? h("p", { class: "muted capture-hint" }, captureHint(span, category, ctx)),
    ),
    h("section", {}, h("h3", {}, "Attributes"), attributeTable(span.attributes, "span-attributes")),
    linksSection(span),
    span.events.length > 0
      ? h(
          "section",
          {},
          h("h3", {}, "Events"),
          ...span.events.map((e) =>
            h("div", { class: "event" }, h("strong", {}, e.name), attributeTable(e.attributes, "event-attributes")),
          ),
        )
      : null,
    h(
      "section",
      {},
      h("h3", {}, "Resource"),
      attributeTable(span.resource, "resource-attributes"),
      h("p", { class: "muted" }, `scope ${span.scope.name} ${span.scope.version ?? ""}`),
    ),
  );
}
