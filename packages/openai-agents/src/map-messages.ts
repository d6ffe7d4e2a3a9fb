import {
  asString,
  type InputMessage,
  type Dict as Item,
  isRecord,
  type MessagePart,
  type OutputMessage,
  parseJsonIfPossible,
  textPart,
} from "@otel-agents/core/adapter";

// Converters from the two OpenAI wire shapes the Agents SDK puts on its spans (Responses items on
// response spans, Chat Completions messages on generation spans) to the semconv message shape.
// Only ever called from content thunks, i.e. when capture is on.

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === "string") return [textPart(content)];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const c of content) {
    if (!isRecord(c)) continue;
    // An empty text is still the model's text (a stream can end on one): kept, unlike an empty id.
    const text = typeof c.text === "string" ? c.text : typeof c.refusal === "string" ? c.refusal : undefined;
    if (text !== undefined) parts.push(textPart(text));
    else if (typeof c.type === "string") parts.push({ type: c.type });
  }
  return parts;
}

function reasoningParts(item: Item): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const list of [item.summary, item.content]) {
    if (!Array.isArray(list)) continue;
    for (const s of list) if (isRecord(s) && typeof s.text === "string") parts.push({ type: "reasoning", content: s.text });
  }
  return parts;
}

/** Responses API items (or a plain string input) as semconv messages. */
export function responsesItemsToMessages(items: unknown): InputMessage[] {
  if (typeof items === "string") return [{ role: "user", parts: [textPart(items)] }];
  if (!Array.isArray(items)) return [];
  const out: InputMessage[] = [];
  // Consecutive assistant items (text, tool calls, reasoning) are one assistant turn.
  const assistant = (): InputMessage => {
    const last = out[out.length - 1];
    if (last && last.role === "assistant") return last;
    const m: InputMessage = { role: "assistant", parts: [] };
    out.push(m);
    return m;
  };
  for (const item of items) {
    if (!isRecord(item)) continue;
    const type = item.type ?? (item.role !== undefined ? "message" : undefined);
    switch (type) {
      case "message": {
        const role = asString(item.role) ?? "user";
        const parts = contentParts(item.content);
        if (role === "assistant") assistant().parts.push(...parts);
        else out.push({ role, parts });
        break;
      }
      case "function_call":
        assistant().parts.push({
          type: "tool_call",
          id: asString(item.call_id ?? item.callId) ?? null,
          name: asString(item.name) ?? "",
          arguments: parseJsonIfPossible(item.arguments),
        });
        break;
      case "function_call_output":
      case "function_call_result": {
        const output = isRecord(item.output) && typeof item.output.text === "string" ? item.output.text : item.output;
        out.push({
          role: "tool",
          parts: [{ type: "tool_call_response", id: asString(item.call_id ?? item.callId) ?? null, response: output }],
        });
        break;
      }
      case "reasoning":
        assistant().parts.push(...reasoningParts(item));
        break;
      default:
        break;
    }
  }
  return out.filter((m) => m.parts.length > 0);
}

/** A Response's `output` as one assistant output message. */
export function responsesOutputToMessages(output: unknown): OutputMessage[] {
  return responsesItemsToMessages(output).filter((m) => m.role === "assistant");
}

/** Chat Completions request messages as semconv messages. */
export function chatMessagesToMessages(messages: unknown): InputMessage[] {
  if (!Array.isArray(messages)) return [];
  const out: InputMessage[] = [];
  for (const m of messages) {
    if (!isRecord(m)) continue;
    const role = asString(m.role) ?? "user";
    if (role === "tool") {
      out.push({ role, parts: [{ type: "tool_call_response", id: asString(m.tool_call_id) ?? null, response: m.content }] });
      continue;
    }
    const parts = contentParts(m.content);
    if (Array.isArray(m.tool_calls)) parts.push(...chatToolCalls(m.tool_calls));
    out.push({ role, parts });
  }
  return out;
}

function chatToolCalls(calls: unknown[]): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const c of calls) {
    if (!isRecord(c)) continue;
    const fn = isRecord(c.function) ? c.function : isRecord(c.custom) ? c.custom : {};
    parts.push({
      type: "tool_call",
      id: asString(c.id) ?? null,
      name: asString(fn.name) ?? "",
      arguments: parseJsonIfPossible(fn.arguments ?? fn.input),
    });
  }
  return parts;
}

/** The choices of a raw ChatCompletion as output messages. */
export function chatCompletionToMessages(completion: unknown): OutputMessage[] {
  if (!isRecord(completion) || !Array.isArray(completion.choices)) return [];
  const out: OutputMessage[] = [];
  for (const choice of completion.choices) {
    if (!isRecord(choice) || !isRecord(choice.message)) continue;
    const msg = choice.message;
    const parts = contentParts(msg.content);
    if (typeof msg.refusal === "string") parts.push(textPart(msg.refusal));
    if (Array.isArray(msg.tool_calls)) parts.push(...chatToolCalls(msg.tool_calls));
    out.push({ role: asString(msg.role) ?? "assistant", parts });
  }
  return out;
}

/** Responses `instructions` (a string, or input items) as system instruction parts. */
export function instructionsToParts(instructions: unknown): MessagePart[] | undefined {
  if (typeof instructions === "string") return instructions ? [textPart(instructions)] : undefined;
  if (!Array.isArray(instructions)) return undefined;
  const parts = responsesItemsToMessages(instructions).flatMap((m) => m.parts.filter((p) => p.type === "text"));
  return parts.length > 0 ? parts : undefined;
}
