import { assertMetricConformance, type CheckedMetric } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { afterEach, describe, expect, it } from "vitest";
import { GenAITelemetry } from "../src/telemetry.js";

let h = createHarness();
afterEach(async () => {
  await h.shutdown();
  h = createHarness();
});
const make = () =>
  new GenAITelemetry({ name: "metrics-test" }, { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

type Point = { attributes: Record<string, unknown>; value: unknown };
const points = (metrics: CheckedMetric[], name: string): Point[] =>
  (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as Point[];
const histogram = (p: Point | undefined) => p?.value as { count: number; sum: number; buckets: { boundaries: number[] } };

describe("metrics", () => {
  it("records inference duration, token counters by modality, token histograms and streaming timing", async () => {
    const t = make();
    const t0 = 1_700_000_000_000;
    const op = t.start({
      operation: "chat",
      provider: "openai",
      requestModel: "gpt-4o",
      server: { address: "api.openai.com", port: 443 },
      startTime: t0,
    });
    op.recordChunk(t0 + 100);
    op.recordChunk(t0 + 150);
    op.recordChunk(t0 + 250);
    op.end(
      {
        responseModel: "gpt-4o-2024",
        usage: {
          inputTokens: 100,
          outputTokens: 40,
          cacheReadInputTokens: 30,
          cacheWriteInputTokens: 10,
          reasoningOutputTokens: 5,
          inputByModality: { text: 80, image: 20 },
        },
      },
      t0 + 1500,
    );
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const common = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-2024",
      "server.address": "api.openai.com",
      "server.port": 443,
    };
    const duration = points(metrics, "gen_ai.client.inference.duration");
    expect(duration.map((p) => p.attributes)).toEqual([common]);
    expect(histogram(duration[0])).toMatchObject({ count: 1, sum: 1.5 });
    expect(histogram(duration[0]).buckets.boundaries).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    expect(histogram(points(metrics, "gen_ai.client.inference.time_to_first_chunk")[0])).toMatchObject({ count: 1, sum: 0.1 });
    const perChunk = histogram(points(metrics, "gen_ai.client.inference.time_per_output_chunk")[0]);
    expect(perChunk.count).toBe(2);
    expect(perChunk.sum).toBeCloseTo(0.15);
    const byModality = (name: string) =>
      points(metrics, name)
        .map((p) => [p.attributes["gen_ai.token.modality"], p.value])
        .sort();
    expect(byModality("gen_ai.client.inference.usage.input_tokens")).toEqual([
      ["image", 20],
      ["text", 80],
    ]);
    expect(byModality("gen_ai.client.inference.usage.output_tokens")).toEqual([["unknown", 40]]);
    expect(byModality("gen_ai.client.inference.usage.cache_read.input_tokens")).toEqual([["unknown", 30]]);
    expect(byModality("gen_ai.client.inference.usage.cache_write.input_tokens")).toEqual([["unknown", 10]]);
    expect(byModality("gen_ai.client.inference.usage.reasoning.output_tokens")).toEqual([["unknown", 5]]);
    expect(histogram(points(metrics, "gen_ai.client.inference.operation.input_tokens")[0])).toMatchObject({ count: 1, sum: 100 });
    expect(histogram(points(metrics, "gen_ai.client.inference.operation.output_tokens")[0])).toMatchObject({ count: 1, sum: 40 });
    // The inference duration is no longer reported as gen_ai.client.operation.duration (#521).
    expect(points(metrics, "gen_ai.client.operation.duration")).toEqual([]);
  });

  it("records agent, tool and workflow durations and the agent's own call counts, with error.type on failure", async () => {
    const t = make();
    const wf = t.start({ operation: "invoke_workflow", workflowName: "support", startTime: 0 });
    const agent = t.start({ operation: "invoke_agent", agent: { name: "Triage" }, parent: wf, startTime: 0 });
    t.start({ operation: "chat", provider: "openai", requestModel: "m", parent: agent, startTime: 0 }).end(undefined, 200);
    const tool = t.start({
      operation: "execute_tool",
      tool: { name: "lookup", type: "function" },
      parent: agent,
      startTime: 200,
    });
    tool.fail(new TypeError("bad"), undefined, 250);
    t.start({ operation: "chat", provider: "openai", requestModel: "m", parent: agent, startTime: 250 }).end(undefined, 400);
    // A sub-agent's calls count for the sub-agent only.
    const sub = t.start({ operation: "invoke_agent", agent: { name: "Sub" }, parent: agent, startTime: 400 });
    t.start({ operation: "chat", provider: "openai", requestModel: "m", parent: sub, startTime: 400 }).end(undefined, 500);
    sub.end(undefined, 500);
    agent.end(undefined, 600);
    wf.end(undefined, 2000);

    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const sumsBy = (name: string, key: string) =>
      Object.fromEntries(points(metrics, name).map((p) => [String(p.attributes[key]), histogram(p).sum]));
    expect(sumsBy("gen_ai.invoke_agent.duration", "gen_ai.agent.name")).toEqual({ Triage: 0.6, Sub: 0.1 });
    expect(sumsBy("gen_ai.invoke_agent.inference_calls", "gen_ai.agent.name")).toEqual({ Triage: 2, Sub: 1 });
    expect(sumsBy("gen_ai.invoke_agent.tool_calls", "gen_ai.agent.name")).toEqual({ Triage: 1, Sub: 0 });
    expect(points(metrics, "gen_ai.execute_tool.duration").map((p) => [p.attributes, histogram(p).sum])).toEqual([
      [
        {
          "gen_ai.tool.name": "lookup",
          "gen_ai.tool.type": "function",
          "gen_ai.agent.name": "Triage",
          "error.type": "TypeError",
        },
        0.05,
      ],
    ]);
    expect(points(metrics, "gen_ai.invoke_workflow.duration").map((p) => [p.attributes, histogram(p).sum])).toEqual([
      [{ "gen_ai.workflow.name": "support" }, 2],
    ]);
  });

  it("records other client operations as gen_ai.client.operation.duration and framework steps not at all", async () => {
    const t = make();
    t.start({ operation: "embeddings", provider: "openai", requestModel: "text-embedding-3-small", startTime: 0 }).end(
      { usage: { inputTokens: 8 } },
      50,
    );
    t.start({ operation: "step", step: { type: "chain", name: "format" } }).end();
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toEqual(["gen_ai.client.operation.duration"]);
    expect(points(metrics, "gen_ai.client.operation.duration")[0]?.attributes).toEqual({
      "gen_ai.operation.name": "embeddings",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "text-embedding-3-small",
    });
  });

  it("uses a global MeterProvider registered after the telemetry was created", async () => {
    const { metrics } = await import("@opentelemetry/api");
    const t = new GenAITelemetry({ name: "late" }, { tracerProvider: h.tracerProvider });
    metrics.setGlobalMeterProvider(h.meterProvider);
    try {
      t.start({ operation: "execute_tool", tool: { name: "x" } }).end();
      expect((await h.metrics()).map((m) => m.descriptor.name)).toEqual(["gen_ai.execute_tool.duration"]);
    } finally {
      metrics.disable();
    }
  });

  it("can be turned off", async () => {
    const t = new GenAITelemetry(
      { name: "off" },
      { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, metrics: false },
    );
    t.start({ operation: "execute_tool", tool: { name: "x" } }).end();
    expect(await h.metrics()).toEqual([]);
  });
});
