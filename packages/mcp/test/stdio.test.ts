import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { trace } from "@opentelemetry/api";
import { assertConformance, assertMetricConformance, type CheckedSpan } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { instrumentMcpClient } from "../src/index.js";
import { serverSpans, spansFile, stdioServerParams } from "./servers.js";

const h = createHarness();
const tracer = h.tracerProvider.getTracer("agent-app");
afterEach(() => h.reset());

async function connect(file: string, capture = false) {
  const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }), {
    tracerProvider: h.tracerProvider,
    meterProvider: h.meterProvider,
    captureContent: capture,
  });
  await client.connect(new StdioClientTransport(stdioServerParams(file, capture)));
  return client;
}

/** Both processes' spans, checked against the registry, as trees. */
function trees(file: string, pick?: (key: string) => boolean) {
  const all: CheckedSpan[] = [...h.spans(), ...serverSpans(file)];
  assertConformance(all);
  return spanTree(all, pick);
}

const noSessionFacts = (k: string) => k !== "mcp.protocol.version";

describe("a server in a child process over stdio", () => {
  it("one trace: the agent's span, the client span, the server span as its remote child, the tool's own span", async () => {
    const file = spansFile();
    const client = await connect(file);
    const result = await tracer.startActiveSpan("agent", async (span) => {
      const r = await client.callTool({ name: "get_weather", arguments: { city: "Paris" } });
      span.end();
      return r;
    });
    expect(result.content).toEqual([{ type: "text", text: "sunny in Paris" }]);
    await client.close();

    // Three traces, in name order: the app's span (the SDK stamps its start with Date.now(), whole
    // milliseconds) and our initialized notification may start in the same millisecond.
    const forest = trees(file).sort((a, b) => a.name.localeCompare(b.name));
    expect(shape(forest)).toEqual([
      {
        "agent [INTERNAL]": [
          { "tools/call get_weather [CLIENT]": [{ "tools/call get_weather [SERVER]": ["lookup [INTERNAL]"] }] },
        ],
      },
      { "initialize [CLIENT]": ["initialize [SERVER]"] },
      { "notifications/initialized [CLIENT]": ["notifications/initialized [SERVER]"] },
    ]);
    const call = forest[0]?.children[0];
    expect(call).toEqual({
      name: "tools/call get_weather",
      kind: "CLIENT",
      status: "UNSET",
      attributes: {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        "jsonrpc.request.id": "1",
        "network.transport": "pipe",
        "mcp.protocol.version": "2025-11-25",
      },
      children: [
        {
          name: "tools/call get_weather",
          kind: "SERVER",
          status: "UNSET",
          attributes: {
            "mcp.method.name": "tools/call",
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "get_weather",
            "jsonrpc.request.id": "1",
            "network.transport": "pipe",
            "mcp.protocol.version": "2025-11-25",
          },
          children: [{ name: "lookup", kind: "INTERNAL", status: "UNSET", attributes: {}, children: [] }],
        },
      ],
    });
    // One trace id across both processes; the server span's parent is remote.
    const server = serverSpans(file).find((s) => s.name === "tools/call get_weather");
    const clientSpan = h.spans().find((s) => s.name === "tools/call get_weather");
    expect(server?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(server?.parentSpanContext).toEqual({ ...clientSpan?.spanContext(), isRemote: true, traceFlags: 1 });

    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const names = metrics.map((m) => m.descriptor.name).sort();
    expect(names).toEqual(["mcp.client.operation.duration", "mcp.client.session.duration"]);
  });

  it("errors: a tool that throws, an unknown method, a malformed _meta.traceparent, a server that dies mid-call", async () => {
    const file = spansFile();
    const client = await connect(file);
    const boom = await client.callTool({ name: "boom", arguments: {} });
    expect(boom.isError).toBe(true);
    const unknown = await client.request({ method: "nope/missing", params: {} }, z.object({})).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).code).toBe(-32601);
    // A caller's own broken traceparent is left as it is (never a second injection) and the server starts a clean trace.
    const odd = await client.callTool({
      name: "get_weather",
      arguments: { city: "Oslo" },
      _meta: { traceparent: "00-not-a-trace-01" },
    });
    expect(odd.content).toEqual([{ type: "text", text: "sunny in Oslo" }]);
    const died = await client.callTool({ name: "die", arguments: {} }).catch((e: unknown) => e);
    expect(died).toBeInstanceOf(McpError);
    expect((died as McpError).code).toBe(-32000);

    const brief = (nodes: ReturnType<typeof spanTree>): unknown[] =>
      nodes.map((n) => ({
        [`${n.name} [${n.kind}] ${n.status} ${n.attributes["error.type"] ?? "-"} ${n.attributes["rpc.response.status_code"] ?? "-"}`]:
          brief(n.children),
      }));
    expect(brief(trees(file, noSessionFacts))).toEqual([
      { "initialize [CLIENT] UNSET - -": [{ "initialize [SERVER] UNSET - -": [] }] },
      { "notifications/initialized [CLIENT] UNSET - -": [{ "notifications/initialized [SERVER] UNSET - -": [] }] },
      { "tools/call boom [CLIENT] ERROR tool_error -": [{ "tools/call boom [SERVER] ERROR tool_error -": [] }] },
      { "nope/missing [CLIENT] ERROR -32601 -32601": [{ "nope/missing [SERVER] UNSET - -32601": [] }] },
      { "tools/call get_weather [CLIENT] UNSET - -": [] },
      { "tools/call get_weather [SERVER] UNSET - -": [{ "lookup [INTERNAL] UNSET - -": [] }] },
      { "tools/call die [CLIENT] ERROR -32000 -32000": [] },
    ]);
    // Capture off: the tool's error text is nowhere in the spans.
    expect(
      JSON.stringify([
        ...h.spans().map((s) => [s.attributes, s.status]),
        ...serverSpans(file).map((s) => [s.attributes, s.status]),
      ]),
    ).not.toContain("kaboom");
  });

  it("concurrent calls on one session: each server span under its own client span, no cross-talk", async () => {
    const file = spansFile();
    const client = await connect(file);
    const tags = ["a", "b", "c", "d", "e"];
    const results = await Promise.all(
      tags.map((tag) =>
        tracer.startActiveSpan(`agent ${tag}`, async (span) => {
          const r = await client.callTool({ name: "slow", arguments: { tag } });
          span.end();
          return r;
        }),
      ),
    );
    expect(results.map((r) => (r.content as { text: string }[])[0]?.text)).toEqual(tags.map((t) => `done ${t}`));
    await client.close();
    const forest = trees(file).filter((n) => n.name.startsWith("agent "));
    expect(shape(forest)).toEqual(
      tags.map((t) => ({ [`agent ${t} [INTERNAL]`]: [{ "tools/call slow [CLIENT]": ["tools/call slow [SERVER]"] }] })),
    );
    for (const root of forest) {
      const clientSpan = root.children[0];
      expect(clientSpan?.children[0]?.attributes["jsonrpc.request.id"]).toBe(clientSpan?.attributes["jsonrpc.request.id"]);
    }
  });

  it("capture on: tool arguments and results, prompt variables and resource contents on both sides; never the API key", async () => {
    const file = spansFile();
    const client = await connect(file, true);
    await client
      .callTool({ name: "get_weather", arguments: { city: "Rome", apiKey: "sk-proj-abcdefghijklmnopqrstuvwx" } })
      .catch(() => undefined);
    await client.getPrompt({ name: "greet", arguments: { who: "Ada" } });
    await client.readResource({ uri: "mem://readme" });
    await client.close();
    const spans = [...h.spans(), ...serverSpans(file)];
    assertConformance(spans);
    const pick = (name: string, kind: number) => spans.find((s) => s.name === name && s.kind === kind)?.attributes ?? {};
    for (const kind of [1, 2]) {
      const call = pick("tools/call get_weather", kind);
      expect(call["gen_ai.tool.call.arguments"]).toBe('{"city":"Rome","apiKey":"[REDACTED]"}');
      expect(pick("prompts/get greet", kind)["gen_ai.prompt.variable.who"]).toBe("Ada");
      expect(pick("resources/read", kind)["mcp.resource.uri"]).toBe("mem://readme");
      expect(pick("resources/read", kind)["otel_agents.mcp.resource.contents"]).toBe(
        '{"contents":[{"uri":"mem://readme","text":"alpha"}]}',
      );
    }
    expect(pick("tools/call get_weather", 2)["gen_ai.tool.call.result"]).toBe(
      '{"content":[{"type":"text","text":"sunny in Rome"}]}',
    );
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain("sk-proj-");
  });

  it("tracing off (no provider): the message is unchanged and nothing is recorded", async () => {
    const file = spansFile();
    const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }));
    const transport = new StdioClientTransport(stdioServerParams(file));
    const sent: unknown[] = [];
    await client.connect(transport);
    const send = transport.send.bind(transport);
    transport.send = (message) => {
      sent.push(message);
      return send(message);
    };
    await client.callTool({ name: "get_weather", arguments: { city: "Lima" } });
    await client.close();
    expect(sent).toEqual([
      { method: "tools/call", params: { name: "get_weather", arguments: { city: "Lima" } }, jsonrpc: "2.0", id: 1 },
    ]);
    expect(h.spans()).toEqual([]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
