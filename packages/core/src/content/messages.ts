// The semconv JSON shape of message content (schemas in packages/core/semconv/*.json).

export interface TextPart {
  type: "text";
  content: string;
}
export interface ReasoningPart {
  type: "reasoning";
  content: string;
}
export interface ToolCallRequestPart {
  type: "tool_call";
  id?: string | null;
  name: string;
  arguments?: unknown;
}
export interface ToolCallResponsePart {
  type: "tool_call_response";
  id?: string | null;
  response: unknown;
}
export interface BlobPart {
  type: "blob";
  modality: string;
  mime_type?: string | null;
  /** Base64. */
  content: string;
}
export interface FilePart {
  type: "file";
  modality: string;
  mime_type?: string | null;
  file_id: string;
}
export interface UriPart {
  type: "uri";
  modality: string;
  mime_type?: string | null;
  uri: string;
}
export interface GenericPart {
  type: string;
  [key: string]: unknown;
}

export type MessagePart =
  | TextPart
  | ReasoningPart
  | ToolCallRequestPart
  | ToolCallResponsePart
  | BlobPart
  | FilePart
  | UriPart
  | GenericPart;

/** `system`, `user`, `assistant`, `tool`, or another role. */
export type Role = "system" | "user" | "assistant" | "tool" | (string & {});

export interface InputMessage {
  role: Role;
  parts: MessagePart[];
  name?: string | null;
}

/** One output message per choice/candidate. Finish reasons go on the span, not here. */
export interface OutputMessage {
  role: Role;
  parts: MessagePart[];
  name?: string | null;
}

export interface ToolDefinition {
  type: "function" | (string & {});
  name: string;
  description?: string;
  parameters?: unknown;
}

export interface RetrievalDocument {
  id?: string | null;
  score?: number | null;
  [key: string]: unknown;
}

/** Builds a text part. */
export const textPart = (content: string): TextPart => ({ type: "text", content });

/**
 * Tool call arguments as an object where possible: the conventions want objects, frameworks
 * often hand over JSON strings.
 */
export function parseJsonIfPossible(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}
