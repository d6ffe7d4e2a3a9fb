/** Attribute values as the viewer keeps them: OTLP AnyValue turned into plain JSON. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

/**
 * The OTLP type of a stored attribute value where its plain JSON does not tell it: `double` for a
 * doubleValue that is an integer (2.0 is stored as the number 2) or not a JSON number (stored as
 * "NaN", "Infinity" or "-Infinity"), `int` for an intValue beyond 2^53 (stored as its decimal
 * string), `bytes` for a bytesValue (stored as its base64). Inside an arrayValue, one entry per
 * element (null: told by its JSON); inside a kvlistValue, an AttrTypes.
 */
export type AttrTypeNote = "double" | "int" | "bytes" | (AttrTypeNote | null)[] | AttrTypes;
/** AttrTypeNote per key, for the keys whose value needs one. */
export type AttrTypes = { [key: string]: AttrTypeNote };

/** OTLP span kinds (the protobuf enum numbering: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
export type OtlpSpanKind = 0 | 1 | 2 | 3 | 4 | 5;

/** One span as stored and served: everything OTLP carries, ids in hex, times as OTLP nanosecond strings. */
export interface ViewerSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /**
   * A parentSpanId the exporter sent that is no span id (not 8 bytes, or not hex): the span is
   * stored as a root and flagged by the integrity lens. As sent (bytes in hex), cut at 100 characters.
   */
  invalidParentSpanId?: string;
  traceState?: string;
  /** The exporter said the parent is remote (OTLP span flags): it ran in another process. */
  remoteParent?: boolean;
  name: string;
  kind: OtlpSpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attrs;
  events: { timeUnixNano: string; name: string; attributes: Attrs }[];
  links: { traceId: string; spanId: string; attributes: Attrs }[];
  status: { code: 0 | 1 | 2; message?: string };
  resource: Attrs;
  scope: { name: string; version?: string };
  /**
   * The OTLP types of values whose JSON does not tell them (see AttrTypeNote), so the span exports
   * as it arrived; events and links by index. Absent when every value's type follows from its JSON.
   */
  valueTypes?: {
    attributes?: AttrTypes;
    resource?: AttrTypes;
    events?: { [index: number]: AttrTypes };
    links?: { [index: number]: AttrTypes };
  };
}

/** A span as the trace API serves it: the stored span plus what the viewer derived. */
export interface ServedSpan extends ViewerSpan {
  /**
   * Unique within the trace: the span id, or `<span id>~2`, `~3`... for a second span that arrived
   * with an id already taken by a different span (both are kept and flagged, neither replaces the other).
   */
  key: string;
  service: string;
  /** Microseconds since the epoch (exact enough to draw, and a safe integer). */
  startUs: number;
  endUs: number;
  /** Conformance problems of this span against the GenAI registry (empty when it conforms). */
  violations: string[];
  /** Recommended attributes the OpenTelemetry conformance suite expects and the span lacks. */
  missingExpected: string[];
  /** Whether the trace itself holds together: duplicate id, parent cycle, orphan, clock skew... (empty when sound). */
  integrity: string[];
  /** The telemetry convention the span's GenAI attributes follow, if any. */
  convention?: Convention;
  /** The id of this span's parent that never ended: the trace stopped growing without it. */
  openParent?: string;
  /** What this model call cost, from the price table (absent: not a model call with token usage). */
  cost?: SpanCost;
  /** The call's tokens are counted twice up the tree (see integrity): its cost is not added to the trace's. */
  costNotCounted?: true;
}

/**
 * The cost of one model call, or the sum over a trace. `usd` is what the priced tokens cost; tokens
 * of a model (or a kind) the price table has no price for are `unpricedTokens`, never $0.
 */
export interface SpanCost {
  /** USD for the tokens that have a price (absent: none has). */
  usd?: number;
  /** Tokens with no known price (absent: none). */
  unpricedTokens?: number;
  /** The price table entry used, `provider/model` (absent: the model is not in the table). */
  pricedAs?: string;
}

/**
 * Conventions a span's GenAI attributes can follow: the current OpenTelemetry GenAI semantic
 * conventions, OpenInference (`openinference.span.kind`, `llm.*`), or the older OpenLLMetry keys
 * (`gen_ai.prompt.N.*`, `llm.request.type`, `traceloop.*`).
 */
