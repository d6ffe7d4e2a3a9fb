import { FINISH_REASON } from "./names.js";

// Provider and framework spellings of why generation stopped, to the registry's values. A Map: the
// reason is the provider's string, and `constructor` must not find Object.prototype's.
const ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    stop: FINISH_REASON.stop,
    end_turn: FINISH_REASON.stop,
    stop_sequence: FINISH_REASON.stop,
    eos: FINISH_REASON.stop,
    complete: FINISH_REASON.stop,
    completed: FINISH_REASON.stop,
    finish_reason_stop: FINISH_REASON.stop,
    length: FINISH_REASON.length,
    max_tokens: FINISH_REASON.length,
    max_output_tokens: FINISH_REASON.length,
    model_length: FINISH_REASON.length,
    model_context_window_exceeded: FINISH_REASON.length,
    incomplete: FINISH_REASON.length,
    tool_calls: FINISH_REASON.toolCall,
    "tool-calls": FINISH_REASON.toolCall,
    tool_call: FINISH_REASON.toolCall,
    tool_use: FINISH_REASON.toolCall,
    function_call: FINISH_REASON.toolCall,
    content_filter: FINISH_REASON.contentFilter,
    "content-filter": FINISH_REASON.contentFilter,
    safety: FINISH_REASON.contentFilter,
    recitation: FINISH_REASON.contentFilter,
    blocklist: FINISH_REASON.contentFilter,
    prohibited_content: FINISH_REASON.contentFilter,
    spii: FINISH_REASON.contentFilter,
    refusal: FINISH_REASON.contentFilter,
    guardrail_intervened: FINISH_REASON.contentFilter,
    error: FINISH_REASON.error,
    compaction: FINISH_REASON.compaction,
  }),
);

/** The registry value for a finish reason; unknown reasons pass through lower-cased (open enum). */
export function finishReason(raw: string): string {
  // Most reasons arrive spelled as listed: no trimmed or lower-cased copy for them.
  const exact = ALIASES.get(raw);
  if (exact !== undefined) return exact;
  const key = raw.trim().toLowerCase();
  return ALIASES.get(key) ?? key;
}
