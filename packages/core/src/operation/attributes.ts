import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { parseJsonIfPossible } from "../content/messages.js";
import type { ContentPolicy } from "../content/policy.js";
import { type ContentKind, recordContent } from "../content/recorder.js";
import { finishReason } from "../semconv/finish-reasons.js";
import { ATTR, OTEL_AGENTS_ATTR, PROVIDER_REFINEMENT_ATTRIBUTES } from "../semconv/names.js";
import { providerName } from "../semconv/provider-names.js";
import type { Lazy, OperationContent, OperationFacts, RequestParams, TokensByModality, Usage } from "./types.js";
import { bool, count, double, int, primitive, str, strArray } from "./values.js";

/**
 * Collects attributes for one span, keeping only the keys its span type allows (the registry's
 * attribute list for that type) plus our own `otel_agents.*` keys.
 */
export class AttributeSink {
  readonly out: Attributes = {};
  truncated: string[] | undefined;

  constructor(
    private readonly allowed: ReadonlySet<string> | undefined,
    /** The normalised provider, for its refinement attributes; may be set once known. */
    public provider: string | undefined,
  ) {}

  put(key: string, value: AttributeValue | undefined): void {
    if (value === undefined) return;
    if (this.allowed && !this.allowed.has(key)) {
      const refinement = this.provider ? PROVIDER_REFINEMENT_ATTRIBUTES[this.provider] : undefined;
      if (!refinement?.has(key)) return;
    }
    this.out[key] = value;
  }

  /** Our own keys and user extras: no GenAI registry name may come in this way. */
  putExtra(key: string, value: AttributeValue | undefined): void {
    if (value === undefined || key.startsWith("gen_ai.")) return;
    this.out[key] = value;
  }

  accepts(key: string): boolean {
    return !this.allowed || this.allowed.has(key);
  }
}

export function normalizeProvider(raw: unknown): string | undefined {
  const s = str(raw);
  return s === undefined ? undefined : providerName(s);
}

export function normalizeFinishReasons(raw: readonly unknown[] | undefined): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: string[] = [];
  for (const r of raw) {
    const s = str(r);
    if (s !== undefined) out.push(finishReason(s));
  }
  return out.length > 0 ? out : undefined;
}

function writeRequest(sink: AttributeSink, r: RequestParams): void {
  sink.put(ATTR.requestMaxTokens, count(r.maxTokens));
  sink.put(ATTR.requestTemperature, double(r.temperature));
  sink.put(ATTR.requestTopP, double(r.topP));
  sink.put(ATTR.requestTopK, count(r.topK));
  sink.put(ATTR.requestStopSequences, strArray(r.stopSequences));
  sink.put(ATTR.requestFrequencyPenalty, double(r.frequencyPenalty));
  sink.put(ATTR.requestPresencePenalty, double(r.presencePenalty));
  sink.put(ATTR.requestSeed, int(r.seed));
  const choices = count(r.choiceCount);
  if (choices !== undefined && choices !== 1) sink.put(ATTR.requestChoiceCount, choices);
  if (r.stream === true) sink.put(ATTR.requestStream, true);
  sink.put(ATTR.outputType, str(r.outputType));
  sink.put(ATTR.requestReasoningLevel, str(r.reasoningLevel));
  sink.put(ATTR.requestPreviousResponseId, str(r.previousResponseId));
  sink.put(ATTR.requestEncodingFormats, strArray(r.encodingFormats));
  sink.put(ATTR.retrievalTopK, count(r.topKDocuments));
}

function writeModality(sink: AttributeSink, m: TokensByModality | undefined, keys: readonly [string, string, string]): void {
  if (!m) return;
  sink.put(keys[0], count(m.text));
  sink.put(keys[1], count(m.image));
  sink.put(keys[2], count(m.audio));
}

export function writeUsage(sink: AttributeSink, u: Usage): void {
  sink.put(ATTR.usageInputTokens, count(u.inputTokens));
  sink.put(ATTR.usageOutputTokens, count(u.outputTokens));
  sink.put(ATTR.usageCacheReadInputTokens, count(u.cacheReadInputTokens));
  sink.put(ATTR.usageCacheWriteInputTokens, count(u.cacheWriteInputTokens));
  sink.put(ATTR.usageReasoningOutputTokens, count(u.reasoningOutputTokens));
  writeModality(sink, u.inputByModality, [ATTR.usageTextInputTokens, ATTR.usageImageInputTokens, ATTR.usageAudioInputTokens]);
  writeModality(sink, u.outputByModality, [ATTR.usageTextOutputTokens, ATTR.usageImageOutputTokens, ATTR.usageAudioOutputTokens]);
  writeModality(sink, u.cacheReadByModality, [
    ATTR.usageTextCacheReadInputTokens,
    ATTR.usageImageCacheReadInputTokens,
    ATTR.usageAudioCacheReadInputTokens,
  ]);
}

// Framework extras stay well under the SDK's default attribute count limit (128), so they can
// never push out the GenAI attributes.
const MAX_EXTRA_ATTRIBUTES = 32;

