// What a span says as GenAI, whichever convention wrote it: the OpenTelemetry GenAI conventions,
// OpenInference (`openinference.span.kind`, `llm.*`) or OpenLLMetry's older keys (`gen_ai.prompt.N.*`,
// `llm.usage.*`). Shared by the server (tokens, model calls, cost) and the page (kinds, messages).
// The current names come from the core; the other projects' names are spelled here only, because
// the viewer reads them and nothing of ours ever writes them.
import { ATTR, INFERENCE_OPERATIONS, OPERATION } from "@otel-agents/core/semconv";
import type { Attrs, AttrValue, Convention } from "./model.js";

/** OpenInference's names (github.com/Arize-ai/openinference, semantic conventions spec). */
const OI = {
  spanKind: "openinference.span.kind",
  modelName: "llm.model_name",
  provider: "llm.provider",
  system: "llm.system",
  prompt: "llm.token_count.prompt",
  completion: "llm.token_count.completion",
  cacheRead: "llm.token_count.prompt_details.cache_read",
  cacheWrite: "llm.token_count.prompt_details.cache_write",
  reasoning: "llm.token_count.completion_details.reasoning",
  inputMessages: "llm.input_messages.",
  outputMessages: "llm.output_messages.",
  toolName: "tool.name",
  agentName: "agent.name",
  session: "session.id",
} as const;

/** OpenInference span kinds as GenAI operations (CHAIN, RERANKER, GUARDRAIL... have none). */
const OI_KIND: ReadonlyMap<string, string> = new Map([
  ["LLM", OPERATION.chat],
  ["EMBEDDING", OPERATION.embeddings],
  ["TOOL", OPERATION.executeTool],
  ["AGENT", OPERATION.invokeAgent],
  ["RETRIEVER", OPERATION.retrieval],
]);

/** OpenLLMetry's (Traceloop's) names from before the GenAI conventions settled. */
const OLLM = {
  requestType: "llm.request.type",
  spanKind: "traceloop.span.kind",
  entityName: "traceloop.entity.name",
  system: "gen_ai.system",
  promptTokens: "gen_ai.usage.prompt_tokens",
  completionTokens: "gen_ai.usage.completion_tokens",
  llmPromptTokens: "llm.usage.prompt_tokens",
  llmCompletionTokens: "llm.usage.completion_tokens",
  cacheRead: "gen_ai.usage.cache_read_input_tokens",
  cacheWrite: "gen_ai.usage.cache_creation_input_tokens",
  reasoning: "llm.usage.reasoning_tokens",
  prompt: "gen_ai.prompt.",
  completion: "gen_ai.completion.",
} as const;

/** The provider's name before gen_ai.provider.name (semantic conventions 1.36 and older). */
const LEGACY_SYSTEM = "gen_ai.system";

const OLLM_REQUEST: ReadonlyMap<string, string> = new Map([
  ["chat", OPERATION.chat],
  ["completion", OPERATION.textCompletion],
  ["embedding", OPERATION.embeddings],
]);
const OLLM_KIND: ReadonlyMap<string, string> = new Map([
  ["agent", OPERATION.invokeAgent],
  ["tool", OPERATION.executeTool],
  ["workflow", OPERATION.invokeWorkflow],
]);

const OPENLLMETRY_KEY = /^(traceloop\.|llm\.request\.type$|llm\.usage\.|gen_ai\.(prompt|completion)\.\d+\.)/;

/** Token counts a span reports; a field is absent when the span does not say. */
export interface Usage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface GenAIReading {
  convention?: Convention;
  /** The GenAI operation name, or what the other convention's span kind means as one. */
  operation?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  agent?: string;
  tool?: string;
  conversation?: string;
  usage: Usage;
}

