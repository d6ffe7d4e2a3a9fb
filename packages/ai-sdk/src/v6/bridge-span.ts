import {
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
} from "@opentelemetry/api";
import type { OperationFacts, OperationHandle } from "@otel-agents/core/adapter";
import type { V6SpanKind } from "./span-kinds.js";

/**
 * The span `ai` 6 holds while it thinks it is tracing: it collects what `ai` writes (attributes,
 * the first-chunk event, an exception, the status) and, on `end()`, hands them to `finish`, which
 * turns them into facts of our operation. Its span context is our operation's, so anything `ai`
 * or the application propagates from it points at our span.
 */
export class BridgeSpan implements Span {
  readonly attributes: Attributes = {};
  exception: { name?: string; message?: string; stack?: string } | undefined;
  failed = false;
  private ended = false;

  constructor(
    readonly kind: V6SpanKind,
    readonly name: string,
    readonly handle: OperationHandle,
    readonly parent: BridgeSpan | undefined,
    private readonly finish: (span: BridgeSpan) => void,
    attributes: Attributes | undefined,
  ) {
    if (attributes) this.setAttributes(attributes);
  }

  spanContext(): SpanContext {
    return this.handle.span.spanContext();
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (value !== undefined) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const [k, v] of Object.entries(attributes ?? {})) if (v !== undefined) this.attributes[k] = v;
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (name === "ai.stream.firstChunk") {
      const at = time ?? (isTime(attributesOrTime) ? attributesOrTime : undefined);
      this.handle.recordFirstChunk(at);
    }
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (status.code === SpanStatusCode.ERROR) this.failed = true;
    return this;
  }

  updateName(_name: string): this {
    return this;
  }

  end(_endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.finish(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, _time?: TimeInput): void {
    if (typeof exception === "string") this.exception = { name: "Error", message: exception };
    else this.exception = { name: exception.name, message: exception.message, stack: exception.stack };
    this.failed = true;
  }

  /** Ends our operation with the facts, as failed when `ai` recorded an error. */
  close(facts: OperationFacts): void {
    if (this.failed) this.handle.fail(this.exception ?? { name: "Error" }, facts);
    else this.handle.end(facts);
  }
}

const isTime = (v: unknown): v is TimeInput => typeof v === "number" || v instanceof Date || Array.isArray(v);
