// Our McpInstrumentation beside the real OpenInference and Traceloop MCP instrumentations, in the
// order a test file registers them (each file is a process of its own: they all patch shared
// prototypes). One tools/call from a v1 Client, under the caller's span, to a server in a child
// process over stdio (the transports OpenInference patches), which registers the same peers beside
// its instrumentMcpServer.
import { MCPInstrumentation as OpenInferenceMcp } from "@arizeai/openinference-instrumentation-mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import * as clientStdio from "@modelcontextprotocol/sdk/client/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import { assertConformance, type CheckedSpan } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { n, spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { McpInstrumentation as TraceloopMcp } from "@traceloop/instrumentation-mcp";
import { expect, it } from "vitest";
import { McpInstrumentation } from "../../src/index.js";
import { serverSpans, spansFile, stdioServerParams } from "../servers.js";

type Registrant = "ours" | "openinference" | "traceloop";

// Every warning and error through `diag` from the start of the file, its arguments joined.
const warnings: string[] = [];
const record =
  (level: string) =>
  (...args: unknown[]) =>
    warnings.push(`${level} ${args.map(String).join(" ")}`);
const logger: DiagLogger = { error: record("error"), warn: record("warn"), info() {}, debug() {}, verbose() {} };
diag.setLogger(logger, DiagLogLevel.WARN);

const h = createHarness();
const tracer = h.tracerProvider.getTracer("agent-app");

// The JSON-RPC messages as they leave for the server: recorded by the transport's own `send`,
// under every instrumentation's wrapper (OpenInference wraps this method after this).
const wire: Record<string, unknown>[] = [];
const transportSend = clientStdio.StdioClientTransport.prototype.send;
clientStdio.StdioClientTransport.prototype.send = function send(message: JSONRPCMessage) {
  wire.push(JSON.parse(JSON.stringify(message)) as Record<string, unknown>);
  return transportSend.call(this, message);
};

function register(order: Registrant[]): void {
  for (const who of order) {
    if (who === "ours") {
      const ours = new McpInstrumentation();
      ours.setTracerProvider(h.tracerProvider);
      ours.setMeterProvider(h.meterProvider);
    } else if (who === "traceloop") {
      // Its module hooks see CommonJS requires only; for ES modules it documents this manual call.
      const traceloop = new TraceloopMcp();
      traceloop.setTracerProvider(h.tracerProvider);
      traceloop.manuallyInstrument({ Client });
    } else {
      // The same for OpenInference (it says its module hooks do not work with the MCP SDK).
      new OpenInferenceMcp().manuallyInstrument({ clientStdioModule: clientStdio });
    }
  }
}

const TRACELOOP_WARNING =
  "warn @otel-agents/mcp: another instrumentation (such as @traceloop/instrumentation-mcp) wraps the MCP client's request and draws a second span for each request, under a session span of its own (its own trace when the connection opened outside a span). @otel-agents/mcp keeps its span outermost, under the caller's, and the trace context in params._meta its own. For one span per request, remove the other MCP instrumentation from your instrumentations.";
const OPENINFERENCE_WARNING =
  "warn @otel-agents/mcp: another instrumentation (such as @arizeai/openinference-instrumentation-mcp) wraps the MCP client's transport send to write the trace context into params._meta, which @otel-agents/mcp already does; its messages are sent in the context of their span, so that the context written is theirs. Remove the other MCP instrumentation from your instrumentations: it adds nothing beside @otel-agents/mcp.";

const pipe = { "network.transport": "pipe" };
const version = { "mcp.protocol.version": "2025-11-25" };
const toolCall = {
  "mcp.method.name": "tools/call",
  "gen_ai.operation.name": "execute_tool",
  "gen_ai.tool.name": "get_weather",
  "jsonrpc.request.id": "1",
  ...pipe,
  ...version,
};
// The version the exchange settles on is set on its spans when it ends.
const initialize = { "mcp.method.name": "initialize", "jsonrpc.request.id": "0", ...pipe, ...version };
const initialized = { "mcp.method.name": "notifications/initialized", ...pipe, ...version };

/** Ours, whatever else is registered: the caller's span, our client span, the server's as its remote child. */
const OUR_TREES: TreeNode[] = [
  n("initialize", "CLIENT", initialize, [n("initialize", "SERVER", initialize)]),
  n("notifications/initialized", "CLIENT", initialized, [n("notifications/initialized", "SERVER", initialized)]),
  n("agent", "INTERNAL", {}, [
    n("tools/call get_weather", "CLIENT", toolCall, [
      n("tools/call get_weather", "SERVER", toolCall, [n("lookup", "INTERNAL", {})]),
    ]),
  ]),
];

/**
 * Traceloop's own, beside ours: its session span (started by connect, outside any span here, so a
 * trace of its own) with a span per request (none for notifications), its input and output in
 * attributes (its default), none of them a parent of ours or of the server's.
 */
const TRACELOOP_TREE: TreeNode = n(
  "mcp.client.session",
  "CLIENT",
  { "traceloop.span.kind": "session", "traceloop.entity.name": "mcp.client.session" },
  [
    n(
      "initialize.mcp",
      "CLIENT",
      {
        "traceloop.entity.input": JSON.stringify({
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "agent", version: "1.0.0" },
        }),
        "traceloop.entity.output": JSON.stringify({
          protocolVersion: "2025-11-25",
          capabilities: {
            prompts: { listChanged: true },
            resources: { listChanged: true },
            tools: { listChanged: true },
          },
          serverInfo: { name: "weather", version: "1.0.0" },
        }),
      },
      [],
      "OK",
    ),
    n(
      "get_weather.tool",
      "CLIENT",
      {
        "traceloop.span.kind": "tool",
        "traceloop.entity.name": "get_weather",
        "traceloop.entity.input": JSON.stringify({ tool_name: "get_weather", arguments: { city: "Paris" } }),
        "traceloop.entity.output": JSON.stringify({ result: "sunny in Paris" }),
      },
      [],
      "OK",
    ),
  ],
  "OK",
);

