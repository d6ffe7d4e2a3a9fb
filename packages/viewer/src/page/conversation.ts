import type { ConversationDetail, ServedSpan } from "../shared/model.js";
import { h } from "./dom.js";
import { clock, costLine, duration, tokens } from "./format.js";
import { CONTENT_KEYS, categoryOf } from "./genai.js";
import { lastUserMessage, messageView, outputMessages } from "./messages.js";

interface Step {
  atUs: number;
  /** Tie-break at one instant: what was asked, then answers and results in arrival order. */
  order: number;
  els: HTMLElement[];
}

function toolStep(s: ServedSpan): HTMLElement {
  if (s.status.code === 2) {
    return messageView({
      role: "tool error",
      name: s.name,
      parts: [{ type: "error", content: s.status.message || String(s.attributes["error.type"] ?? "error") }],
    });
  }
  const result = s.attributes[CONTENT_KEYS.toolResult];
  return messageView({
    role: "tool",
    name: s.name,
    parts: [{ type: "tool_call_response", response: result ?? "(result not captured)" }],
  });
}

function failedCall(s: ServedSpan): HTMLElement {
  return messageView({
    role: "model error",
    name: s.name,
    parts: [{ type: "error", content: s.status.message || String(s.attributes["error.type"] ?? "the model call failed") }],
  });
}

/**
 * One turn's steps in the order they happened: what the user asked (at the first model call's
 * start), then each model answer, failed model call and tool result or error at the time it ended.
 */
function turnSteps(spans: readonly ServedSpan[]): HTMLElement[] {
  const calls = spans.filter((s) => categoryOf(s) === "chat").sort((a, b) => a.startUs - b.startUs);
  const steps: Step[] = [];
  const asked = calls[0] ? lastUserMessage(calls[0]) : null;
  if (asked) steps.push({ atUs: calls[0]!.startUs, order: 0, els: [asked] });
  for (const s of spans) {
    const category = categoryOf(s);
    if (category === "chat") {
      const els = s.status.code === 2 ? [failedCall(s)] : outputMessages(s);
      if (els.length > 0) steps.push({ atUs: s.endUs, order: 1, els });
    } else if (category === "tool") steps.push({ atUs: s.endUs, order: 1, els: [toolStep(s)] });
  }
  return steps.sort((a, b) => a.atUs - b.atUs || a.order - b.order).flatMap((s) => s.els);
}

/** What the whole conversation cost: the sum of its traces (each counts its model calls once). */
function conversationCost(detail: ConversationDetail): HTMLElement | null {
  let usd: number | undefined;
  let unpricedTokens = 0;
  for (const { summary: t } of detail.traces) {
    if (t.costUsd !== undefined) usd = (usd ?? 0) + t.costUsd;
    unpricedTokens += t.unpricedTokens ?? 0;
  }
  if (usd === undefined && unpricedTokens === 0) return null;
  return h("span", { class: "conversation-cost" }, ` · cost ${costLine({ usd, unpricedTokens })}`);
}

/** The traces of one `gen_ai.conversation.id` as one chat, turn by turn, each in time order. */
export function conversationView(detail: ConversationDetail, onOpenTrace: (traceId: string) => void): HTMLElement {
  return h(
    "div",
    { class: "conversation-view" },
    h("h2", {}, "Conversation ", h("code", {}, detail.conversationId)),
    h(
      "p",
      { class: "muted" },
      `${detail.traces.length} trace${detail.traces.length === 1 ? "" : "s"} share this gen_ai.conversation.id`,
      conversationCost(detail),
    ),
    ...detail.traces.map((trace, i) => {
      const steps = turnSteps(trace.spans);
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
          t.costUsd !== undefined || t.unpricedTokens
            ? h("span", { class: "muted turn-cost" }, `· ${costLine({ usd: t.costUsd, unpricedTokens: t.unpricedTokens })}`)
            : null,
        ),
        ...(steps.length > 0 ? steps : [h("p", { class: "muted" }, "No content captured for this turn.")]),
      );
    }),
  );
}
