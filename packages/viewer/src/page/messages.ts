import type { ServedSpan } from "../shared/model.js";
import { foreignMessages, type Message, type Part } from "../shared/read-genai.js";
import { h, longText } from "./dom.js";
import { prettyJson } from "./format.js";
import { CONTENT_KEYS } from "./genai.js";

type Foreign = ReturnType<typeof foreignMessages>;
const foreign = new WeakMap<ServedSpan, Foreign | null>();
/** Messages an OpenInference or OpenLLMetry span recorded as indexed keys, in the GenAI shape. */
function foreignOf(span: ServedSpan): Foreign {
  let m = foreign.get(span);
  if (m === undefined) {
    m = span.convention && span.convention !== "genai" ? (foreignMessages(span.attributes) ?? null) : null;
    foreign.set(span, m);
  }
  return m ?? undefined;
}

/** Messages sent: the JSON the GenAI conventions record, else another convention's indexed keys. */
function inputOf(span: ServedSpan): Message[] | undefined {
  const input = parse(span.attributes[CONTENT_KEYS.input]);
  return Array.isArray(input) ? (input as Message[]) : foreignOf(span)?.input;
}

function outputOf(span: ServedSpan): Message[] | undefined {
  const output = parse(span.attributes[CONTENT_KEYS.output]);
  return Array.isArray(output) ? (output as Message[]) : foreignOf(span)?.output;
}

/**
 * A content attribute as a value: the JSON string JS SDKs send, or the structured OTLP value
 * (arrayValue / kvlistValue, which the conventions prefer on spans) as the receiver decoded it.
 */
function parse(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function part(p: Part): HTMLElement {
  switch (p.type) {
    case "text":
      return longText("div", String(p.content ?? ""), "part text");
    case "reasoning":
      return h("details", { class: "part reasoning" }, h("summary", {}, "reasoning"), longText("div", String(p.content ?? "")));
    case "tool_call":
      return h(
        "div",
        { class: "part tool-call" },
        h(
          "div",
          { class: "part-title" },
          "calls ",
          h("code", {}, p.name ?? "?"),
          p.id ? h("span", { class: "muted" }, ` ${p.id}`) : null,
        ),
        longText("pre", prettyJson(p.arguments ?? {})),
      );
    case "tool_call_response":
      return h(
        "div",
        { class: "part tool-result" },
        h("div", { class: "part-title" }, "result", p.id ? h("span", { class: "muted" }, ` ${p.id}`) : null),
        longText("pre", prettyJson(p.response ?? null)),
      );
    case "error":
      return h(
        "div",
        { class: "part tool-error" },
        h("div", { class: "part-title" }, "failed"),
        longText("pre", String(p.content ?? "")),
      );
    default:
      return h(
        "div",
        { class: "part other" },
        h("div", { class: "part-title" }, p.type ?? "part"),
        longText("pre", prettyJson(p)),
      );
  }
}

export function messageView(m: Message): HTMLElement {
  const role = m.role ?? "unknown";
  return h(
    "div",
    { class: `message role-${role.replace(/[^a-z_]/gi, "")}`, "data-role": role },
    h(
      "div",
      { class: "role" },
      role,
      m.name ? ` (${m.name})` : null,
      m.finish_reason ? h("span", { class: "muted" }, ` · ${m.finish_reason}`) : null,
    ),
    ...(Array.isArray(m.parts) ? m.parts : []).map(part),
  );
}

/**
 * The span's captured content as a conversation: system instructions, the messages sent, the
 * messages received, tool definitions, a tool call's arguments and result. Null when nothing was
 * captured (content capture is off by default in every GenAI instrumentation).
 */
export function conversationOf(span: ServedSpan): HTMLElement | null {
  const a = span.attributes;
  const blocks: HTMLElement[] = [];
  const system = parse(a[CONTENT_KEYS.system]);
  if (Array.isArray(system)) blocks.push(messageView({ role: "system", parts: system as Part[] }));
  for (const m of inputOf(span) ?? []) blocks.push(messageView(m));
  const args = a[CONTENT_KEYS.toolArguments];
  if (args !== undefined)
    blocks.push(
      messageView({
        role: "tool call",
        parts: [{ type: "tool_call", name: String(a[CONTENT_KEYS.toolName] ?? ""), arguments: parse(args) ?? args }],
      }),
    );
  const result = a[CONTENT_KEYS.toolResult];
  if (result !== undefined)
    blocks.push(messageView({ role: "tool", parts: [{ type: "tool_call_response", response: parse(result) ?? result }] }));
  if (span.status.code === 2 && (args !== undefined || result !== undefined))
    blocks.push(messageView({ role: "tool error", parts: [{ type: "error", content: span.status.message ?? "error" }] }));
  const output = outputOf(span) ?? [];
  if (output.length > 0) {
    if (blocks.length > 0) blocks.push(h("div", { class: "divider" }, "response"));
    for (const m of output) blocks.push(messageView(m));
  }
  const tools = parse(a[CONTENT_KEYS.tools]);
  if (Array.isArray(tools)) {
    blocks.push(
      h(
        "details",
        { class: "tool-definitions" },
        h("summary", {}, `${tools.length} tool definition${tools.length === 1 ? "" : "s"}`),
        ...(tools as { name?: string; description?: string }[]).map((t) =>
          h(
            "div",
            { class: "tool-def" },
            h("code", {}, t.name ?? "?"),
            t.description ? ` ${t.description}` : null,
            longText("pre", prettyJson(t)),
          ),
        ),
      ),
    );
  }
  return blocks.length > 0 ? h("div", { class: "conversation-messages" }, ...blocks) : null;
}

/** Whether a span carries any captured content (then capture was on in the app that sent it). */
export function hasContent(span: ServedSpan): boolean {
  const a = span.attributes;
  return (
    [CONTENT_KEYS.system, CONTENT_KEYS.input, CONTENT_KEYS.output, CONTENT_KEYS.toolArguments, CONTENT_KEYS.toolResult].some(
      (k) => a[k] !== undefined,
    ) || foreignOf(span) !== undefined
  );
}

/** The newest user message of a model call (what a conversation turn asked). */
export function lastUserMessage(span: ServedSpan): HTMLElement | null {
  const input = inputOf(span);
  if (!input) return null;
  const user = [...input].reverse().find((m) => m.role === "user");
  return user ? messageView(user) : null;
}

export function outputMessages(span: ServedSpan): HTMLElement[] {
  return (outputOf(span) ?? []).map(messageView);
}
