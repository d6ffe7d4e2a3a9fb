import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { context } from "@opentelemetry/api";
import { setConversationId } from "@otel-agents/core";
import { assertConformance, type CheckedSpan } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { n, spanTree } from "@otel-agents/testing/span-tree";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpInstrumentation } from "../src/index.js";
import { serverSpans, spansFile, startHttpServer, stop } from "./servers.js";

// The v2 packages on both sides (@modelcontextprotocol/client here, @modelcontextprotocol/server in
// the child), each traced by the Instrumentation, as NodeSDK registers it.
const h = createHarness();
const instrumentation = new McpInstrumentation();
instrumentation.setTracerProvider(h.tracerProvider);
instrumentation.setMeterProvider(h.meterProvider);
const tracer = h.tracerProvider.getTracer("agent-app");

const file = spansFile();
let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  server = await startHttpServer(file, false, "v2");
});
afterAll(async () => {
  instrumentation.disable();
  await stop(server.child);
});

describe("v2 packages: a server on 127.0.0.1 over Streamable HTTP, in a child process", () => {
  it("one trace across the HTTP hop: the caller's span, the client span, the server span its remote child, the tool's span", async () => {
    const client = new Client({ name: "agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(server.url));
    const ctx = setConversationId(context.active(), "conv-42");
    const result = await context.with(ctx, () =>
      tracer.startActiveSpan("agent", async (span) => {
        const r = await client.callTool({ name: "get_weather", arguments: { city: "Paris" } });
        span.end();
        return r;
      }),
    );
    expect(result.content).toEqual([{ type: "text", text: "sunny in Paris" }]);
    await client.close();

    const clientSpans = h.spans();
    const all: CheckedSpan[] = [...clientSpans, ...serverSpans(file)];
    assertConformance(all);
    const http = { "network.transport": "tcp", "network.protocol.name": "http" };
    const session = { "mcp.session.id": "session-1", "mcp.protocol.version": "2025-11-25" };
    const address = { "server.address": "127.0.0.1", "server.port": Number(server.url.port) };
    const initialize = { "mcp.method.name": "initialize", "jsonrpc.request.id": "0", ...http };
    const initialized = { "mcp.method.name": "notifications/initialized", ...http, ...session };
    const toolCall = {
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "jsonrpc.request.id": "1",
      ...http,
      ...session,
    };
    expect(spanTree(all)).toEqual([
      // Both learn the protocol version from the exchange, the client the session id from its reply
      // (the server has it already): the initialize spans carry them, set when the exchange ends.
      n("initialize", "CLIENT", { ...initialize, ...session, ...address }, [
        n("initialize", "SERVER", { ...initialize, ...session }),
      ]),
      n("notifications/initialized", "CLIENT", { ...initialized, ...address }, [
        n("notifications/initialized", "SERVER", initialized),
      ]),
      n("agent", "INTERNAL", {}, [
        n("tools/call get_weather", "CLIENT", { ...toolCall, ...address }, [
          // The conversation id crossed in _meta's baggage; the tool's span nests under the server span.
          n("tools/call get_weather", "SERVER", toolCall, [n("lookup", "INTERNAL", { "app.conversation_id": "conv-42" })]),
        ]),
      ]),
    ]);
    // One trace id across both processes; the server span's parent is the client span, remote.
    const served = serverSpans(file).find((s) => s.name === "tools/call get_weather");
    const call = clientSpans.find((s) => s.name === "tools/call get_weather");
    expect(served?.parentSpanContext).toEqual({ ...call?.spanContext(), isRemote: true, traceFlags: 1 });
  });
});
