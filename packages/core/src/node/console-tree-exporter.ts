import type { Attributes, HrTime, SpanContext, SpanKind, SpanStatus } from "@opentelemetry/api";
import { ATTR } from "../semconv/names.js";

/** The part of an SDK `ReadableSpan` the printer reads (same in SDK 2 and SDK 3). */
export interface PrintableSpan {
  name: string;
  kind: SpanKind;
  spanContext(): SpanContext;
  parentSpanContext?: SpanContext;
  parentSpanId?: string;
  startTime: HrTime;
  duration: HrTime;
  attributes: Attributes;
  status: SpanStatus;
  resource?: { attributes: Attributes };
}

/** `ExportResultCode.SUCCESS` of `@opentelemetry/core`, without depending on it. */
const SUCCESS = 0;

export interface ConsoleTreeExporterOptions {
  /** Where lines go. Default: `process.stdout`. */
  write?: (text: string) => void;
  /**
   * Hold spans whose parent is in another service until the trace's own root ends, so that one
   * exporter shared by several services in a process (a demo, a test) prints one tree per trace.
   * Default false: each service prints its part when its local root ends.
   */
  waitForRoot?: boolean;
}

/**
 * A SpanExporter that prints each finished trace as an indented tree, with durations, models,
 * token counts and errors: the quick-start view. It holds a trace's spans until its local root
 * ends, so use it with a SimpleSpanProcessor or BatchSpanProcessor; `forceFlush` prints the rest.
 */
export class ConsoleTreeExporter {
  private readonly pending = new Map<string, PrintableSpan[]>();
  private readonly write: (text: string) => void;
  private readonly waitForRoot: boolean;

  constructor(options: ConsoleTreeExporterOptions = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.waitForRoot = options.waitForRoot === true;
  }

  export(spans: PrintableSpan[], resultCallback: (result: { code: number }) => void): void {
    try {
      for (const span of spans) {
        const traceId = span.spanContext().traceId;
        let list = this.pending.get(traceId);
        if (!list) this.pending.set(traceId, (list = []));
        list.push(span);
        if (this.waitForRoot ? parentId(span) === undefined : isLocalRoot(span)) this.print(traceId);
      }
    } catch {
      // Printing is best effort; never fail the pipeline.
    }
    resultCallback({ code: SUCCESS });
  }

  forceFlush(): Promise<void> {
    for (const traceId of Array.from(this.pending.keys())) this.print(traceId);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private print(traceId: string): void {
    const spans = this.pending.get(traceId);
    this.pending.delete(traceId);
    if (!spans || spans.length === 0) return;
    this.write(renderTraceTree(traceId, spans));
  }
}

function parentId(span: PrintableSpan): string | undefined {
  return span.parentSpanContext?.spanId ?? span.parentSpanId;
}

function isLocalRoot(span: PrintableSpan): boolean {
  return parentId(span) === undefined || span.parentSpanContext?.isRemote === true;
}

const hrToMs = (t: HrTime): number => t[0] * 1e3 + t[1] / 1e6;

/** Renders spans of one trace as an indented tree (children by start time). */
export function renderTraceTree(traceId: string, spans: readonly PrintableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, PrintableSpan[]>();
  for (const span of spans) {
    const p = parentId(span);
    const key = p !== undefined && ids.has(p) ? p : undefined;
    let list = children.get(key);
    if (!list) children.set(key, (list = []));
    list.push(span);
  }
  for (const list of children.values()) list.sort((a, b) => hrToMs(a.startTime) - hrToMs(b.startTime));

  const roots = children.get(undefined) ?? [];
  const service = roots[0]?.resource?.attributes["service.name"];
  const remoteParent = roots[0]?.parentSpanContext?.isRemote ? ` (continues ${roots[0].parentSpanContext.spanId})` : "";
  const lines = [`trace ${traceId}${service ? `  service ${String(service)}` : ""}${remoteParent}`];
  const walk = (span: PrintableSpan, prefix: string, last: boolean, parentService: unknown): void => {
    // Mark where the trace crosses into another service.
    const spanService = serviceOf(span);
    const crossing = spanService !== undefined && spanService !== parentService ? `  [${String(spanService)}]` : "";
    lines.push(`${prefix}${last ? "└─ " : "├─ "}${describe(span)}${crossing}`);
    const kids = children.get(span.spanContext().spanId) ?? [];
    kids.forEach((kid, i) => {
      walk(kid, prefix + (last ? "   " : "│  "), i === kids.length - 1, spanService);
    });
  };
  roots.forEach((root, i) => {
    walk(root, "", i === roots.length - 1, service);
  });
  return `${lines.join("\n")}\n`;
}

const serviceOf = (span: PrintableSpan): unknown => span.resource?.attributes["service.name"];

function describe(span: PrintableSpan): string {
  const a = span.attributes;
  const parts = [span.name, `${hrToMs(span.duration).toFixed(1)} ms`];
  const provider = a[ATTR.providerName];
  const responseModel = a[ATTR.responseModel];
  if (provider) parts.push(String(provider));
  if (responseModel && responseModel !== a[ATTR.requestModel]) parts.push(`model ${String(responseModel)}`);
  const input = a[ATTR.usageInputTokens];
  const output = a[ATTR.usageOutputTokens];
  if (input !== undefined || output !== undefined) parts.push(`tokens ${input ?? "?"} in / ${output ?? "?"} out`);
  const cacheRead = a[ATTR.usageCacheReadInputTokens];
  if (cacheRead) parts.push(`cache read ${String(cacheRead)}`);
  const reasons = a[ATTR.responseFinishReasons];
  if (Array.isArray(reasons) && reasons.length > 0) parts.push(`finish ${reasons.join(",")}`);
  const ttfc = a[ATTR.responseTimeToFirstChunk];
  if (typeof ttfc === "number") parts.push(`first chunk ${(ttfc * 1e3).toFixed(1)} ms`);
  const conversation = a[ATTR.conversationId];
  if (conversation) parts.push(`conversation ${String(conversation)}`);
  if (span.status.code === 2) parts.push(`ERROR ${String(a[ATTR.errorType] ?? span.status.message ?? "")}`);
  return parts.join("  ");
}