function num(v: AttrValue | undefined): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Which convention a span's GenAI attributes follow (undefined: none). */
export function conventionOf(a: Attrs): Convention | undefined {
  if (a[OI.spanKind] !== undefined) return "openinference";
  for (const k in a) if (OPENLLMETRY_KEY.test(k)) return "openllmetry";
  if (a[ATTR.operationName] !== undefined) return "genai";
  return undefined;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The span read as GenAI: the current keys first, then the convention the span follows. */
export function readGenAI(a: Attrs): GenAIReading {
  const convention = conventionOf(a);
  const r: GenAIReading = {
    operation: str(a[ATTR.operationName]),
    requestModel: str(a[ATTR.requestModel]),
    responseModel: str(a[ATTR.responseModel]),
    provider: str(a[ATTR.providerName]),
    agent: str(a[ATTR.agentName]),
    tool: str(a[ATTR.toolName]),
    conversation: str(a[ATTR.conversationId]),
    usage: defined({
      input: num(a[ATTR.usageInputTokens]),
      output: num(a[ATTR.usageOutputTokens]),
      cacheRead: num(a[ATTR.usageCacheReadInputTokens]),
      cacheWrite: num(a[ATTR.usageCacheWriteInputTokens]),
      reasoning: num(a[ATTR.usageReasoningOutputTokens]),
    }),
  };
  if (convention) r.convention = convention;
  const u = r.usage;
  if (convention === "openinference") {
    const kind = str(a[OI.spanKind])?.toUpperCase();
    r.operation ??= kind ? OI_KIND.get(kind) : undefined;
    r.requestModel ??= str(a[OI.modelName]);
    r.provider ??= str(a[OI.provider]) ?? str(a[OI.system]);
    r.agent ??= str(a[OI.agentName]);
    r.tool ??= str(a[OI.toolName]);
    r.conversation ??= str(a[OI.session]);
    u.input ??= num(a[OI.prompt]);
    u.output ??= num(a[OI.completion]);
    u.cacheRead ??= num(a[OI.cacheRead]);
    u.cacheWrite ??= num(a[OI.cacheWrite]);
    u.reasoning ??= num(a[OI.reasoning]);
  } else if (convention === "openllmetry") {
    const type = str(a[OLLM.requestType]);
    const kind = str(a[OLLM.spanKind]);
    r.operation ??= (type && OLLM_REQUEST.get(type)) || (kind && OLLM_KIND.get(kind)) || undefined;
    r.provider ??= str(a[OLLM.system])?.toLowerCase();
    if (r.operation === OPERATION.invokeAgent) r.agent ??= str(a[OLLM.entityName]);
    if (r.operation === OPERATION.executeTool) r.tool ??= str(a[OLLM.entityName]);
    u.input ??= num(a[OLLM.promptTokens]) ?? num(a[OLLM.llmPromptTokens]);
    u.output ??= num(a[OLLM.completionTokens]) ?? num(a[OLLM.llmCompletionTokens]);
    u.cacheRead ??= num(a[OLLM.cacheRead]);
    u.cacheWrite ??= num(a[OLLM.cacheWrite]);
    u.reasoning ??= num(a[OLLM.reasoning]);
  }
  r.provider ??= str(a[LEGACY_SYSTEM]);
  return defined(r);
}

/** A model call: the operations whose tokens a trace counts and prices. */
export function isModelCall(operation: string | undefined): boolean {
  return operation !== undefined && INFERENCE_OPERATIONS.has(operation);
}

export interface Part {
  type?: string;
  content?: unknown;
  id?: string;
  name?: string;
  arguments?: unknown;
  response?: unknown;
  [key: string]: unknown;
}
export interface Message {
  role?: string;
  parts?: Part[];
  name?: string | null;
  finish_reason?: string;
}

/**
 * Indexed keys (`<prefix>3.message.role`) gathered into one record per index, in index order:
 * `{ "message.role": "user", "message.content": "hi" }`.
 */
function indexed(a: Attrs, prefix: string): Record<string, AttrValue>[] {
  const byIndex = new Map<number, Record<string, AttrValue>>();
  for (const key in a) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf(".");
    const i = Number(rest.slice(0, dot));
    if (dot <= 0 || !Number.isInteger(i)) continue;
    let rec = byIndex.get(i);
    if (!rec) byIndex.set(i, (rec = {}));
    rec[rest.slice(dot + 1)] = a[key] as AttrValue;
  }
  return [...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, rec]) => rec);
}

/** Sub-records of one indexed record: `tool_calls.0.name` → [{ name }]. */
function nested(rec: Record<string, AttrValue>, prefix: string): Record<string, AttrValue>[] {
  return indexed(rec as Attrs, prefix);
}

function text(v: AttrValue | undefined): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
}

function oiMessage(rec: Record<string, AttrValue>): Message {
  const role = text(rec["message.role"]) ?? "unknown";
  const parts: Part[] = [];
  const content = text(rec["message.content"]);
  const toolCallId = text(rec["message.tool_call_id"]);
  if (content !== undefined) {
    parts.push(
      role === "tool"
        ? { type: "tool_call_response", response: content, ...(toolCallId ? { id: toolCallId } : {}) }
        : { type: "text", content },
    );
  }
  for (const c of nested(rec, "message.contents.")) {
    const t = text(c["message_content.text"]);
    if (t !== undefined) parts.push({ type: "text", content: t });
  }
  for (const call of nested(rec, "message.tool_calls.")) {
    const id = text(call["tool_call.id"]);
    parts.push({
      type: "tool_call",
      name: text(call["tool_call.function.name"]) ?? "?",
      arguments: call["tool_call.function.arguments"] ?? {},
      ...(id ? { id } : {}),
    });
  }
  const name = text(rec["message.name"]);
  return { role, parts, ...(name ? { name } : {}) };
}

function ollmMessage(rec: Record<string, AttrValue>): Message {
  const role = text(rec.role) ?? "unknown";
  const parts: Part[] = [];
  const content = text(rec.content);
  const toolCallId = text(rec.tool_call_id);
  if (content !== undefined) {
    parts.push(
      role === "tool"
        ? { type: "tool_call_response", response: content, ...(toolCallId ? { id: toolCallId } : {}) }
        : { type: "text", content },
    );
  }
  for (const call of nested(rec, "tool_calls.")) {
    const id = text(call.id);
    parts.push({ type: "tool_call", name: text(call.name) ?? "?", arguments: call.arguments ?? {}, ...(id ? { id } : {}) });
  }
  const finish = text(rec.finish_reason);
  return { role, parts, ...(finish ? { finish_reason: finish } : {}) };
}

/**
 * The messages a span of another convention recorded, in the GenAI message shape (role and parts),
 * or undefined when it recorded none. Current-convention spans carry them as JSON already.
 */
export function foreignMessages(a: Attrs): { input: Message[]; output: Message[] } | undefined {
  const convention = conventionOf(a);
  let input: Message[] = [];
  let output: Message[] = [];
  if (convention === "openinference") {
    input = indexed(a, OI.inputMessages).map(oiMessage);
    output = indexed(a, OI.outputMessages).map(oiMessage);
  } else if (convention === "openllmetry") {
    input = indexed(a, OLLM.prompt).map(ollmMessage);
    output = indexed(a, OLLM.completion).map(ollmMessage);
  }
  return input.length > 0 || output.length > 0 ? { input, output } : undefined;
}
