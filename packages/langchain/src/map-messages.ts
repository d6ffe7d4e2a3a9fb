import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from "@otel-agents/core/adapter";
import { parseJsonIfPossible } from "@otel-agents/core/adapter";
import { asRecord, asString, type Dict } from "./read.js";

// LangChain messages to the semconv message shape. Only called from content thunks, so none of
// this runs when content capture is off. Lookup tables are Maps: a message type or role of
// `constructor` must not find Object.prototype's members.

const ROLES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    human: "user",
    user: "user",
    ai: "assistant",
    assistant: "assistant",
    system: "system",
    developer: "system",
    tool: "tool",
    function: "tool",
  }),
);

function messageType(message: Dict): string | undefined {
  const getType = message._getType ?? message.getType;
  if (typeof getType === "function") {
    try {
      const t = (getType as () => unknown).call(message);
      if (typeof t === "string") return t;
    } catch {
      // fall through to the fields
    }
  }
  return asString(message.type) ?? asString(message.role);
}

export function roleOf(message: unknown): string {
  const m = asRecord(message);
  if (!m) return "user";
  const type = messageType(m);
  // A generic ChatMessage carries its own role.
  if (type === "generic") return ROLES.get(asString(m.role) ?? "") ?? asString(m.role) ?? "user";
  return ROLES.get(type ?? "") ?? type ?? "user";
}

const MEDIA_MODALITY: ReadonlyMap<string, string> = new Map(
  Object.entries({
    image: "image",
    image_url: "image",
    audio: "audio",
    input_audio: "audio",
    video: "video",
    file: "document",
  }),
);

/** One LangChain content block (standard v1 or provider-specific) to a semconv part. */
function blockToPart(block: unknown): MessagePart | undefined {
  if (typeof block === "string") return { type: "text", content: block };
  const b = asRecord(block);
  if (!b) return undefined;
  const type = asString(b.type) ?? "unknown";
  switch (type) {
    case "text":
    case "text-plain":
      return typeof b.text === "string" ? { type: "text", content: b.text } : undefined;
    case "reasoning":
      return typeof b.reasoning === "string" ? { type: "reasoning", content: b.reasoning } : undefined;
    case "thinking":
      return typeof b.thinking === "string" ? { type: "reasoning", content: b.thinking } : undefined;
    case "tool_call":
      return { type: "tool_call", id: asString(b.id) ?? null, name: asString(b.name) ?? "unknown", arguments: b.args };
    case "invalid_tool_call":
    case "tool_call_chunk":
      return {
        type: "tool_call",
        id: asString(b.id) ?? null,
        name: asString(b.name) ?? "unknown",
        arguments: parseJsonIfPossible(b.args),
      };
  }
  const modality = MEDIA_MODALITY.get(type);
  if (modality) {
    const mime = asString(b.mimeType) ?? asString(b.mime_type) ?? null;
    const url = asString(b.url) ?? asString(asRecord(b.image_url)?.url) ?? asString(b.image_url);
    if (url?.startsWith("data:")) {
      const comma = url.indexOf(",");
      const header = url.slice(5, comma > 0 ? comma : undefined);
      return {
        type: "blob",
        modality,
        mime_type: mime ?? (header.split(";")[0] || null),
        content: comma > 0 ? url.slice(comma + 1) : "",
      };
    }
    if (url) return { type: "uri", modality, mime_type: mime, uri: url };
    const data = asString(b.data);
    if (data) return { type: "blob", modality, mime_type: mime, content: data };
    const fileId = asString(b.fileId) ?? asString(b.file_id) ?? asString(b.id);
    if (fileId) return { type: "file", modality, mime_type: mime, file_id: fileId };
  }
  // Anything else (server tool calls, provider-specific blocks) keeps only its kind: its payload
  // may be large or binary.
  return { type };
}

