import type { Attributes, HrTime, SpanContext } from "@opentelemetry/api";
import { validateContentAttribute } from "./content-schemas.js";
import { deprecatedAttributes, registry } from "./registry.js";
import type { RegistrySpanType } from "./registry-types.js";
import { typeMatches } from "./values.js";

/** The fields of an exported span (SDK 2 or SDK 3 `ReadableSpan`) the checks read. */
export interface CheckedSpan {
  name: string;
  kind: number;
  attributes: Attributes;
  spanContext(): SpanContext;
  parentSpanContext?: SpanContext;
  startTime: HrTime;
  status: { code: number; message?: string };
  /**
   * The attributes the span had when it started (what a sampler saw), when the exporter knows
   * them; the start-time rules are skipped without them (OTLP does not carry them).
   */
  startAttributes?: Attributes;
}

const KIND_NAMES = ["internal", "server", "client", "producer", "consumer"] as const;
const OPERATION_VALUES = new Set(registry.attributes["gen_ai.operation.name"]?.enum ?? []);
const FINISH_REASONS = new Set(["stop", "length", "content_filter", "tool_call", "compaction", "error"]);
const AGENT_NAME = "gen_ai.agent.name";
const WORKFLOW_NAME = "gen_ai.workflow.name";

/**
 * Names frameworks give a workflow by default: a type or a constant, never the app's name (#354:
 * `gen_ai.workflow.name` is a meaningful name, else absent). The OpenAI Agents SDK's default trace
 * name, LangChain's runnable classes, LangGraph's graph classes and its default graph name.
 */
export const FRAMEWORK_TYPE_NAMES: ReadonlySet<string> = new Set([
  "Agent workflow",
  "RunnableSequence",
  "RunnableParallel",
  "RunnableMap",
  "RunnableLambda",
  "RunnableBranch",
  "RunnablePassthrough",
  "RunnableAssign",
  "RunnablePick",
  "RunnableWithFallbacks",
  "RunnableWithMessageHistory",
  "RunnableBinding",
  "StateGraph",
  "CompiledStateGraph",
  "CompiledGraph",
  "CompiledSubgraph",
  "Pregel",
  "LangGraph",
]);

/** The registry span type of a span, from its operation name and kind. */
export function spanTypeOf(span: Pick<CheckedSpan, "kind" | "attributes">): string | undefined {
  // An MCP span is `mcp.client` or `mcp.server` by its kind, whatever its operation name (a tool
  // call's is `execute_tool`, to be read like other tool calls).
  if (typeof span.attributes["mcp.method.name"] === "string") {
    const mcp = `mcp.${KIND_NAMES[span.kind]}`;
    return Object.hasOwn(registry.spans, mcp) ? mcp : undefined;
  }
  const op = span.attributes["gen_ai.operation.name"];
  if (typeof op !== "string") return undefined;
  const kind = KIND_NAMES[span.kind];
  const candidates = Object.entries(registry.spans).filter(([, t]) => (t.span_name.operation_names ?? []).includes(op));
  if (candidates.length === 0) return undefined;
  const byKind = candidates.find(([, t]) => t.kind === kind);
  return (byKind ?? candidates[0])?.[0];
}

function registryAttribute(key: string) {
  // Own keys only: an attribute named "toString" is no registry attribute.
  const direct = Object.hasOwn(registry.attributes, key) ? registry.attributes[key] : undefined;
  if (direct) return direct;
  if (key.startsWith("gen_ai.prompt.variable.")) return registry.attributes["gen_ai.prompt.variable"];
  return undefined;
}

// The MCP span name's `{target}`: the tool or prompt the request is about.
const MCP_TARGETS = ["gen_ai.tool.name", "gen_ai.prompt.name"];

function expectedName(type: RegistrySpanType, attributes: Attributes): string[] {
  const { pattern, fallback } = type.span_name;
  if (pattern.includes("{target}")) {
    const method = String(attributes["mcp.method.name"] ?? "");
    const target = MCP_TARGETS.map((k) => attributes[k]).find((v) => typeof v === "string" && v !== "");
    return [target === undefined ? method : `${method} ${String(target)}`];
  }
  const missing = /\{([^}]+)\}/g;
  let complete = true;
  const filled = pattern.replace(missing, (_, key: string) => {
    const v = attributes[key];
    if (v === undefined || v === "") complete = false;
    return String(v ?? "");
  });
  const op = String(attributes["gen_ai.operation.name"]);
  // The fallback is often the operation name itself: list each accepted name once.
  return complete ? [filled] : [...new Set([fallback ?? op, op])];
}