const scopeOf = (s: CheckedSpan) => (s as { instrumentationScope?: { name: string } }).instrumentationScope?.name;
const traceparentOf = (s: CheckedSpan | undefined) => `00-${s?.spanContext().traceId}-${s?.spanContext().spanId}-01`;

/**
 * The suite of one registration order: one client span of ours per request under the caller's span,
 * the server span its remote child, one traceparent in `_meta` (ours), one warning per other
 * instrumentation naming the fix; Traceloop's spans, when it is there, beside ours.
 */
export function coexistenceSuite(order: Registrant[]): void {
  register(order);
  const peers = order.filter((r) => r !== "ours");

  it(`registered ${order.join(", ")}: one trace of ours, one traceparent in _meta (ours), one warning per other MCP instrumentation`, async () => {
    const file = spansFile();
    const client = new Client({ name: "agent", version: "1.0.0" });
    // The server's process registers the same peers beside its instrumentMcpServer.
    await client.connect(new clientStdio.StdioClientTransport(stdioServerParams(file, false, peers)));
    const result = await tracer.startActiveSpan("agent", async (span) => {
      const r = await client.callTool({ name: "get_weather", arguments: { city: "Paris" } });
      span.end();
      return r;
    });
    expect(result.content).toEqual([{ type: "text", text: "sunny in Paris" }]);
    await client.close();

    const clientSide = h.spans();
    const server = serverSpans(file);
    assertConformance([...clientSide.filter((s) => scopeOf(s) !== "@traceloop/instrumentation-mcp"), ...server]);
    const expected = peers.includes("traceloop") ? [TRACELOOP_TREE, ...OUR_TREES] : OUR_TREES;
    expect(spanTree([...clientSide, ...server])).toEqual(expected);

    // The server span's parent is our client span, across the process boundary.
    const call = clientSide.find((s) => s.name === "tools/call get_weather");
    const served = server.find((s) => s.name === "tools/call get_weather");
    expect(served?.parentSpanContext).toEqual({ ...call?.spanContext(), isRemote: true, traceFlags: 1 });

    // What left for the server: each message with one trace context in _meta, that of our span.
    const ourClient = (name: string) => clientSide.find((s) => s.name === name && scopeOf(s) === "@otel-agents/mcp");
    expect(wire).toEqual([
      {
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "agent", version: "1.0.0" },
          _meta: { traceparent: traceparentOf(ourClient("initialize")) },
        },
        jsonrpc: "2.0",
        id: 0,
      },
      {
        method: "notifications/initialized",
        params: { _meta: { traceparent: traceparentOf(ourClient("notifications/initialized")) } },
        jsonrpc: "2.0",
      },
      {
        method: "tools/call",
        params: { name: "get_weather", arguments: { city: "Paris" }, _meta: { traceparent: traceparentOf(call) } },
        jsonrpc: "2.0",
        id: 1,
      },
    ]);

    // One warning per other instrumentation, naming the fix; Traceloop's own notes on modules it
    // found loaded before it (by the other registrations) aside, nothing else.
    const theirs = (w: string) => w.startsWith("warn @traceloop/instrumentation-mcp Module @modelcontextprotocol/sdk/");
    expect(warnings.filter((w) => !theirs(w))).toEqual([
      ...(peers.includes("traceloop") ? [TRACELOOP_WARNING] : []),
      ...(peers.includes("openinference") ? [OPENINFERENCE_WARNING] : []),
    ]);
  });
}
