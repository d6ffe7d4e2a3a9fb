import type { Attributes, AttributeValue, Span } from "@opentelemetry/api";
import { parseJsonIfPossible } from "../content/messages.js";
import type { ContentPolicy } from "../content/policy.js";
import { type ContentKind, recordContent } from "../content/recorder.js";
import { finishReason } from "../semconv/finish-reasons.js";
import { ATTR, FINISH_REASON, OTEL_AGENTS_ATTR, PROVIDER_REFINEMENT_ATTRIBUTES } from "../semconv/names.js";
import { providerName } from "../semconv/provider-names.js";
import type { Lazy, OperationContent, OperationFacts, RequestParams, TokensByModality, Usage } from "./types.js";
import { bool, count, double, hasOwn, int, primitive, str, strArray } from "./values.js";

const NO_ATTRIBUTES: Attributes = Object.freeze({});

/**
 * Collects attributes for one span, keeping only the keys its span type allows (the registry's
 * attribute list for that type) plus our own `otel_agents.*` keys: into `out`, or, given a span,
 * straight onto it (one `setAttribute` per key, in the order `out` would have held them).
 */
export class AttributeSink {
  /** The attributes collected; empty (and never written) when writing straight onto a span. */
  readonly out: Attributes;
  truncated: string[] | undefined;

  constructor(
    private readonly allowed: ReadonlySet<string> | undefined,
    /** The normalised provider, for its refinement attributes; may be set once known. */
    public provider: string | undefined,
    private readonly span?: Span,
  ) {
    this.out = span ? NO_ATTRIBUTES : {};
  }

  put(key: string, value: AttributeValue | undefined): void {
    if (value === undefined) return;
    if (this.allowed && !this.allowed.has(key)) {
      const refinement =
        this.provider && hasOwn.call(PROVIDER_REFINEMENT_ATTRIBUTES, this.provider)
          ? PROVIDER_REFINEMENT_ATTRIBUTES[this.provider]
          : undefined;
      if (!refinement?.has(key)) return;
    }
    if (this.span) this.span.setAttribute(key, value);
    else this.out[key] = value;
  }

  /** User extras: no GenAI registry name may come in this way. */
  putExtra(key: string, value: AttributeValue | undefined): void {
    // The first character first: startsWith is a call into the runtime on every attribute.
    if (key.charCodeAt(0) === 103 && key.startsWith("gen_ai.")) return;
    this.putOwn(key, value);
  }

  /** Our own keys (`otel_agents.*`, and `error.type` on a framework step), spelled in this package. */
  putOwn(key: string, value: AttributeValue | undefined): void {
    if (value === undefined) return;
    if (this.span) this.span.setAttribute(key, value);
    else this.out[key] = value;
  }

  accepts(key: string): boolean {
    return !this.allowed || this.allowed.has(key);
  }
}

export function normalizeProvider(raw: unknown): string | undefined {
  const s = str(raw);
  return s === undefined ? undefined : providerName(s);
}

/**
 * One registry value per generation, in the provider's order (#363): a position whose reason never
 * arrived (a hole in the list) is `error`, never dropped, so the list stays aligned with the
 * generations.
 */
