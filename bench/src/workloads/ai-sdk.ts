import { OpenTelemetry as AiSdkOpenTelemetry } from "@ai-sdk/otel";
import type { LanguageModelV4, LanguageModelV4GenerateResult, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { OpenInferenceBatchSpanProcessor } from "@arizeai/openinference-vercel";
import { LangfuseVercelAiSdkIntegration } from "@langfuse/vercel-ai-sdk";
import { type Context, context, type Span, trace } from "@opentelemetry/api";
import { otelAgentsTelemetry } from "@otel-agents/ai-sdk";
import { generateText, stepCountIs, streamText, type Telemetry, tool } from "ai";
import { z } from "zod";
import type { Arm, Workload } from "../arm.ts";
import { batchProvider, type CountingExporter, captureTemplates, type SpanTemplate } from "../otel.ts";
import { versionOf } from "../versions.ts";

const usage = (input: number, output: number): LanguageModelV4GenerateResult["usage"] => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

const response = (id: string) => ({ id, modelId: "gpt-4o-2024-08-06", timestamp: new Date(0) });

/**
 * An offline model (the shape MockLanguageModelV4 replays) that keeps no call log, so heap growth
 * is the instrumentation's: it calls the tool first and answers once the tool result is in the prompt.
 */
const model: LanguageModelV4 = {
  specificationVersion: "v4",
  provider: "openai.chat",
  modelId: "gpt-4o",
  supportedUrls: {},
  async doGenerate(options) {
    const answered = options.prompt.some((m) => m.role === "tool");
    if (answered) {
      return {
        content: [{ type: "text", text: "Sunny in Paris." }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: usage(150, 8),
        warnings: [],
        response: response("resp_2"),
      };
    }
    return {
      content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: '{"city":"Paris"}' }],
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      usage: usage(100, 20),
      warnings: [],
      response: response("resp_1"),
    };
  },
  async doStream() {
    const chunks: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", ...response("resp_s") },
      { type: "text-start", id: "t1" },
      { type: "text-delta", id: "t1", delta: "Sunny " },
      { type: "text-delta", id: "t1", delta: "in " },
      { type: "text-delta", id: "t1", delta: "Paris." },
      { type: "text-end", id: "t1" },
      { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(12, 3) },
    ];
    return {
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
    };
  },
};

const tools = {
  weather: tool({
    description: "Gets the weather",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, sky: "sunny" }),
  }),
};

type Invoke = (integrations: Telemetry[] | undefined) => Promise<void>;

const generate: Invoke = async (integrations) => {
  const result = await generateText({
    model,
    system: "You answer weather questions.",
    prompt: "What is the weather in Paris?",
    tools,
    stopWhen: stepCountIs(3),
    telemetry: integrations ? { functionId: "weather-agent", integrations } : undefined,
  });
  if (result.text !== "Sunny in Paris.") throw new Error("generateText: unexpected answer");
};

const stream: Invoke = async (integrations) => {
  const result = streamText({
    model,
    prompt: "What is the weather in Paris?",
    telemetry: integrations ? { functionId: "weather-agent", integrations } : undefined,
  });
  if ((await result.text) !== "Sunny in Paris.") throw new Error("streamText: unexpected answer");
};

interface FloorCall {
  root: Span;
  ctx: Context;
  model: Span | undefined;
  tools: Map<string, Span>;
}

/**
 * The floor: a hand-written Telemetry integration that opens our spans (root, one per model call,
 * one per tool execution) with our attribute set from a template, parented explicitly.
 */
function floorIntegration(
  tracer: ReturnType<ReturnType<typeof batchProvider>["getTracer"]>,
  templates: Map<string, SpanTemplate>,
  withContext = false,
) {
  const calls = new Map<string, FloorCall>();
  const open = (key: string, ctx: Context): Span => {
    const t = templates.get(key)!;
    return tracer.startSpan(t.name, { kind: t.kind, attributes: t.attributes }, ctx);
  };
  type E = { callId: string; toolCall?: { toolCallId: string } };
  const telemetry = {
    onStart(e: E) {
      const parent = context.active();
      const root = open("root", parent);
      calls.set(e.callId, { root, ctx: trace.setSpan(parent, root), model: undefined, tools: new Map() });
    },
    onLanguageModelCallStart(e: E) {
      const call = calls.get(e.callId);
      if (call) call.model = open("chat", call.ctx);
    },
    onLanguageModelCallEnd(e: E) {
      const call = calls.get(e.callId);
      call?.model?.end();
      if (call) call.model = undefined;
    },
    onToolExecutionStart(e: E) {
      const call = calls.get(e.callId);
      if (call && e.toolCall) call.tools.set(e.toolCall.toolCallId, open("tool", call.ctx));
    },
    onToolExecutionEnd(e: E) {
      const call = calls.get(e.callId);
      const id = e.toolCall?.toolCallId;
      if (!call || !id) return;
      call.tools.get(id)?.end();
      call.tools.delete(id);
    },
    onEnd(e: E) {
      const call = calls.get(e.callId);
      if (!call) return;
      calls.delete(e.callId);
      call.model?.end();
      call.root.end();
    },
  };
  if (!withContext) return telemetry as unknown as Telemetry;
  // The floor plus the two execute wrappers ours has: the provider call and each tool body run
  // with their span active, so HTTP spans and the tool's own spans nest. `ai` copies and redacts
  // each wrapped call's result for every integration with a wrapper: that cost is the
  // framework's, and this arm shows it apart from ours.
  const within = <T>(span: Span | undefined, execute: () => PromiseLike<T>) =>
    span ? context.with(trace.setSpan(context.active(), span), execute) : execute();
  return {
    ...telemetry,
    executeLanguageModelCall<T>(o: { callId: string; execute: () => PromiseLike<T> }) {
      return within(calls.get(o.callId)?.model, o.execute);
    },
    executeTool<T>(o: { callId: string; toolCallId: string; execute: () => PromiseLike<T> }) {
      return within(calls.get(o.callId)?.tools.get(o.toolCallId), o.execute);
    },
  } as unknown as Telemetry;
}