/**
 * Every rule of the GenAI registry one exported span must meet. Returns human-readable violations
 * (empty when the span conforms):
 * - each `gen_ai.*` key (and each registry key on a GenAI span) exists, with the registry's type,
 *   and is not deprecated; structured values are valid JSON and match their JSON schema;
 * - operation names and finish reasons are registry values;
 * - a GenAI span has the kind and name of its span type, its required attributes, and no attribute
 *   outside its span type's list (so a removed one, like cache usage on internal agent spans, fails);
 * - a span without `gen_ai.operation.name` carries no `gen_ai.*` key at all;
 * - `gen_ai.agent.name`, where the registry marks it sampling-relevant, is given at start (#495),
 *   when the start attributes are known;
 * - `gen_ai.workflow.name` is no framework type name (#354).
 */
export function spanViolations(span: CheckedSpan): string[] {
  const out: string[] = [];
  const where = `span "${span.name}"`;
  const attrs = span.attributes;
  const typeId = spanTypeOf(span);
  const type = typeId ? registry.spans[typeId] : undefined;

  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const isGenAi = key.startsWith("gen_ai.");
    const def = registryAttribute(key);
    if (isGenAi && deprecatedAttributes.has(key)) out.push(`${where}: deprecated attribute ${key}`);
    if (isGenAi && !def) out.push(`${where}: ${key} is not in the GenAI registry`);
    if (def && (isGenAi || type) && !typeMatches(def.type, value)) {
      out.push(`${where}: ${key} should be ${def.type}, got ${JSON.stringify(value)}`);
    }
    if (def?.type === "any" && typeof value === "string") {
      for (const problem of validateContentAttribute(key, value)) out.push(`${where}: ${key} ${problem}`);
    }
    if (isGenAi && !type) out.push(`${where}: ${key} on a span that is no GenAI operation`);
  }

  const op = attrs["gen_ai.operation.name"];
  if (typeof op === "string" && !OPERATION_VALUES.has(op)) out.push(`${where}: operation ${op} is not a registry value`);
  const reasons = attrs["gen_ai.response.finish_reasons"];
  if (Array.isArray(reasons)) {
    for (const r of reasons)
      if (!FINISH_REASONS.has(String(r))) out.push(`${where}: finish reason ${String(r)} is not a registry value`);
  }
  if (!type || !typeId) return out;
  if (typeId.startsWith("mcp.")) out.push(...mcpViolations(span, where));

  const kind = KIND_NAMES[span.kind];
  if (kind !== type.kind) out.push(`${where}: kind ${kind}, ${typeId} wants ${type.kind}`);
  const names = expectedName(type, attrs);
  if (!names.includes(span.name)) out.push(`${where}: name should be ${names.map((n) => `"${n}"`).join(" or ")}`);

  const provider = attrs["gen_ai.provider.name"];
  const refinement = Object.entries(registry.span_refinements).find(
    ([id, r]) => r.refines === typeId && typeof provider === "string" && id.startsWith(`${provider}.`),
  )?.[1];
  for (const [key, spec] of Object.entries(type.attributes)) {
    if (spec.requirement.level === "required" && attrs[key] === undefined) out.push(`${where}: missing required ${key}`);
  }
  for (const key of Object.keys(attrs)) {
    const isRegistryKey = key.startsWith("gen_ai.") || Object.hasOwn(registry.attributes, key);
    if (!isRegistryKey || key.startsWith("gen_ai.prompt.variable.")) continue;
    if (!Object.hasOwn(type.attributes, key) && !(refinement && Object.hasOwn(refinement.attributes, key))) {
      out.push(`${where}: ${key} is not an attribute of ${typeId}`);
    }
  }
  if (attrs["server.port"] !== undefined && attrs["server.address"] === undefined)
    out.push(`${where}: server.port without server.address`);
  if (span.status.code === 2 && attrs["error.type"] === undefined) out.push(`${where}: ERROR status without error.type`);

  const agentName = type.attributes[AGENT_NAME];
  if (agentName?.sampling_relevant && span.startAttributes && attrs[AGENT_NAME] !== undefined) {
    if (span.startAttributes[AGENT_NAME] === undefined)
      out.push(`${where}: ${AGENT_NAME} is sampling-relevant on ${typeId}: give it when the span starts`);
  }
  const workflowName = attrs[WORKFLOW_NAME];
  if (typeof workflowName === "string" && FRAMEWORK_TYPE_NAMES.has(workflowName)) {
    out.push(`${where}: ${WORKFLOW_NAME} "${workflowName}" is a framework's type name, not the workflow's name`);
  }
  return out;
}

