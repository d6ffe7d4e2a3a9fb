import type { AttrValue, ServedSpan } from "../shared/model.js";
import { h } from "./dom.js";
import { duration, prettyJson } from "./format.js";
import { CATEGORY_LABEL, categoryOf } from "./genai.js";
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
        return h("tr", {}, h("th", {}, k), h("td", {}, long ? h("pre", {}, prettyJson(v)) : text));
      }),
    ),
  );
}

/** Everything about one span: what it is, whether it conforms, its conversation if captured, and every raw attribute. */
export function spanPanel(span: ServedSpan): HTMLElement {
  const category = categoryOf(span);
  const conversation = conversationOf(span);
  return h(
    "aside",
    { class: "span-panel", "data-span-id": span.spanId },
    h(
      "header",
      {},
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
    ),
    h(
      "section",
      { class: "conformance" },
      h("h3", {}, "GenAI conventions"),
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
    h(
      "section",
      { class: "messages" },
      h("h3", {}, "Conversation"),
      conversation ??
        h(
          "p",
          { class: "muted" },
          category === "other"
            ? "No GenAI content on this span."
            : "No content captured (set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true in the app to see messages).",
        ),
    ),
    h("section", {}, h("h3", {}, "Attributes"), attributeTable(span.attributes, "span-attributes")),
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
