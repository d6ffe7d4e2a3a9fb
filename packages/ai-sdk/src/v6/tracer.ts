import {
  type Attributes,
  type Context,
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { GenAITelemetry, OperationContent, OperationHandle } from "@otel-agents/core/adapter";
import { warnNoSdkOnce } from "../no-sdk-warning.js";
import { openaiRequestFacts, openaiResponseFacts } from "../openai-facts.js";
import { BridgeSpan } from "./bridge-span.js";
import {
  callPromptOf,
  embeddingTokensOf,
  finishReasonsOf,
  functionIdOf,
  modelIdOf,
  promptOf,
  providerMetadataOf,
  providerOf,
  responseIdOf,
  responseModelOf,
  responseOf,
  settingsOf,
  toolArgumentsOf,
  toolCallIdOf,
  toolNameOf,
  toolResultOf,
  toolsOf,
  usageOf,
} from "./map-attributes.js";
import { isObjectGeneration, isStreaming, spanKindOf } from "./span-kinds.js";

type ActiveFn<F> = (span: Span) => F;

/**
 * A `Tracer` for `ai` 6's `experimental_telemetry.tracer`: each span `ai` 6 starts becomes the
 * matching GenAI operation (`invoke_agent`, `chat`, `execute_tool`, `embeddings`), started under
 * the active context and made active for the code `ai` runs inside it. So the provider request
 * runs under `chat` and a tool body under `execute_tool`, as with the `ai` 7 integration.
 */
export class AiSdkV6Tracer implements Tracer {
  /** Our spans by the OpenTelemetry span they carry, to find a parent's call-level facts. */
  private readonly bridges = new WeakMap<object, BridgeSpan>();

  constructor(private readonly telemetry: GenAITelemetry) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    try {
      const bridge = this.open(name, options?.attributes, ctx ?? context.active());
      if (bridge) return bridge;
    } catch (err) {
      diag.warn("otel-agents/ai-sdk/v6: could not start a span; this operation is not reported", err);
    }
    return trace.wrapSpanContext(trace.getSpanContext(ctx ?? context.active()) ?? INVALID_SPAN_CONTEXT);
  }

  startActiveSpan<F extends ActiveFn<unknown>>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends ActiveFn<unknown>>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends ActiveFn<unknown>>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends ActiveFn<unknown>>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (typeof a === "function" ? a : typeof b === "function" ? b : c) as F;
    const options = typeof a === "object" ? a : undefined;
    const parent = typeof b === "object" ? b : context.active();
    let span: Span;
    let active: Context = parent;
    try {
      span = this.startSpan(name, options, parent);
      active = span instanceof BridgeSpan ? span.handle.context : trace.setSpan(parent, span);
    } catch (err) {
      diag.debug("otel-agents/ai-sdk/v6: startActiveSpan fell back to a non-recording span", err);
      span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
    return context.with(active, fn as (s: Span) => ReturnType<F>, undefined, span);
  }

  private open(name: string, attributes: Attributes | undefined, parentCtx: Context): BridgeSpan | undefined {
    const kind = spanKindOf(name);
    if (kind === "none") return undefined;
    // No TracerProvider or MeterProvider yet: nothing would be recorded, and nothing else says why.
    if (!this.telemetry.active) {
      warnNoSdkOnce("otelAgentsTracer()");
      return undefined;
    }
    const a = attributes ?? {};
    const parentSpan = trace.getSpan(parentCtx);
    const parent = parentSpan ? this.bridges.get(parentSpan) : undefined;
    const stream = isStreaming(name);
    const outputType = isObjectGeneration(name) ? "json" : undefined;
    let handle: OperationHandle;
    const capture = this.telemetry.captureContent;
    switch (kind) {
      case "agent": {
        handle = this.telemetry.start({
          operation: "invoke_agent",
          parent: parentCtx,
          agent: { name: functionIdOf(a) },
          provider: providerOf(a),
          requestModel: modelIdOf(a),
          request: settingsOf(a, stream, outputType),
          content: capture ? callInput(a) : undefined,
        });
        break;
      }
      case "model": {
        handle = this.telemetry.start({
          operation: "chat",
          parent: parentCtx,
          provider: providerOf(a),
          requestModel: modelIdOf(a),
          request: settingsOf(a, stream, outputType),
          // `ai` 6 passes no provider options to spans: the requested service tier is unknown.
          openai: openaiRequestFacts(providerOf(a), undefined),
          content: capture ? modelInput(a) : undefined,
        });
        break;
      }
      case "tool": {
        handle = this.telemetry.start({
          operation: "execute_tool",
          parent: parentCtx,
          agent: { name: parent?.kind === "agent" ? functionIdOf(parent.attributes) : undefined },
          tool: { name: toolNameOf(a), callId: toolCallIdOf(a), type: "function" },
          content: capture ? { toolArguments: () => toolArgumentsOf(a) } : undefined,
        });
        break;
      }
      case "embeddings": {
        handle = this.telemetry.start({
          operation: "embeddings",
          parent: parentCtx,
          provider: providerOf(a),
          requestModel: modelIdOf(a),
        });
        break;
      }
      case "rerank": {
        const model = modelIdOf(a);
        handle = this.telemetry.start({
          operation: "step",
          parent: parentCtx,
          step: { type: "rerank", name: model ? `rerank ${model}` : "rerank" },
        });
        break;
      }
    }
    const bridge = new BridgeSpan(kind, name, handle, parent, (s) => this.finish(s), attributes);
    this.bridges.set(handle.span, bridge);
    return bridge;
  }

  private finish(span: BridgeSpan): void {
    try {
      const a = span.attributes;
      const capture = this.telemetry.captureContent;
      switch (span.kind) {
        case "agent":
          span.close({ content: capture ? { outputMessages: () => responseOf(a) } : undefined });
          break;
        case "model":
          span.close({
            responseModel: responseModelOf(a),
            responseId: responseIdOf(a),
            finishReasons: finishReasonsOf(a),
            usage: usageOf(a),
            openai: openaiResponseFacts(providerOf(a), providerMetadataOf(a)),
            content: capture ? { outputMessages: () => responseOf(a) } : undefined,
          });
          break;
        case "tool":
          span.close({ content: capture ? { toolResult: () => toolResultOf(a) } : undefined });
          break;
        case "embeddings":
          span.close({ usage: { inputTokens: embeddingTokensOf(a) } });
          break;
        default:
          span.close({});
      }
    } catch (err) {
      diag.warn("otel-agents/ai-sdk/v6: could not end a span", err);
      span.handle.end();
    }
  }
}

function callInput(a: Attributes): OperationContent {
  return {
    systemInstructions: () => callPromptOf(a).system,
    inputMessages: () => callPromptOf(a).messages,
  };
}

function modelInput(a: Attributes): OperationContent {
  return {
    systemInstructions: () => promptOf(a).system,
    inputMessages: () => promptOf(a).messages,
    toolDefinitions: () => toolsOf(a),
  };
}
