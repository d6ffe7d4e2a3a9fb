import { assertConformance, assertMetricConformance, missingExpected } from "@otel-agents/testing/conformance";
import type { ReadableSpan } from "@otel-agents/testing/harness";
import { createHarness } from "@otel-agents/testing/harness";
import { embed, embedMany, rerank } from "ai";
import { MockEmbeddingModelV4, MockRerankingModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { otelAgentsTelemetry } from "../src/index.js";
import { conforms, tree } from "./helpers.js";

const h = createHarness();
const integration = () => otelAgentsTelemetry({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider });

beforeEach(() => h.reset());
afterAll(() => h.shutdown());

function embeddingModel() {
  return new MockEmbeddingModelV4({
    provider: "openai.embedding",
    modelId: "text-embedding-3-small",
    // Two values per request: embedMany of three values makes two provider calls.
    maxEmbeddingsPerCall: 2,
    doEmbed: async ({ values }) => ({
      embeddings: values.map((_, i) => [i, 0.5, 0.25]),
      usage: { tokens: values.length * 4 },
      warnings: [],
    }),
  });
}

const embeddingsSpan = (tokens: number) => ({
  name: "embeddings text-embedding-3-small",
  kind: "CLIENT",
  status: "UNSET",
  attributes: {
    "gen_ai.operation.name": "embeddings",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "text-embedding-3-small",
    "gen_ai.usage.input_tokens": tokens,
    "gen_ai.embeddings.dimension.count": 3,
  },
  children: [],
});

/**
 * The AI SDK's embedding models report no response model (spec V4 has none, and the response body
 * is withheld from integrations), so it is the one expected attribute an embeddings span lacks:
 * we do not guess it from the request.
 */
function conformsWithoutResponseModel(spans: readonly ReadableSpan[]) {
  assertConformance(spans);
  for (const span of spans) expect(missingExpected(span), span.name).toEqual(["gen_ai.response.model"]);
}

describe("embeddings", () => {
  it("reports embed as one embeddings span", async () => {
    const { embedding } = await embed({ model: embeddingModel(), value: "hello", telemetry: { integrations: [integration()] } });
    expect(embedding).toEqual([0, 0.5, 0.25]);
    expect(tree(h.spans())).toEqual([embeddingsSpan(4)]);
    conformsWithoutResponseModel(h.spans());
  });

  it("reports embedMany as one embeddings span for the whole call, with the usage of all its provider requests", async () => {
    const model = embeddingModel();
    const { embeddings } = await embedMany({ model, values: ["a", "b", "c"], telemetry: { integrations: [integration()] } });
    expect(embeddings).toHaveLength(3);
    expect(model.doEmbedCalls).toHaveLength(2);
    expect(tree(h.spans())).toEqual([embeddingsSpan(12)]);
    conformsWithoutResponseModel(h.spans());
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    expect(metrics.map((m) => m.descriptor.name)).toContain("gen_ai.client.operation.duration");
  });
});

describe("rerank", () => {
  it("reports rerank as a framework step (the conventions have no reranking operation)", async () => {
    const model = new MockRerankingModelV4({
      provider: "cohere.reranking",
      modelId: "rerank-v3.5",
      doRerank: async () => ({
        ranking: [
          { index: 1, relevanceScore: 0.9 },
          { index: 0, relevanceScore: 0.1 },
        ],
      }),
    });
    const { ranking } = await rerank({
      model,
      query: "weather",
      documents: ["stocks", "sunny today"],
      telemetry: { integrations: [integration()] },
    });
    expect(ranking[0]?.document).toBe("sunny today");
    expect(tree(h.spans())).toEqual([
      {
        name: "rerank rerank-v3.5",
        kind: "INTERNAL",
        status: "UNSET",
        attributes: { "otel_agents.step.type": "rerank" },
        children: [],
      },
    ]);
    conforms(h.spans());
  });
});
