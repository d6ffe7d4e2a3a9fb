import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { assertConformance, assertMetricConformance, spanViolations } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, describe, expect, it } from "vitest";
import { extractMcpContext, traceMetaOf } from "../src/mcp/mcp-meta.js";
import { McpTelemetry } from "../src/mcp/mcp-telemetry.js";
import { setConversationId } from "../src/propagation/conversation.js";

const h = createHarness();
const scope = { name: "@otel-agents/mcp-test", version: "0.0.0" };
const mcp = (captureContent = false) =>
  new McpTelemetry(scope, { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, captureContent });
const stdio = { kind: "stdio", protocolVersion: "2025-06-18" };
const http = { kind: "http", protocolVersion: "2025-06-18", sessionId: "s-1", serverAddress: "127.0.0.1", serverPort: 8080 };

afterEach(() => h.reset());

function checked() {
  const spans = h.spans();
  assertConformance(spans);
  return spanTree(spans);
}

describe("MCP operations", () => {
  it("a tool call across both sides: client CLIENT span, server SERVER span as its remote child, execute_tool on both", () => {
    const t = mcp();
    const client = t.startOperation({
      side: "client",
      method: "tools/call",
      requestId: 3,
      params: { name: "get_weather", arguments: { city: "Paris" } },
      transport: http,
    });
    const meta = traceMetaOf(client.context);
    expect(Object.keys(meta).sort()).toEqual(["traceparent"]);
    const server = t.startOperation({
      side: "server",
      method: "tools/call",
      requestId: 3,
      params: { name: "get_weather", _meta: meta },
      transport: { kind: "http", sessionId: "s-1" },
      parent: extractMcpContext(meta, ROOT_CONTEXT),
    });
    server.end({ content: [{ type: "text", text: "sunny" }] });
    client.end({ content: [{ type: "text", text: "sunny" }] });
    expect(checked()).toEqual([
      {
        name: "tools/call get_weather",
        kind: "CLIENT",
        status: "UNSET",
        attributes: {
          "mcp.method.name": "tools/call",
          "gen_ai.tool.name": "get_weather",
          "gen_ai.operation.name": "execute_tool",
          "jsonrpc.request.id": "3",
          "network.transport": "tcp",
          "network.protocol.name": "http",
          "mcp.session.id": "s-1",
          "mcp.protocol.version": "2025-06-18",
          "server.address": "127.0.0.1",
          "server.port": 8080,
        },
        children: [
          {
            name: "tools/call get_weather",
            kind: "SERVER",
            status: "UNSET",
            attributes: {
              "mcp.method.name": "tools/call",
              "gen_ai.tool.name": "get_weather",
              "gen_ai.operation.name": "execute_tool",
              "jsonrpc.request.id": "3",
              "network.transport": "tcp",
              "network.protocol.name": "http",
              "mcp.session.id": "s-1",
            },
            children: [],
          },
        ],
      },
    ]);
    const [serverSpan] = h.spans();
    expect(serverSpan?.parentSpanContext?.isRemote).toBe(true);
  });

  it("baggage (the conversation id) rides in _meta beside traceparent", () => {
    const ctx = setConversationId(context.active(), "conv-7");
    const op = mcp().startOperation({ side: "client", method: "ping", requestId: 1, parent: ctx });
    const meta = traceMetaOf(op.context);
    expect(meta.baggage).toBe("gen_ai.conversation.id=conv-7");
    op.end({});
  });

  it("errors: isError is tool_error on both sides; client-caused codes are no server error; -32603 is", () => {
    const t = mcp();
    t.startOperation({ side: "client", method: "tools/call", requestId: 1, params: { name: "boom" }, transport: stdio }).end({
      isError: true,
      content: [{ type: "text", text: "secret detail" }],
    });
    t.startOperation({ side: "server", method: "tools/call", requestId: 1, params: { name: "boom" }, transport: stdio }).end({
      isError: true,
    });
    t.startOperation({ side: "server", method: "nope/missing", requestId: 2, transport: stdio }).failWithCode(
      -32601,
      "Method not found",
    );
    t.startOperation({ side: "client", method: "nope/missing", requestId: 2, transport: stdio }).fail(
      Object.assign(new Error("MCP error -32601: Method not found"), { code: -32601 }),
    );
    t.startOperation({
      side: "server",
      method: "resources/read",
      requestId: 4,
      params: { uri: "file:///x" },
      transport: stdio,
    }).fail(new TypeError("boom"));
    t.startOperation({
      side: "client",
      method: "resources/read",
      requestId: 4,
      params: { uri: "file:///x" },
      transport: stdio,
    }).fail(new TypeError("Not connected"));
    const brief = checked().map((n) => [
      n.name,
      n.kind,
      n.status,
      n.attributes["error.type"],
      n.attributes["rpc.response.status_code"],
    ]);
    expect(brief).toEqual([
      ["tools/call boom", "CLIENT", "ERROR", "tool_error", undefined],
      ["tools/call boom", "SERVER", "ERROR", "tool_error", undefined],
      ["nope/missing", "SERVER", "UNSET", undefined, "-32601"],
      ["nope/missing", "CLIENT", "ERROR", "-32601", "-32601"],
      ["resources/read", "SERVER", "ERROR", "-32603", "-32603"],
      ["resources/read", "CLIENT", "ERROR", "TypeError", undefined],
    ]);
    // Capture off: no message (it may quote the request) in the status.
    expect(h.spans().map((s) => s.status.message)).toEqual([
      "tool_error",
      "tool_error",
      undefined,
      "-32601",
      "-32603",
      "TypeError",
    ]);
  });

  it("content only with capture on: tool arguments and result, prompt variables, resource contents", () => {
    const t = mcp(true);
    const call = t.startOperation({
      side: "client",
      method: "tools/call",
      requestId: 1,
      params: { name: "echo", arguments: { text: "hi", apiKey: "sk-abcdefghijklmnopqrstuvwxyz" } },
    });
    call.end({ content: [{ type: "text", text: "hi" }] });
    t.startOperation({
      side: "server",
      method: "prompts/get",
      requestId: 2,
      params: { name: "greet", arguments: { who: "Ada" } },
    }).end({ messages: [] });
    t.startOperation({ side: "server", method: "resources/read", requestId: 3, params: { uri: "mem://a" } }).end({
      contents: [{ uri: "mem://a", text: "alpha" }],
    });
    const [tool, prompt, resource] = checked();
    expect(tool?.attributes["gen_ai.tool.call.arguments"]).toBe('{"text":"hi","apiKey":"[REDACTED]"}');
    expect(tool?.attributes["gen_ai.tool.call.result"]).toBe('{"content":[{"type":"text","text":"hi"}]}');
    expect(prompt?.name).toBe("prompts/get greet");
    expect(prompt?.attributes["gen_ai.prompt.variable.who"]).toBe("Ada");
    expect(resource?.attributes["mcp.resource.uri"]).toBe("mem://a");
    expect(resource?.attributes["otel_agents.mcp.resource.contents"]).toBe('{"contents":[{"uri":"mem://a","text":"alpha"}]}');
  });

  it("a malformed _meta.traceparent gives a clean root span, never a throw", () => {
    const ctx = extractMcpContext({ traceparent: "00-zzzz-not-a-trace-01", baggage: 42 }, ROOT_CONTEXT);
    expect(trace.getSpanContext(ctx)).toBeUndefined();
    expect(extractMcpContext("junk", ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error("hostile");
        },
      },
    );
    expect(() => extractMcpContext(hostile)).not.toThrow();
    mcp()
      .startOperation({ side: "server", method: "tools/call", requestId: "r", params: { name: 7 }, parent: ctx })
      .end(null);
    const [span] = h.spans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.name).toBe("tools/call");
    expect(spanViolations(span!)).toEqual(['span "tools/call": a tools/call span needs gen_ai.tool.name']);
  });

  it("records the operation and session duration metrics on the registry's names", async () => {
    // A harness of its own: the other tests' operations are in the cumulative metrics of the shared one.
    const own = createHarness();
    const t = new McpTelemetry(scope, { tracerProvider: own.tracerProvider, meterProvider: own.meterProvider });
    const session = t.startSession("client", { kind: "stdio" });
    t.startOperation({ side: "client", method: "tools/call", requestId: 1, params: { name: "a" }, transport: stdio }).end({});
    t.startOperation({ side: "server", method: "tools/list", requestId: 2, transport: stdio }).failWithCode(-32602);
    session.update({ protocolVersion: "2025-06-18" });
    session.end();
    session.end();
    const metrics = await own.metrics();
    assertMetricConformance(metrics);
    const points = Object.fromEntries(metrics.map((m) => [m.descriptor.name, m.dataPoints.map((p) => p.attributes)]));
    expect(points).toEqual({
      "mcp.client.operation.duration": [
        {
          "mcp.method.name": "tools/call",
          "gen_ai.tool.name": "a",
          "gen_ai.operation.name": "execute_tool",
          "network.transport": "pipe",
          "mcp.protocol.version": "2025-06-18",
        },
      ],
      "mcp.server.operation.duration": [
        {
          "mcp.method.name": "tools/list",
          "network.transport": "pipe",
          "mcp.protocol.version": "2025-06-18",
          "rpc.response.status_code": "-32602",
        },
      ],
      "mcp.client.session.duration": [{ "network.transport": "pipe", "mcp.protocol.version": "2025-06-18" }],
    });
  });

  it("times spans below the millisecond, as the SDK does: an in-process request is not 0 or 1 ms", () => {
    const t = mcp();
    for (let i = 0; i < 8; i++) {
      t.startOperation({ side: "client", method: "ping", requestId: i, transport: stdio }).end({});
    }
    const spans = h.spans();
    expect(spans).toHaveLength(8);
    // Each time is [seconds, nanoseconds]: a millisecond clock leaves the last six digits at zero.
    // With a sub-millisecond clock, all sixteen doing so by chance is out of the question.
    const times = spans.flatMap((s) => [s.startTime[1], s.endTime[1]]);
    expect(times.some((ns) => ns % 1e6 !== 0)).toBe(true);
    for (const s of spans) {
      const durationNs = (s.endTime[0] - s.startTime[0]) * 1e9 + (s.endTime[1] - s.startTime[1]);
      expect(durationNs).toBeGreaterThanOrEqual(0);
    }
  });

  it("with no provider registered or given, records nothing and is inactive", () => {
    const t = new McpTelemetry(scope);
    expect(t.active).toBe(false);
    expect(propagation.fields()).toContain("traceparent");
  });
});