export function normalizeFinishReasons(raw: readonly unknown[] | undefined): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: string[] = [];
  for (const r of raw) {
    const s = str(r);
    out.push(s !== undefined ? finishReason(s) : FINISH_REASON.error);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The finish reasons of a model call that failed: the ones that arrived, and `error` for each
 * generation whose reason never did because the call failed, was cancelled or its stream was cut
 * short. `generations` is how many were asked for (1 unless the request said otherwise).
 */
export function failedFinishReasons(raw: readonly unknown[] | undefined, generations: number | undefined): string[] {
  const reasons = normalizeFinishReasons(raw);
  const expected = Math.max(generations ?? 1, 1, reasons?.length ?? 0);
  const out = reasons ?? [];
  while (out.length < expected) out.push(FINISH_REASON.error);
  return out;
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

// Module constants: as literals at the call, each model call's end would allocate all three.
const INPUT_BY_MODALITY = [ATTR.usageTextInputTokens, ATTR.usageImageInputTokens, ATTR.usageAudioInputTokens] as const;
const OUTPUT_BY_MODALITY = [ATTR.usageTextOutputTokens, ATTR.usageImageOutputTokens, ATTR.usageAudioOutputTokens] as const;
const CACHE_READ_BY_MODALITY = [
  ATTR.usageTextCacheReadInputTokens,
  ATTR.usageImageCacheReadInputTokens,
  ATTR.usageAudioCacheReadInputTokens,
] as const;

export function writeUsage(sink: AttributeSink, u: Usage): void {
  sink.put(ATTR.usageInputTokens, count(u.inputTokens));
  sink.put(ATTR.usageOutputTokens, count(u.outputTokens));
  sink.put(ATTR.usageCacheReadInputTokens, count(u.cacheReadInputTokens));
  sink.put(ATTR.usageCacheWriteInputTokens, count(u.cacheWriteInputTokens));
  sink.put(ATTR.usageReasoningOutputTokens, count(u.reasoningOutputTokens));
  writeModality(sink, u.inputByModality, INPUT_BY_MODALITY);
  writeModality(sink, u.outputByModality, OUTPUT_BY_MODALITY);
  writeModality(sink, u.cacheReadByModality, CACHE_READ_BY_MODALITY);
}

// Framework extras stay well under the SDK's default attribute count limit (128), so they can
// never push out the GenAI attributes.
const MAX_EXTRA_ATTRIBUTES = 32;

/**
 * Writes every non-content fact. `provider` must already be normalised. Walks only the facts
 * present (a start or an end carries a handful of the ~60 possible ones): this runs twice per span.
 */
export function writeFacts(sink: AttributeSink, f: OperationFacts, provider: string | undefined): void {
  sink.put(ATTR.providerName, provider);
  // for-in with an own-key check: Object.keys' keys and order, without an array per call.
  for (const k in f) {
    if (!hasOwn.call(f, k)) continue;
    const key = k as keyof OperationFacts;
    const v = f[key];
    if (v === undefined || v === null) continue;
    switch (key) {
      case "requestModel":
        sink.put(ATTR.requestModel, str(v));
        break;
      case "request":
        writeRequest(sink, v as RequestParams);
        break;
      case "responseModel":
        sink.put(ATTR.responseModel, str(v));
        break;
      case "responseId":
        sink.put(ATTR.responseId, str(v));
        break;
      case "finishReasons":
        sink.put(ATTR.responseFinishReasons, normalizeFinishReasons(v as readonly unknown[]));
        break;
      case "usage":
        writeUsage(sink, v as Usage);
        break;
      case "agent":
        writeAgent(sink, v as NonNullable<OperationFacts["agent"]>);
        break;
      case "tool":
        writeTool(sink, v as NonNullable<OperationFacts["tool"]>);
        break;
      case "workflowName":
        sink.put(ATTR.workflowName, str(v));
        break;
      case "conversationId":
        sink.put(ATTR.conversationId, str(v));
        break;
      case "dataSourceId":
        sink.put(ATTR.dataSourceId, str(v));
        break;
      case "server":
        writeServer(sink, v as NonNullable<OperationFacts["server"]>);
        break;
      case "embeddingsDimensionCount":
        sink.put(ATTR.embeddingsDimensionCount, count(v));
        break;
      case "openai":
        writeOpenAI(sink, v as NonNullable<OperationFacts["openai"]>);
        break;
      case "handoff":
        writeHandoff(sink, v as NonNullable<OperationFacts["handoff"]>);
        break;
      case "guardrail":
        writeGuardrail(sink, v as NonNullable<OperationFacts["guardrail"]>);
        break;
      case "framework":
        writeFramework(sink, v as NonNullable<OperationFacts["framework"]>);
        break;
      case "attributes":
        writeExtras(sink, v);
        break;
    }
  }
}

function writeAgent(sink: AttributeSink, a: NonNullable<OperationFacts["agent"]>): void {
  sink.put(ATTR.agentName, str(a.name));
  sink.put(ATTR.agentId, str(a.id));
  sink.put(ATTR.agentDescription, str(a.description));
  sink.put(ATTR.agentVersion, str(a.version));
}

function writeTool(sink: AttributeSink, t: NonNullable<OperationFacts["tool"]>): void {
  sink.put(ATTR.toolName, str(t.name));
  sink.put(ATTR.toolCallId, str(t.callId));
  sink.put(ATTR.toolType, str(t.type));
  sink.put(ATTR.toolDescription, str(t.description));
}

function writeServer(sink: AttributeSink, s: NonNullable<OperationFacts["server"]>): void {
  const address = str(s.address);
  sink.put(ATTR.serverAddress, address);
  const port = count(s.port);
  if (address !== undefined && port !== undefined && port > 0 && port < 65536) sink.put(ATTR.serverPort, port);
}

function writeOpenAI(sink: AttributeSink, o: NonNullable<OperationFacts["openai"]>): void {
  sink.put(ATTR.openaiApiType, str(o.apiType));
  // The registry asks for the requested tier unless it is the API's default, `auto`.
  const tier = str(o.requestServiceTier);
  if (tier !== "auto") sink.put(ATTR.openaiRequestServiceTier, tier);
  sink.put(ATTR.openaiResponseServiceTier, str(o.responseServiceTier));
  sink.put(ATTR.openaiResponseSystemFingerprint, str(o.systemFingerprint));
}

function writeHandoff(sink: AttributeSink, h: NonNullable<OperationFacts["handoff"]>): void {
  sink.putOwn(OTEL_AGENTS_ATTR.handoffFromAgent, str(h.fromAgent));
  sink.putOwn(OTEL_AGENTS_ATTR.handoffToAgent, str(h.toAgent));
}

function writeGuardrail(sink: AttributeSink, g: NonNullable<OperationFacts["guardrail"]>): void {
  sink.putOwn(OTEL_AGENTS_ATTR.guardrailName, str(g.name));
  sink.putOwn(OTEL_AGENTS_ATTR.guardrailTriggered, bool(g.triggered));
}

function writeFramework(sink: AttributeSink, fw: NonNullable<OperationFacts["framework"]>): void {
  sink.putOwn(OTEL_AGENTS_ATTR.frameworkName, str(fw.name));
  sink.putOwn(OTEL_AGENTS_ATTR.frameworkRunId, str(fw.runId));
  sink.putOwn(OTEL_AGENTS_ATTR.frameworkParentRunId, str(fw.parentRunId));
  sink.putOwn(OTEL_AGENTS_ATTR.frameworkTraceId, str(fw.traceId));
}

function writeExtras(sink: AttributeSink, extra: unknown): void {
  if (typeof extra !== "object" || Array.isArray(extra)) return;
  let n = 0;
  for (const key in extra as object) {
    if (!hasOwn.call(extra as object, key)) continue;
    if (n++ >= MAX_EXTRA_ATTRIBUTES) break;
    sink.putExtra(key, primitive((extra as Record<string, unknown>)[key]));
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
  if (sink.truncated) sink.putOwn(OTEL_AGENTS_ATTR.contentTruncated, sink.truncated);
}