function integrationArm(
  name: string,
  kind: Arm["kind"],
  make: (provider: ReturnType<typeof batchProvider> | undefined, exporter: CountingExporter) => Telemetry,
  invoke: Invoke,
  extra: Partial<Arm> = {},
  withSdk = true,
): Arm {
  return {
    name,
    kind,
    ...extra,
    setup: async (exporter) => {
      const provider = withSdk ? batchProvider(exporter) : undefined;
      const integration = make(provider, exporter);
      const openCalls = (integration as { openCalls?: number }).openCalls;
      return {
        op: () => invoke([integration]),
        flush: async () => provider?.forceFlush(),
        teardown: async () => provider?.shutdown(),
        openRuns: openCalls === undefined ? undefined : () => (integration as { openCalls: number }).openCalls,
      };
    },
  };
}

async function aiSdkArms(invoke: Invoke): Promise<Arm[]> {
  const templates = await captureTemplates(async (provider) => {
    const integration = otelAgentsTelemetry({ tracerProvider: provider, captureContent: false }) as unknown as Telemetry;
    return () => invoke([integration]);
  });
  const ours = (captureContent: boolean) => (provider: ReturnType<typeof batchProvider> | undefined) =>
    otelAgentsTelemetry({ tracerProvider: provider, captureContent }) as unknown as Telemetry;
  const oursVersion = { version: versionOf("@otel-agents/ai-sdk") };
  return [
    {
      name: "none",
      kind: "none",
      setup: async () => ({ op: () => invoke(undefined), flush: async () => {}, teardown: async () => {} }),
    },
    integrationArm("floor", "floor", (p) => floorIntegration(p!.getTracer("floor"), templates), invoke, {
      note: "hand-written Telemetry integration: root, model-call and tool spans with our attribute set from a template",
    }),
    integrationArm(
      "floor with execute wrappers",
      "floor-context",
      (p) => floorIntegration(p!.getTracer("floor"), templates, true),
      invoke,
      {
        note: "floor with execute wrappers: the floor plus executeLanguageModelCall/executeTool running the provider call and tool body with their span active, as ours does (for nested HTTP and tool spans); ai then copies and redacts each wrapped result",
      },
    ),
    integrationArm("ours (capture off)", "ours-off", ours(false), invoke, oursVersion),
    integrationArm("ours (capture on)", "ours-on", ours(true), invoke, oursVersion),
    integrationArm("ours (no SDK: API no-op)", "ours-nosdk", ours(false), invoke, oursVersion, false),
    integrationArm(
      "@ai-sdk/otel (framework's own)",
      "peer",
      (p) => new AiSdkOpenTelemetry({ tracer: p!.getTracer("ai") }),
      invoke,
      {
        version: versionOf("@ai-sdk/otel"),
        note: "@ai-sdk/otel: the AI SDK's own OpenTelemetry integration, default options (inputs and outputs recorded)",
      },
    ),
    {
      name: "OpenInference",
      kind: "peer",
      version: versionOf("@arizeai/openinference-vercel"),
      note: "OpenInference: @ai-sdk/otel spans converted by OpenInferenceBatchSpanProcessor (its documented set-up)",
      setup: async (exporter) => {
        const provider = batchProvider(
          exporter,
          new OpenInferenceBatchSpanProcessor({ exporter, config: { maxQueueSize: 65_536 } }),
        );
        const integration = new AiSdkOpenTelemetry({ tracer: provider.getTracer("ai") });
        return { op: () => invoke([integration]), flush: () => provider.forceFlush(), teardown: () => provider.shutdown() };
      },
    },
    integrationArm("Langfuse", "peer", (p) => new LangfuseVercelAiSdkIntegration({ tracer: p!.getTracer("langfuse") }), invoke, {
      version: versionOf("@langfuse/vercel-ai-sdk"),
      note: "Langfuse: LangfuseVercelAiSdkIntegration with a tracer on BatchSpanProcessor + no-op exporter (not LangfuseSpanProcessor's OTLP)",
    }),
  ];
}

export const aiSdkGenerate: Workload = {
  name: "ai-sdk-generate",
  title: "AI SDK generateText, 2 steps with one tool call (offline LanguageModelV4)",
  arms: () => aiSdkArms(generate),
};

export const aiSdkStream: Workload = {
  name: "ai-sdk-stream",
  title: "AI SDK streamText, 3 text deltas (offline LanguageModelV4)",
  arms: () => aiSdkArms(stream),
};