/** Writes every non-content fact. `provider` must already be normalised. */
export function writeFacts(sink: AttributeSink, f: OperationFacts, provider: string | undefined): void {
  sink.put(ATTR.providerName, provider);
  sink.put(ATTR.requestModel, str(f.requestModel));
  if (f.request) writeRequest(sink, f.request);
  sink.put(ATTR.responseModel, str(f.responseModel));
  sink.put(ATTR.responseId, str(f.responseId));
  sink.put(ATTR.responseFinishReasons, normalizeFinishReasons(f.finishReasons));
  if (f.usage) writeUsage(sink, f.usage);
  if (f.agent) {
    sink.put(ATTR.agentName, str(f.agent.name));
    sink.put(ATTR.agentId, str(f.agent.id));
    sink.put(ATTR.agentDescription, str(f.agent.description));
    sink.put(ATTR.agentVersion, str(f.agent.version));
  }
  if (f.tool) {
    sink.put(ATTR.toolName, str(f.tool.name));
    sink.put(ATTR.toolCallId, str(f.tool.callId));
    sink.put(ATTR.toolType, str(f.tool.type));
    sink.put(ATTR.toolDescription, str(f.tool.description));
  }
  sink.put(ATTR.workflowName, str(f.workflowName));
  sink.put(ATTR.conversationId, str(f.conversationId));
  sink.put(ATTR.dataSourceId, str(f.dataSourceId));
  if (f.server) {
    const address = str(f.server.address);
    sink.put(ATTR.serverAddress, address);
    const port = count(f.server.port);
    if (address !== undefined && port !== undefined && port > 0 && port < 65536) sink.put(ATTR.serverPort, port);
  }
  sink.put(ATTR.embeddingsDimensionCount, count(f.embeddingsDimensionCount));
  if (f.openai) {
    sink.put(ATTR.openaiApiType, str(f.openai.apiType));
    sink.put(ATTR.openaiRequestServiceTier, str(f.openai.requestServiceTier));
    sink.put(ATTR.openaiResponseServiceTier, str(f.openai.responseServiceTier));
    sink.put(ATTR.openaiResponseSystemFingerprint, str(f.openai.systemFingerprint));
  }
  if (f.handoff) {
    sink.putExtra(OTEL_AGENTS_ATTR.handoffFromAgent, str(f.handoff.fromAgent));
    sink.putExtra(OTEL_AGENTS_ATTR.handoffToAgent, str(f.handoff.toAgent));
  }
  if (f.guardrail) {
    sink.putExtra(OTEL_AGENTS_ATTR.guardrailName, str(f.guardrail.name));
    sink.putExtra(OTEL_AGENTS_ATTR.guardrailTriggered, bool(f.guardrail.triggered));
  }
  if (f.framework) {
    sink.putExtra(OTEL_AGENTS_ATTR.frameworkName, str(f.framework.name));
    sink.putExtra(OTEL_AGENTS_ATTR.frameworkRunId, str(f.framework.runId));
    sink.putExtra(OTEL_AGENTS_ATTR.frameworkParentRunId, str(f.framework.parentRunId));
    sink.putExtra(OTEL_AGENTS_ATTR.frameworkTraceId, str(f.framework.traceId));
  }
  const extra = f.attributes;
  if (extra && typeof extra === "object" && !Array.isArray(extra)) {
    let n = 0;
    for (const key of Object.keys(extra)) {
      if (n++ >= MAX_EXTRA_ATTRIBUTES) break;
      sink.putExtra(key, primitive(extra[key]));
    }
  }
}

type ContentField = keyof OperationContent;

const CONTENT_FIELDS: ReadonlyArray<readonly [ContentField, string, ContentKind, boolean]> = [
  ["systemInstructions", ATTR.systemInstructions, "parts", false],
  ["inputMessages", ATTR.inputMessages, "messages", false],
  ["outputMessages", ATTR.outputMessages, "messages", false],
  ["toolDefinitions", ATTR.toolDefinitions, "typed", false],
  ["toolArguments", ATTR.toolCallArguments, "object", true],
  ["toolResult", ATTR.toolCallResult, "object", true],
  ["retrievalQuery", ATTR.retrievalQueryText, "string", false],
  ["retrievalDocuments", ATTR.retrievalDocuments, "objects", false],
];

// The schemas of tool call arguments and results are JSON objects: a tool that takes or returns a
// bare string, number or list is recorded as `{"input": ...}` / `{"output": ...}`.
function objectLike(value: unknown, field: ContentField): unknown {
  if (value === undefined || value === null || (typeof value === "object" && !Array.isArray(value))) return value;
  return field === "toolArguments" ? { input: value } : { output: value };
}

/** Writes content attributes. Callers check `policy.capture` first, so nothing here runs when off. */
export function writeContent(sink: AttributeSink, content: OperationContent, policy: ContentPolicy, operation: string): void {
  for (const [field, key, kind, parseJson] of CONTENT_FIELDS) {
    const lazy = content[field] as Lazy<unknown> | undefined;
    if (lazy === undefined || !sink.accepts(key)) continue;
    const source: Lazy<unknown> = parseJson
      ? () => objectLike(parseJsonIfPossible(typeof lazy === "function" ? (lazy as () => unknown)() : lazy), field)
      : lazy;
    const recorded = recordContent(policy, key, operation, source, kind);
    if (!recorded) continue;
    sink.put(key, recorded.value);
    if (recorded.truncated) (sink.truncated ??= []).push(key);
  }
  if (sink.truncated) sink.putExtra(OTEL_AGENTS_ATTR.contentTruncated, sink.truncated);
}
