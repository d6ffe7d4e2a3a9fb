import { SpanKind, type Tracer, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { GenAITelemetry } from "@otel-agents/core";
import type { ViewerSpan } from "../src/shared/model.js";
import { type RunningViewer, startViewer, type ViewerOptions } from "../src/viewer.js";

/** A viewer on free ports with an in-memory database, closed by the caller. */
export function testViewer(options: Partial<ViewerOptions> = {}): Promise<RunningViewer> {
  return startViewer({ db: ":memory:", otlpPort: 0, port: 0, ...options });
}

/** An SDK 2 tracer provider exporting to `exporter` and to memory, so tests compare what was sent with what was stored. */
export function providerWith(exporter: SpanExporter, serviceName = "weather-agent") {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName, "service.version": "1.2.3" }),
    spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)],
  });
  return { provider, memory, tracer: provider.getTracer("viewer-test") };
}

/**
 * A meter provider that exports to `exporter` only when flushed (cumulative temporality, the SDK
 * default), so a test decides when metrics are sent.
 */
export function meterProviderWith(exporter: PushMetricExporter, serviceName = "weather-agent") {
  return new MeterProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
}

/**
 * One agent turn as the core emits it, content captured: invoke_agent → chat (asks for a tool) →
 * execute_tool → chat (answers). Usage and messages are what a real OpenAI call would report.
 */
export async function agentTurn(
  provider: BasicTracerProvider,
  options: {
    conversationId?: string;
    question?: string;
    failTool?: boolean;
    toolService?: BasicTracerProvider;
    /** Records the core's GenAI metrics too. */
    meterProvider?: MeterProvider;
  } = {},
) {
  const t = new GenAITelemetry(
    { name: "@otel-agents/viewer-test", version: "0.0.0" },
    {
      tracerProvider: provider,
      captureContent: true,
      ...(options.meterProvider ? { meterProvider: options.meterProvider } : {}),
    },
  );
  const question = options.question ?? "What is the weather in Paris?";
  const agent = t.start({
    operation: "invoke_agent",
    provider: "openai",
    agent: { name: "Weather" },
    requestModel: "gpt-4o-mini",
    ...(options.conversationId ? { conversationId: options.conversationId } : {}),
  });
  const first = t.start({
    operation: "chat",
    provider: "openai",
    requestModel: "gpt-4o-mini",
    parent: agent,
    server: { address: "api.openai.com", port: 443 },
    ...(options.conversationId ? { conversationId: options.conversationId } : {}),
    content: {
      systemInstructions: [{ type: "text", content: "You answer weather questions." }],
      inputMessages: [{ role: "user", parts: [{ type: "text", content: question }] }],
      toolDefinitions: [
        { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
      ],
    },
  });
  first.end({
    responseModel: "gpt-4o-mini-2024-07-18",
    responseId: "chatcmpl-1",
    finishReasons: ["tool_calls"],
    usage: { inputTokens: 52, outputTokens: 11, cacheReadInputTokens: 20 },
    content: {
      outputMessages: [
        { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
      ],
    },
  });
  const tool = t.start({
    operation: "execute_tool",
    tool: { name: "get_weather", callId: "call_1", type: "function" },
    parent: agent,
    content: { toolArguments: { city: "Paris" } },
  });
  if (options.toolService) {
    // The tool calls another service over HTTP: its server span continues the trace in another process.
    const remote = options.toolService.getTracer("forecast-http");
    const server = remote.startSpan("POST /forecast", { kind: SpanKind.SERVER }, tool.context);
    const lookup = remote.startSpan("SELECT forecasts", { kind: SpanKind.CLIENT }, trace.setSpan(tool.context, server));
    lookup.end();
    server.end();
  }
  if (options.failTool) tool.fail(new TypeError("weather service unavailable"));
  else tool.end({ content: { toolResult: { forecast: "sunny", celsius: 21 } } });
  const second = t.start({
    operation: "chat",
    provider: "openai",
    requestModel: "gpt-4o-mini",
    parent: agent,
    server: { address: "api.openai.com", port: 443 },
    ...(options.conversationId ? { conversationId: options.conversationId } : {}),
    content: {
      inputMessages: [
        { role: "user", parts: [{ type: "text", content: question }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: { forecast: "sunny", celsius: 21 } }] },
      ],
    },
  });
  second.end({
    responseModel: "gpt-4o-mini-2024-07-18",
    responseId: "chatcmpl-2",
    finishReasons: ["stop"],
    usage: { inputTokens: 90, outputTokens: 14, reasoningOutputTokens: 6 },
    content: { outputMessages: [{ role: "assistant", parts: [{ type: "text", content: "It is sunny in Paris, 21 °C." }] }] },
  });
  agent.end({ responseModel: "gpt-4o-mini-2024-07-18" });
  await Promise.all([provider.forceFlush(), options.toolService?.forceFlush()]);
}

function hrToNanos([s, ns]: [number, number]): string {
  return (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();
}

/** What the viewer must store for an SDK span: the same span, field for field, in OTLP terms. */
export function expectedStored(span: ReadableSpan): ViewerSpan {
  const ctx = span.spanContext();
  const resource = span.resource.attributes as ViewerSpan["resource"];
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: (span.kind + 1) as ViewerSpan["kind"],
    startTimeUnixNano: hrToNanos(span.startTime),
    endTimeUnixNano: hrToNanos(span.endTime),
    attributes: span.attributes as ViewerSpan["attributes"],
    events: span.events.map((e) => ({
      timeUnixNano: hrToNanos(e.time),
      name: e.name,
      attributes: (e.attributes ?? {}) as ViewerSpan["attributes"],
    })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: (l.attributes ?? {}) as ViewerSpan["attributes"],
    })),
    status: { code: span.status.code as 0 | 1 | 2, ...(span.status.message ? { message: span.status.message } : {}) },
    resource,
    scope: {
      name: span.instrumentationScope.name,
      ...(span.instrumentationScope.version ? { version: span.instrumentationScope.version } : {}),
    },
  };
}

export type { Tracer };
