import { ATTR, INFERENCE_OPERATIONS, MCP_ATTR, OPERATION } from "@otel-agents/core/semconv";
import type { ServedSpan } from "../shared/model.js";
import { type GenAIReading, readGenAI } from "../shared/read-genai.js";
import { cost } from "./format.js";

const readings = new WeakMap<ServedSpan, GenAIReading>();
/** The span read as GenAI whatever convention wrote it (OpenInference and OpenLLMetry too), once per span. */
export function reading(span: ServedSpan): GenAIReading {
  let r = readings.get(span);
  if (!r) readings.set(span, (r = readGenAI(span.attributes)));
  return r;
}

/** How the waterfall draws a span: one colour and label per kind of GenAI operation. */
export type Category = "agent" | "workflow" | "chat" | "tool" | "mcp" | "retrieval" | "embeddings" | "genai" | "other";

export const CATEGORY_LABEL: Record<Category, string> = {
  agent: "agent",
  workflow: "workflow",
  chat: "model",
  tool: "tool",
  mcp: "mcp",
  retrieval: "retrieval",
  embeddings: "embeddings",
  genai: "gen_ai",
  other: "",
};

export function categoryOf(span: ServedSpan): Category {
  // An MCP request is its own kind even when it is a tool call (tools/call carries execute_tool too).
  if (typeof span.attributes[MCP_ATTR.methodName] === "string") return "mcp";
  const op = reading(span).operation;
  if (op === undefined) return "other";
  if (op === OPERATION.invokeAgent || op === OPERATION.createAgent) return "agent";
  if (op === OPERATION.invokeWorkflow || op === OPERATION.plan) return "workflow";
  if (INFERENCE_OPERATIONS.has(op)) return "chat";
  if (op === OPERATION.executeTool) return "tool";
  if (op === OPERATION.retrieval) return "retrieval";
  if (op === OPERATION.embeddings) return "embeddings";
  return "genai";
}

export function str(span: ServedSpan, key: string): string | undefined {
  const v = span.attributes[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function num(span: ServedSpan, key: string): number | undefined {
  const v = span.attributes[key];
  return typeof v === "number" ? v : undefined;
}

/** A short fact line for the waterfall row: model, tokens and cost of a model call, its finish reasons. */
export function facts(span: ServedSpan): string {
  const parts: string[] = [];
  const r = reading(span);
  const model = r.responseModel ?? r.requestModel;
  if (categoryOf(span) === "chat" && model) parts.push(model);
  const { input, output } = r.usage;
  if (input !== undefined || output !== undefined) parts.push(`${input ?? 0}→${output ?? 0} tok`);
  if (span.cost) parts.push(cost(span.cost));
  const finish = span.attributes[ATTR.responseFinishReasons];
  if (Array.isArray(finish) && finish.length > 0) parts.push(finish.join(","));
  return parts.join(" · ");
}

export const CONTENT_KEYS = {
  system: ATTR.systemInstructions,
  input: ATTR.inputMessages,
  output: ATTR.outputMessages,
  tools: ATTR.toolDefinitions,
  toolArguments: ATTR.toolCallArguments,
  toolResult: ATTR.toolCallResult,
  conversation: ATTR.conversationId,
  toolName: ATTR.toolName,
} as const;