export type Convention = "genai" | "openinference" | "openllmetry";

/** One row of the trace list. */
export interface TraceSummary {
  traceId: string;
  service: string;
  services: string[];
  rootName: string;
  startUs: number;
  durationUs: number;
  spanCount: number;
  modelCalls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
  /** USD of the trace's model calls that have a price (each call once). Absent when none has, and in rows stored by 0.x. */
  costUsd?: number;
  /** Tokens of model calls with no known price (absent: none). */
  unpricedTokens?: number;
  errors: number;
  conformanceProblems: number;
  /**
   * Spans whose trace structure is unsound (see ServedSpan.integrity); spans under a parent that has
   * not arrived count only once the trace has stopped growing. Absent in rows stored by 0.x.
   */
  integrityProblems?: number;
  /** The conventions the trace's spans follow (empty: no GenAI telemetry at all). Absent in rows stored by 0.x. */
  conventions?: Convention[];
  /** When the viewer first received a span of this trace (µs since the epoch). */
  receivedUs?: number;
  /** When the viewer last received a span of this trace (µs since the epoch). Stored, not served. */
  lastReceivedUs?: number;
  /** Parents that spans of this trace name and that have not arrived (an open or lost span each). Stored, not served. */
  openParents?: number;
  /**
   * Spans under those parents with no other integrity problem: added to `integrityProblems` once the
   * trace is quiet (while it grows, a missing parent may still be running). Stored, not served.
   */
  orphans?: number;
  /**
   * Set once the trace has stopped growing (no span for the quiet period) with `openParents` still
   * missing: spans never ended. Computed when served, never stored.
   */
  neverEnded?: number;
  agents: string[];
  models: string[];
  conversationIds: string[];
}

export interface TraceDetail {
  summary: TraceSummary;
  spans: ServedSpan[];
}

export interface ConversationDetail {
  conversationId: string;
  traces: TraceDetail[];
}

export interface TraceFilter {
  service?: string;
  agent?: string;
  model?: string;
  conversationId?: string;
  status?: "ok" | "error";
  text?: string;
  limit?: number;
  /** Rows to skip (paging). */
  offset?: number;
}

/** A page of the trace list and how many traces match in all. */
export interface TraceListPage {
  traces: TraceSummary[];
  total: number;
  offset: number;
}

/** The values the list filters can take, for the page's drop-downs. */
export interface FilterValues {
  services: string[];
  agents: string[];
  models: string[];
  conversationIds: string[];
}

/** Payload of the server-sent `traces` event. */
export interface TracesChangedEvent {
  traceIds: string[];
}

/** Tokens of one model, summed over the stored metric points. */
export interface TokenRow {
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  /** USD of these tokens at the price table's prices (absent: the model has no price). */
  costUsd?: number;
  /** Tokens of this model with no known price (absent: none). */
  unpricedTokens?: number;
}

/** Input and output tokens per time bucket (microseconds since the epoch), oldest first. */
export interface TokenSeries {
  bucketUs: number;
  buckets: { startUs: number; input: number; output: number }[];
}

/** One operation's duration histogram, summed over the stored points. */
export interface DurationRow {
  /** The metric, e.g. gen_ai.client.inference.duration. */
  metric: string;
  /** What was measured: `invoke_agent Weather`, `execute_tool get_weather`, `chat`... */
  label: string;
  /** gen_ai.response.model, else gen_ai.request.model; "" when the metric has none. */
  model: string;
  count: number;
  /** Operations that ended with an error.type. */
  errors: number;
  sumS: number;
  meanS: number;
  /** Estimated from the histogram buckets; null without buckets. */
  p95S: number | null;
}

/** What the charts draw: the GenAI metrics the viewer received. */
export interface MetricsOverview {
  /** Stored metric points (deltas). */
  points: number;
  firstUs: number | null;
  lastUs: number | null;
  tokensByModel: TokenRow[];
  tokensOverTime: TokenSeries;
  durations: DurationRow[];
  /** Where the prices of `tokensByModel` come from (name, version, date read; and the --prices file). */
  priceSource?: string;
}
