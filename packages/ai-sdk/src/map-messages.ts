import {
  asString,
  type Dict,
  type InputMessage,
  isRecord,
  type MessagePart,
  type OutputMessage,
  type ToolDefinition,
} from "@otel-agents/core/adapter";

// AI SDK prompts and results to the semconv message shape. The inputs are read as plain records,
// not through the `ai` types: events cross versions and may carry parts this version does not
// know, which become generic parts instead of being dropped or throwing.

/** `instructions` (a string, a system message or several) as text parts. */
export function systemInstructions(instructions: unknown): MessagePart[] | undefined {
  const parts: MessagePart[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string") {
      if (v.length > 0) parts.push({ type: "text", content: v });
    } else if (isRecord(v)) {
      if (typeof v.content === "string") add(v.content);
      else if (Array.isArray(v.content)) for (const p of v.content) if (isRecord(p) && p.type === "text") add(p.text);
    }
  };
  if (Array.isArray(instructions)) for (const i of instructions) add(i);
  else add(instructions);
  return parts.length > 0 ? parts : undefined;
}

/** The messages sent to the model, in order. */
export function inputMessages(messages: unknown): InputMessage[] | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const out: InputMessage[] = [];
  for (const m of messages) {
    if (!isRecord(m)) continue;
    const role = asString(m.role) ?? "user";
    out.push({ role, parts: contentParts(m.content) });
  }
  return out.length > 0 ? out : undefined;
}

/** A prompt split for the conventions: the system text apart from the conversation. */
export interface SplitPrompt {
  system?: MessagePart[];
  messages?: InputMessage[];
}

/** A prompt as the provider gets it (system messages, then the conversation). */
export function providerPrompt(prompt: unknown): SplitPrompt {
  if (!Array.isArray(prompt)) return {};
  const system = prompt.filter((m) => isRecord(m) && m.role === "system");
  const rest = prompt.filter((m) => !(isRecord(m) && m.role === "system"));
  return { system: systemInstructions(system), messages: inputMessages(rest) };
}

/** A call's prompt as the app gave it: `system`, and `prompt` (a string or messages) or `messages`. */
export function appPrompt(system: unknown, prompt: unknown, messages: unknown): SplitPrompt {
  const conversation =
    typeof prompt === "string" ? [{ role: "user", content: prompt }] : Array.isArray(prompt) ? prompt : messages;
  return { system: systemInstructions(system), messages: inputMessages(conversation) };
}

/** What one model call produced, as the single assistant message of its choice. */
export function outputMessages(content: unknown): OutputMessage[] | undefined {
  if (!Array.isArray(content) || content.length === 0) return undefined;
  const parts: MessagePart[] = [];
  for (const p of content) {
    // Tool results in a step's content come from the client side, not from the model.
    if (isRecord(p) && (p.type === "tool-result" || p.type === "tool-error") && p.providerExecuted !== true) continue;
    const part = toPart(p);
    if (part) parts.push(part);
  }
  return parts.length > 0 ? [{ role: "assistant", parts }] : undefined;
}

/** The final text of a call as one assistant message, for calls whose content is not at hand. */
export function textOutput(text: unknown): OutputMessage[] | undefined {
  return typeof text === "string" && text.length > 0
    ? [{ role: "assistant", parts: [{ type: "text", content: text }] }]
    : undefined;
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === "string") return [{ type: "text", content }];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const p of content) {
    const part = toPart(p);
    if (part) parts.push(part);
  }
  return parts;
}

function toPart(p: unknown): MessagePart | undefined {
  if (!isRecord(p)) return undefined;
  switch (p.type) {
    case "text":
      return { type: "text", content: asString(p.text) ?? "" };
    case "reasoning":
      return { type: "reasoning", content: asString(p.text) ?? "" };
    case "tool-call":
      if (p.providerExecuted === true) {
        return {
          type: "server_tool_call",
          id: asString(p.toolCallId) ?? null,
          name: asString(p.toolName) ?? "",
          server_tool_call: { type: asString(p.toolName) ?? "unknown", arguments: p.input },
        };
      }
      return { type: "tool_call", id: asString(p.toolCallId) ?? null, name: asString(p.toolName) ?? "", arguments: p.input };
    case "tool-result":
      return { type: "tool_call_response", id: asString(p.toolCallId) ?? null, response: toolResponse(p) };
    case "tool-error":
      return { type: "tool_call_response", id: asString(p.toolCallId) ?? null, response: errorText(p.error) };
    case "image":
      return mediaPart(p.image, asString(p.mediaType), "image");
    case "file":
    case "reasoning-file": {
      // Generated files (step content) wrap their data; prompt files carry it directly.
      if (isRecord(p.file)) return mediaPart(p.file.base64, asString(p.file.mediaType), undefined);
      return mediaPart(p.data, asString(p.mediaType), undefined);
    }
    default:
      return typeof p.type === "string" ? { type: p.type } : undefined;
  }
}

