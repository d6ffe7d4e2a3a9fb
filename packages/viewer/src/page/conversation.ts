import type { ConversationDetail } from "../shared/model.js";
import { h } from "./dom.js";
import { clock, duration, tokens } from "./format.js";
import { CONTENT_KEYS, categoryOf } from "./genai.js";
import { lastUserMessage, messageView, outputMessages } from "./messages.js";
import { treeRows } from "./waterfall.js";

/**
 * The traces of one `gen_ai.conversation.id` as one chat: per turn, what the user asked (the newest
 * user message of its first model call), then each model answer and tool call in order.
 */
export function conversationView(detail: ConversationDetail, onOpenTrace: (traceId: string) => void): HTMLElement {
  return h(
    "div",
    { class: "conversation-view" },
    h("h2", {}, "Conversation ", h("code", {}, detail.conversationId)),
    h(
      "p",
      { class: "muted" },
      `${detail.traces.length} trace${detail.traces.length === 1 ? "" : "s"} share this gen_ai.conversation.id`,
    ),
    ...detail.traces.map((trace, i) => {
      const spans = treeRows(trace.spans).map((r) => r.span);
      const firstCall = spans.find((s) => categoryOf(s) === "chat");
      const steps: HTMLElement[] = [];
      const asked = firstCall ? lastUserMessage(firstCall) : null;
      if (asked) steps.push(asked);
      for (const s of spans) {
        const category = categoryOf(s);
        if (category === "chat") steps.push(...outputMessages(s));
        if (category === "tool") {
          steps.push(
            messageView({
              role: "tool",
              name: s.name,
              parts: [
                {
                  type: "tool_call_response",
                  response:
                    s.attributes[CONTENT_KEYS.toolResult] ??
                    (s.status.code === 2 ? `error: ${s.status.message ?? ""}` : "(result not captured)"),
                },
              ],
            }),
          );
        }
      }
      const t = trace.summary;
      return h(
        "section",
        { class: "turn", "data-trace-id": t.traceId },
        h(
          "header",
          {},
          h("span", { class: "turn-no" }, `#${i + 1}`),
          h(
            "a",
            {
              href: `#/trace/${t.traceId}`,
              onclick: (e: Event) => {
                e.preventDefault();
                onOpenTrace(t.traceId);
              },
            },
            t.rootName,
          ),
          h(
            "span",
            { class: "muted" },
            ` ${clock(t.startUs)} · ${duration(t.durationUs)} · ${tokens(t.inputTokens)} in / ${tokens(t.outputTokens)} out`,
          ),
        ),
        ...(steps.length > 0 ? steps : [h("p", { class: "muted" }, "No content captured for this turn.")]),
      );
    }),
  );
}