function contentBlocks(m: Dict): unknown[] {
  // `contentBlocks` (core 1.x) normalises provider formats and adds the tool calls of AI messages.
  try {
    const blocks = m.contentBlocks;
    if (Array.isArray(blocks)) return blocks;
  } catch {
    // Older messages or translators that throw: fall back to the raw content.
  }
  const content = m.content;
  const blocks: unknown[] = typeof content === "string" ? [content] : Array.isArray(content) ? [...content] : [];
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) blocks.push({ ...asRecord(call), type: "tool_call" });
  }
  return blocks;
}

function partsOf(message: unknown): MessagePart[] {
  const m = asRecord(message);
  if (!m) return typeof message === "string" ? [{ type: "text", content: message }] : [];
  if (roleOf(m) === "tool") {
    return [{ type: "tool_call_response", id: asString(m.tool_call_id) ?? null, response: toolResponse(m.content) }];
  }
  const parts: MessagePart[] = [];
  for (const block of contentBlocks(m)) {
    const part = blockToPart(block);
    // An empty text block says nothing (AI messages that only call tools carry one).
    if (part && !(part.type === "text" && part.content === "")) parts.push(part);
  }
  return parts;
}

function toolResponse(content: unknown): unknown {
  if (typeof content === "string") return parseJsonIfPossible(content);
  if (Array.isArray(content) && content.every((c) => asRecord(c)?.type === "text")) {
    return content.map((c) => (asRecord(c) as Dict).text).join("");
  }
  return content;
}

function toMessage(message: unknown): InputMessage {
  const m = asRecord(message);
  const name = asString(m?.name);
  return { role: roleOf(message), parts: partsOf(message), ...(name ? { name } : {}) };
}

export interface SplitMessages {
  systemInstructions: MessagePart[] | undefined;
  inputMessages: InputMessage[];
}

/**
 * The prompt of one model call: leading system messages become system instructions (text only, as
 * the conventions want); everything after, including later system messages, stays in order.
 */
export function splitPrompt(messages: readonly unknown[]): SplitMessages {
  let i = 0;
  const instructions: MessagePart[] = [];
  while (i < messages.length && roleOf(messages[i]) === "system") {
    for (const part of partsOf(messages[i])) if (part.type === "text") instructions.push(part);
    i++;
  }
  return {
    systemInstructions: instructions.length > 0 ? instructions : undefined,
    inputMessages: messages.slice(i).map(toMessage),
  };
}

export function toInputMessages(messages: readonly unknown[]): InputMessage[] {
  return messages.map(toMessage);
}

/** Output messages of one model call: one per generation (choice). */
export function toOutputMessages(generations: readonly unknown[]): OutputMessage[] {
  const out: OutputMessage[] = [];
  for (const generation of generations) {
    const g = asRecord(generation);
    if (!g) continue;
    if (g.message !== undefined) {
      const msg = toMessage(g.message);
      out.push({ ...msg, role: "assistant" });
    } else if (typeof g.text === "string") {
      out.push({ role: "assistant", parts: [{ type: "text", content: g.text }] });
    }
  }
  return out;
}

/** `invocation_params.tools` (OpenAI, Anthropic or LangChain shape) to semconv tool definitions. */
export function toToolDefinitions(tools: unknown): ToolDefinition[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const out: ToolDefinition[] = [];
  for (const tool of tools) {
    const t = asRecord(tool);
    if (!t) continue;
    const fn = asRecord(t.function);
    if (fn && asString(fn.name)) {
      out.push(definition("function", fn.name as string, fn.description, fn.parameters));
      continue;
    }
    const name = asString(t.name);
    if (!name) continue;
    // Anthropic: `input_schema`; LangChain tool-like objects: `schema`; provider built-ins: their own type.
    const type = asString(t.type);
    const isFunction = !type || type === "function" || type === "custom";
    out.push(definition(isFunction ? "function" : type, name, t.description, t.input_schema ?? t.parameters));
  }
  return out.length > 0 ? out : undefined;
}

function definition(type: string, name: string, description: unknown, parameters: unknown): ToolDefinition {
  const def: ToolDefinition = { type, name };
  const d = asString(description);
  if (d) def.description = d;
  if (asRecord(parameters)) def.parameters = parameters;
  return def;
}