function toolResponse(p: Dict): unknown {
  // Prompt messages hold `output: { type, value }`; step content holds the raw `output`.
  const output = p.output;
  if (isRecord(output) && typeof output.type === "string" && "value" in output) {
    if (output.type === "content" && Array.isArray(output.value)) return contentParts(output.value);
    return output.value;
  }
  if (isRecord(output) && output.type === "execution-denied") return { denied: true, reason: output.reason };
  return output;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "error";
}

function modalityOf(mediaType: string | undefined, fallback: string | undefined): string {
  const top = mediaType?.split("/")[0];
  if (top === "image" || top === "audio" || top === "video") return top;
  return fallback ?? "document";
}

function mediaPart(data: unknown, mediaType: string | undefined, fallbackModality: string | undefined): MessagePart {
  const modality = modalityOf(mediaType, fallbackModality);
  const mime = mediaType ?? null;
  if (data instanceof URL) return { type: "uri", modality, mime_type: mime, uri: data.href };
  if (data instanceof Uint8Array) return { type: "blob", modality, mime_type: mime, content: toBase64(data) };
  if (data instanceof ArrayBuffer) return { type: "blob", modality, mime_type: mime, content: toBase64(new Uint8Array(data)) };
  if (typeof data === "string") {
    if (/^(https?|data|gs|s3):/i.test(data)) return { type: "uri", modality, mime_type: mime, uri: data };
    return { type: "blob", modality, mime_type: mime, content: data };
  }
  if (isRecord(data)) {
    // V4 file data: { type: 'data' | 'url' | 'reference' | 'text', ... }
    if (data.type === "url" && data.url instanceof URL) return { type: "uri", modality, mime_type: mime, uri: data.url.href };
    if (data.type === "data") return mediaPart(data.data, mediaType, fallbackModality);
    if (data.type === "text" && typeof data.text === "string") return { type: "text", content: data.text };
    if (data.type === "reference" && isRecord(data.reference)) {
      const id = Object.values(data.reference).find((v) => typeof v === "string");
      if (typeof id === "string") return { type: "file", modality, mime_type: mime, file_id: id };
    }
  }
  return { type: "file", modality, mime_type: mime, file_id: "unknown" };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Tools as the model was offered them (prepared tools on model calls, the tool set on the call). */
export function toolDefinitions(tools: unknown): ToolDefinition[] | undefined {
  const out: ToolDefinition[] = [];
  if (Array.isArray(tools)) {
    // Prepared tools: [{ type: 'function', name, description, inputSchema } | { type: 'provider', id, name }]
    for (const t of tools) {
      if (!isRecord(t) || typeof t.name !== "string") continue;
      if (t.type === "function" || t.type === undefined) {
        out.push(withOptional({ type: "function", name: t.name }, asString(t.description), t.inputSchema));
      } else {
        out.push({ type: asString(t.type) ?? "function", name: t.name });
      }
    }
  } else if (isRecord(tools)) {
    // The call's tool set: { [name]: tool }; its schemas are validator objects, so only names and descriptions.
    for (const [name, t] of Object.entries(tools)) {
      if (!isRecord(t)) continue;
      const type = t.type === "provider" ? "provider" : "function";
      out.push(withOptional({ type, name }, asString(t.description), undefined));
    }
  }
  return out.length > 0 ? out : undefined;
}

function withOptional(def: ToolDefinition, description: string | undefined, parameters: unknown): ToolDefinition {
  if (description) def.description = description;
  if (parameters !== undefined) def.parameters = parameters;
  return def;
}