// MCP rules the attribute lists cannot say (model/mcp/spans.yaml and its notes, PR #404).
const JSONRPC_CLIENT_CAUSED = new Set(["-32700", "-32600", "-32601", "-32602"]);

function mcpViolations(span: CheckedSpan, where: string): string[] {
  const out: string[] = [];
  const attrs = span.attributes;
  const method = attrs["mcp.method.name"];
  const op = attrs["gen_ai.operation.name"];
  if (method === "tools/call") {
    if (op !== "execute_tool") out.push(`${where}: a tools/call span should have gen_ai.operation.name execute_tool`);
    if (attrs["gen_ai.tool.name"] === undefined) out.push(`${where}: a tools/call span needs gen_ai.tool.name`);
  } else if (op !== undefined) {
    out.push(`${where}: gen_ai.operation.name is only for tool calls, not ${String(method)}`);
  }
  if (typeof method === "string" && !method.startsWith("notifications/") && attrs["jsonrpc.request.id"] === undefined) {
    out.push(`${where}: a request span needs jsonrpc.request.id`);
  }
  if (method === "prompts/get" && attrs["gen_ai.prompt.name"] === undefined)
    out.push(`${where}: prompts/get needs gen_ai.prompt.name`);
  if (method === "resources/read" && attrs["mcp.resource.uri"] === undefined)
    out.push(`${where}: resources/read needs mcp.resource.uri`);
  const code = attrs["rpc.response.status_code"];
  const isError = span.status.code === 2;
  if (isError !== (attrs["error.type"] !== undefined)) out.push(`${where}: ERROR status and error.type must come together`);
  if (span.kind === 1 && typeof code === "string" && JSONRPC_CLIENT_CAUSED.has(code) && isError) {
    out.push(`${where}: client-caused JSON-RPC code ${code} is no server error`);
  }
  if (span.kind === 2 && typeof code === "string" && !isError)
    out.push(`${where}: JSON-RPC error ${code} on the client is an error`);
  if (typeof code === "string" && isError && attrs["error.type"] !== code && attrs["error.type"] !== "tool_error") {
    out.push(`${where}: error.type should be the JSON-RPC code ${code}`);
  }
  return out;
}

// What the conformance suite expects beyond the required attributes: the recommended ones, except
// those that depend on what the user asked for (DESIGN.md, "Conformance").
const USER_DEPENDENT = new Set([
  "gen_ai.request.temperature",
  "gen_ai.request.max_tokens",
  "gen_ai.request.top_p",
  "gen_ai.request.stop_sequences",
  "gen_ai.request.presence_penalty",
  "gen_ai.request.frequency_penalty",
  "gen_ai.request.reasoning.level",
  "gen_ai.request.previous_response.id",
  "gen_ai.usage.cache_read.input_tokens",
  "gen_ai.usage.cache_write.input_tokens",
  "gen_ai.usage.reasoning.output_tokens",
  "gen_ai.tool.description",
  "gen_ai.response.time_to_first_chunk",
  "gen_ai.conversation.compacted",
  "gen_ai.request.model",
  "gen_ai.request.encoding_formats",
  "gen_ai.embeddings.dimension.count",
  "gen_ai.agent.description",
  "server.address",
  "server.port",
]);

/** Recommended attributes the conformance suite expects and the span lacks (per-modality usage excepted). */
export function missingExpected(span: Pick<CheckedSpan, "kind" | "attributes">): string[] {
  const typeId = spanTypeOf(span);
  const type = typeId ? registry.spans[typeId] : undefined;
  if (!type) return [];
  return Object.entries(type.attributes)
    .filter(([key, spec]) => spec.requirement.level === "recommended" && !USER_DEPENDENT.has(key))
    .filter(([key]) => !/^gen_ai\.usage\.(text|image|audio)\./.test(key))
    .filter(([key]) => span.attributes[key] === undefined)
    .map(([key]) => key);
}

/** Throws with every violation of every span. */
export function assertConformance(spans: readonly CheckedSpan[]): void {
  const all = spans.flatMap(spanViolations);
  if (all.length > 0) throw new Error(`GenAI conformance violations:\n  ${all.join("\n  ")}`);
}
