import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setup } from "../src/node/setup.js";
import { GenAITelemetry } from "../src/telemetry.js";

// The real OTLP/HTTP exporters, sending to a receiver on 127.0.0.1 started by the test.

interface Received {
  path: string;
  contentType: string;
  body: Buffer;
}

let server: Server;
let endpoint: string;
const received: Received[] = [];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    received.push({ path: req.url ?? "", contentType: String(req.headers["content-type"]), body: await readBody(req) });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(async () => {
  received.length = 0;
  const { ensureGlobalContext } = await import("@otel-agents/testing/harness");
  ensureGlobalContext();
});

async function tracedRun(): Promise<void> {
  const t = new GenAITelemetry({ name: "@otel-agents/roundtrip", version: "1.2.3" });
  await t.run({ operation: "invoke_agent", agent: { name: "Triage" } }, async (agent) => {
    t.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent }).end({
      responseId: "r1",
      usage: { inputTokens: 7, outputTokens: 3 },
      finishReasons: ["stop"],
    });
  });
}

type JsonAttr = { key: string; value: Record<string, unknown> };
const attrs = (list: JsonAttr[] = []) => Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));

describe("OTLP round trip", () => {
  it("exports spans and metrics over OTLP/HTTP JSON with resource, scope, schema URL and attributes", async () => {
    const otel = await setup({
      serviceName: "roundtrip-service",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    expect(otel.exporter).toBe("otlp");
    await tracedRun();
    await otel.shutdown();

    const traces = received.filter((r) => r.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]?.contentType).toBe("application/json");
    const payload = JSON.parse(traces.map((t) => t.body.toString()).join("")) as {
      resourceSpans: Array<{
        resource: { attributes: JsonAttr[] };
        scopeSpans: Array<{
          scope: { name: string; version: string };
          schemaUrl: string;
          spans: Array<{ name: string; kind: number; parentSpanId?: string; spanId: string; attributes: JsonAttr[] }>;
        }>;
      }>;
    };
    const [rs] = payload.resourceSpans;
    expect(attrs(rs?.resource.attributes)["service.name"]).toBe("roundtrip-service");
    const [ss] = rs?.scopeSpans ?? [];
    expect(ss?.scope).toMatchObject({ name: "@otel-agents/roundtrip", version: "1.2.3" });
    expect(ss?.schemaUrl).toBe("https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev");
    const spans = Object.fromEntries((ss?.spans ?? []).map((s) => [s.name, s]));
    expect(Object.keys(spans).sort()).toEqual(["chat gpt-4o", "invoke_agent Triage"]);
    // OTLP span kinds are 1-based: 1 internal, 3 client.
    expect(spans["invoke_agent Triage"]?.kind).toBe(1);
    expect(spans["chat gpt-4o"]?.kind).toBe(3);
    expect(spans["chat gpt-4o"]?.parentSpanId).toBe(spans["invoke_agent Triage"]?.spanId);
    expect(attrs(spans["chat gpt-4o"]?.attributes)).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.usage.input_tokens": 7,
      "gen_ai.response.finish_reasons": { values: [{ stringValue: "stop" }] },
    });

    const metrics = received.filter((r) => r.path === "/v1/metrics");
    expect(metrics.length).toBeGreaterThan(0);
    const names = metrics.flatMap((m) =>
      (
        JSON.parse(m.body.toString()) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }> }
      ).resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.name))),
    );
    expect(names).toEqual(expect.arrayContaining(["gen_ai.client.inference.duration", "gen_ai.invoke_agent.duration"]));
  });

  it("uses OTLP/HTTP protobuf by default", async () => {
    const otel = await setup({ serviceName: "roundtrip-proto", env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, metrics: false });
    await tracedRun();
    await otel.shutdown();
    const traces = received.filter((r) => r.path === "/v1/traces");
    expect(traces.map((t) => t.contentType)).toEqual(["application/x-protobuf"]);
    expect(traces[0]?.body.includes(Buffer.from("invoke_agent Triage"))).toBe(true);
    expect(traces[0]?.body.includes(Buffer.from("roundtrip-proto"))).toBe(true);
  });
});
