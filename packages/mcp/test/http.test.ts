import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { context } from "@opentelemetry/api";
import { setConversationId } from "@otel-agents/core";
import { assertConformance, type CheckedSpan } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpInstrumentation } from "../src/index.js";
import { serverSpans, spansFile, startHttpServer, stop } from "./servers.js";

// The client side registered as NodeSDK does it: an Instrumentation handed the SDK's providers.
const h = createHarness();
const instrumentation = new McpInstrumentation();
instrumentation.setTracerProvider(h.tracerProvider);
instrumentation.setMeterProvider(h.meterProvider);
const tracer = h.tracerProvider.getTracer("agent-app");

const file = spansFile();
let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  server = await startHttpServer(file);
});
afterAll(async () => {
  instrumentation.disable();
  await stop(server.child);
});

describe("a server on 127.0.0.1 over Streamable HTTP, in a child process", () => {
  it("one trace across the HTTP hop, with the session id, the server's address and the conversation id in baggage", async () => {
    const client = new Client({ name: "agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(server.url));
    const ctx = setConversationId(context.active(), "conv-42");
    await context.with(ctx, () =>
      tracer.startActiveSpan("agent", async (span) => {
        await client.callTool({ name: "get_weather", arguments: { city: "Paris" } });
        span.end();
      }),
    );
    await client.close();

    const all: CheckedSpan[] = [...h.spans(), ...serverSpans(file)];
    assertConformance(all);
    const forest = spanTree(all).filter((n) => n.name === "agent");
    expect(shape(forest)).toEqual([
      {
        "agent [INTERNAL]": [
          { "tools/call get_weather [CLIENT]": [{ "tools/call get_weather [SERVER]": ["lookup [INTERNAL]"] }] },
        ],
      },
    ]);
    const call = forest[0]?.children[0];
    expect(call?.attributes).toEqual({
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "jsonrpc.request.id": "1",
      "network.transport": "tcp",
      "network.protocol.name": "http",
      "mcp.session.id": "session-1",
      "mcp.protocol.version": "2025-11-25",
      "server.address": "127.0.0.1",
      "server.port": Number(server.url.port),
    });
    expect(call?.children[0]?.attributes).toEqual({
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "jsonrpc.request.id": "1",
      "network.transport": "tcp",
      "network.protocol.name": "http",
      "mcp.session.id": "session-1",
      "mcp.protocol.version": "2025-11-25",
      // The socket peer of the POST that carried the call: this test's process, on loopback.
      "client.address": "127.0.0.1",
      "client.port": expect.any(Number),
    });
    expect(call?.children[0]?.children[0]?.attributes).toEqual({ "app.conversation_id": "conv-42" });
    const serverSpan = serverSpans(file).find((s) => s.name === "tools/call get_weather");
    const clientSpan = h.spans().find((s) => s.name === "tools/call get_weather");
    expect(serverSpan?.parentSpanContext).toEqual({ ...clientSpan?.spanContext(), isRemote: true, traceFlags: 1 });
  });

  it("disabled: no span and no _meta injection", async () => {
    h.reset();
    instrumentation.disable();
    const client = new Client({ name: "agent", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(server.url);
    await client.connect(transport);
    const sent: unknown[] = [];
    const send = transport.send.bind(transport);
    transport.send = (message) => {
      sent.push(message);
      return send(message);
    };
    await client.callTool({ name: "get_weather", arguments: { city: "Lima" } });
    await client.close();
    instrumentation.enable();
    expect(sent).toEqual([
      { method: "tools/call", params: { name: "get_weather", arguments: { city: "Lima" } }, jsonrpc: "2.0", id: 1 },
    ]);
    expect(h.spans()).toEqual([]);
  });
});
