import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setup } from "../src/node/setup.js";
import { GenAITelemetry } from "../src/telemetry.js";

// A broken backend must not be the app's problem: with the exporter endpoint refusing connections,
// hanging, or answering 500/429, traced calls keep their latency, nothing rejects, and shutdown()
// returns within the exporter's timeout. Bounds are generous: this proves "not blocked", it is no
// benchmark.

let hanging: Server;
let failing: Server;
let failingStatus = 500;
let hangingUrl = "";
let failingUrl = "";
let closedUrl = "";

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  hanging = createServer(() => {
    /* accept, never answer */
  });
  failing = createServer((_req, res) => {
    res.writeHead(failingStatus, { "retry-after": "0" }).end("no");
  });
  hangingUrl = await listen(hanging);
  failingUrl = await listen(failing);
  // A port that was just free: connections are refused.
  const probe = createServer();
  closedUrl = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => {
  hanging.closeAllConnections();
  hanging.close();
  failing.close();
});
afterEach(async () => {
  const { ensureGlobalContext } = await import("@otel-agents/testing/harness");
  ensureGlobalContext();
});

async function workload(): Promise<number> {
  const t = new GenAITelemetry({ name: "faults" });
  const started = performance.now();
  for (let i = 0; i < 200; i++) {
    await t.run({ operation: "invoke_agent", agent: { name: "A" } }, async (agent) => {
      t.start({ operation: "chat", provider: "openai", requestModel: "m", parent: agent }).end({
        usage: { inputTokens: 1, outputTokens: 1 },
      });
    });
  }
  return performance.now() - started;
}

describe.each([
  ["refusing connections", () => closedUrl, 0],
  ["hanging", () => hangingUrl, 0],
  ["answering 500", () => failingUrl, 500],
  ["answering 429", () => failingUrl, 429],
])("an OTLP endpoint %s", (_name, url, status) => {
  it("leaves the app's calls unblocked and shutdown() within the exporter timeout", async () => {
    failingStatus = status || 500;
    const otel = await setup({
      serviceName: "faults",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: url(), OTEL_EXPORTER_OTLP_TIMEOUT: "500", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    const elapsed = await workload();
    // 400 spans and their metrics; a blocked exporter would cost at least a timeout per batch.
    expect(elapsed).toBeLessThan(2_000);
    const shutdownStarted = performance.now();
    await otel.shutdown();
    expect(performance.now() - shutdownStarted).toBeLessThan(5_000);
  }, 15_000);
});
