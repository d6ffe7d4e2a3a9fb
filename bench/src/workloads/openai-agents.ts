import { OpenInferenceTracingProcessor } from "@arizeai/openinference-instrumentation-openai-agents";
import {
  Agent,
  BatchTraceProcessor,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  type TracingProcessor,
  tool,
} from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { type Context, context, type Span, type Tracer, trace } from "@opentelemetry/api";
import { OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { z } from "zod";
import type { Arm, Workload } from "../arm.ts";
import { batchProvider, type CountingExporter, captureTemplates, type SpanTemplate } from "../otel.ts";
import { versionOf } from "../versions.ts";

const usage = (inputTokens: number, outputTokens: number) =>
  new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

const weather = tool({
  name: "get_weather",
  description: "Weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `snow in ${city}`,
});

/** Triage hands off to a specialist, which calls get_weather and answers: 3 model calls, 1 tool, 1 hand-off. */
function makeRun() {
  const specialist = new Agent({ name: "Specialist", instructions: "Answer weather questions.", tools: [weather] });
  const triage = new Agent({ name: "Triage", instructions: "Route the user.", handoffs: [specialist] });
  const runner = new Runner({ workflowName: "support", groupId: "conv-42" });
  return async (): Promise<void> => {
    // ScriptedModel consumes its script and records every call: fresh ones per operation.
    triage.model = new ScriptedModel([
      { usage: usage(15, 2), output: [functionCall("transfer_to_Specialist", {}, { callId: "h1" })] },
    ]);
    specialist.model = new ScriptedModel([
      { usage: usage(30, 7), output: [functionCall("get_weather", { city: "Oslo" }, { callId: "call_2" })] },
      { usage: usage(40, 8), output: [assistantMessage("Snow in Oslo")] },
    ]);
    const result = await runner.run(triage, "Weather in Oslo?");
    if (result.finalOutput !== "Snow in Oslo") throw new Error("openai-agents: unexpected answer");
  };
}

type AgentsSpan = Parameters<TracingProcessor["onSpanStart"]>[0];
type AgentsTrace = Parameters<TracingProcessor["onTraceStart"]>[0];

/**
 * The floor: a hand-written TracingProcessor that opens our spans (workflow, agents, one chat per
 * turn, tools, hand-offs) with our attribute set from a template; tasks are folded like ours.
 */
class FloorProcessor implements TracingProcessor {
  private readonly open = new Map<string, { span: Span | undefined; ctx: Context }>();
  private readonly tracer: Tracer;
  private readonly templates: Map<string, SpanTemplate>;

  constructor(tracer: Tracer, templates: Map<string, SpanTemplate>) {
    this.tracer = tracer;
    this.templates = templates;
  }

  private openSpan(id: string, key: string | undefined, parentCtx: Context): void {
    const t = key ? this.templates.get(key) : undefined;
    if (!t) {
      this.open.set(id, { span: undefined, ctx: parentCtx });
      return;
    }
    const span = this.tracer.startSpan(t.name, { kind: t.kind, attributes: t.attributes }, parentCtx);
    this.open.set(id, { span, ctx: trace.setSpan(parentCtx, span) });
  }

  private closeSpan(id: string): void {
    const entry = this.open.get(id);
    this.open.delete(id);
    entry?.span?.end();
  }

  async onTraceStart(t: AgentsTrace): Promise<void> {
    this.openSpan(t.traceId, "root", context.active());
  }
  async onTraceEnd(t: AgentsTrace): Promise<void> {
    this.closeSpan(t.traceId);
  }
  async onSpanStart(span: AgentsSpan): Promise<void> {
    const parent = this.open.get(span.parentId ?? span.traceId);
    const data = span.spanData;
    let key: string | undefined;
    if (data.type === "agent") key = `invoke_agent ${data.name}`;
    else if (data.type === "turn") key = "chat";
    else if (data.type === "function") key = "tool";
    else if (data.type === "handoff") key = "handoff";
    this.openSpan(span.spanId, key, parent?.ctx ?? context.active());
  }
  async onSpanEnd(span: AgentsSpan): Promise<void> {
    this.closeSpan(span.spanId);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

/** Installs a trace processor for the arm and removes it afterwards (Agents tracing is global). */
function processorArm(
  name: string,
  kind: Arm["kind"],
  make: (provider: ReturnType<typeof batchProvider> | undefined, exporter: CountingExporter) => TracingProcessor,
  op: () => Promise<void>,
  extra: Partial<Arm> = {},
  withSdk = true,
): Arm {
  return {
    name,
    kind,
    ...extra,
    setup: async (exporter) => {
      const provider = withSdk ? batchProvider(exporter) : undefined;
      const processor = make(provider, exporter);
      setTracingDisabled(false);
      setTraceProcessors([processor]);
      // Ours keeps its run registry private; the bench reads its size to check it drains to 0.
      const registry = (processor as unknown as { registry?: { size: number } }).registry;
      return {
        op,
        flush: async () => {
          await processor.forceFlush();
          await provider?.forceFlush();
        },
        teardown: async () => {
          setTraceProcessors([]);
          setTracingDisabled(true);
          await processor.shutdown();
          await provider?.shutdown();
        },
        openRuns: registry ? () => registry.size : undefined,
      };
    },
  };
}

export async function agentsArms(): Promise<Arm[]> {
  const op = makeRun();
  const templates = await captureTemplates(async (provider) => {
    setTracingDisabled(false);
    setTraceProcessors([new OpenTelemetryTracingProcessor({ tracerProvider: provider, captureContent: false })]);
    return async () => {
      await op();
      setTraceProcessors([]);
    };
  });
  const ours = (captureContent: boolean) => (provider: ReturnType<typeof batchProvider> | undefined) =>
    new OpenTelemetryTracingProcessor({ tracerProvider: provider, captureContent });
  const oursVersion = { version: versionOf("@otel-agents/openai-agents") };
  return [
    {
      name: "none",
      kind: "none",
      note: "none: setTracingDisabled(true), so the Agents SDK creates no trace objects at all",
      setup: async () => {
        setTracingDisabled(true);
        return { op, flush: async () => {}, teardown: async () => {} };
      },
    },
    {
      name: "Agents tracing on, no processor",
      kind: "baseline",
      note: "Agents tracing on, no processor: the SDK's own trace bookkeeping, which every tracing arm below pays before any processor runs",
      setup: async () => {
        setTracingDisabled(false);
        setTraceProcessors([]);
        return { op, flush: async () => {}, teardown: async () => setTracingDisabled(true) };
      },
    },
    processorArm("floor", "floor", (p) => new FloorProcessor(p!.getTracer("floor"), templates), op, {
      note: "hand-written TracingProcessor: one span per agent, turn (as chat), tool and hand-off, our attribute set from a template",
    }),
    processorArm("ours (capture off)", "ours-off", ours(false), op, oursVersion),
    processorArm("ours (capture on)", "ours-on", ours(true), op, oursVersion),
    processorArm("ours (no SDK: API no-op)", "ours-nosdk", ours(false), op, oursVersion, false),
    processorArm(
      "Agents SDK's own tracing",
      "peer",
      (_p, exporter) =>
        new BatchTraceProcessor(
          {
            async export(items) {
              exporter.count(items.map((i) => i.toJSON()));
            },
          },
          { maxQueueSize: 65_536 },
        ),
      op,
      {
        version: versionOf("@openai/agents-core"),
        note: "Agents SDK's own tracing: its BatchTraceProcessor with a no-op exporter in place of the OpenAI exporter (counts are Agents trace items, not OTel spans)",
      },
    ),
    processorArm("OpenInference", "peer", (p) => new OpenInferenceTracingProcessor({ tracerProvider: p! }), op, {
      version: versionOf("@arizeai/openinference-instrumentation-openai-agents"),
      note: "OpenInference: OpenInferenceTracingProcessor via setTraceProcessors, default trace config",
    }),
    {
      name: "Langfuse",
      kind: "peer",
      unavailable: "no Langfuse integration for OpenAI Agents JS on npm (@langfuse/openai-agents does not exist)",
    },
    {
      name: "OpenLLMetry",
      kind: "peer",
      unavailable:
        "no OpenLLMetry instrumentation for OpenAI Agents JS on npm (@traceloop/instrumentation-openai-agents does not exist)",
    },
  ];
}

export const openaiAgents: Workload = {
  name: "openai-agents",
  title: "OpenAI Agents run: triage hands off, specialist calls a tool and answers (ScriptedModel)",
  arms: agentsArms,
};
