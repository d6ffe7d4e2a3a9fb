import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CreateMessageRequestSchema, type JSONRPCMessage, McpError } from "@modelcontextprotocol/sdk/types.js";
import { assertConformance, type CheckedSpan } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { n, spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { afterEach, describe, expect, it } from "vitest";
import { instrumentMcpClient, instrumentMcpServer } from "../src/index.js";
import { serverSpans, spansFile, startHttpServer, stdioServerParams, stop } from "./servers.js";

// The SDK sends a cancelled request's `notifications/cancelled` through its transport itself, not
// through `notification`: it still gets a client span, under the cancelled request's, with its
// trace context in `_meta`, so that the receiving side's span joins the same trace.

const h = createHarness();
const tracer = h.tracerProvider.getTracer("agent-app");
const options = { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider };
afterEach(() => h.reset());

/**
 * Both processes' spans, checked against the registry, as trees whose siblings are ordered by name
 * and kind: the two processes' clocks order spans only to the millisecond.
 */
function trees(file: string): TreeNode[] {
  const all: CheckedSpan[] = [...h.spans(), ...serverSpans(file)];
  assertConformance(all);
  const ordered = (nodes: TreeNode[]): TreeNode[] =>
    nodes
      .map((node) => ({ ...node, children: ordered(node.children) }))
      .sort((a, b) => `${a.name} [${a.kind}]`.localeCompare(`${b.name} [${b.kind}]`));
  return ordered(spanTree(all));
}

const timedOut = { "error.type": "-32001", "rpc.response.status_code": "-32001" };

describe("a request cancelled by the side that sent it", () => {
  it("stdio, the request timed out: the cancellation's client span is the request's child, the server's its remote child", async () => {
    const file = spansFile();
    const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }), options);
    await client.connect(new StdioClientTransport(stdioServerParams(file)));
    const error = await tracer.startActiveSpan("agent", async (span) => {
      const e = await client.callTool({ name: "hang", arguments: {} }, undefined, { timeout: 50 }).catch((err: unknown) => err);
      span.end();
      return e;
    });
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32001);
    // The server reads the pipe in order: it has handled the cancellation when it answers this.
    await client.ping();
    await client.close();

    const pipe = { "network.transport": "pipe", "mcp.protocol.version": "2025-11-25" };
    const hang = {
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "hang",
      "jsonrpc.request.id": "1",
      ...pipe,
    };
    const cancelled = { "mcp.method.name": "notifications/cancelled", ...pipe };
    const forest = trees(file);
    expect(forest.find((root) => root.name === "agent")).toEqual(
      n("agent", "INTERNAL", {}, [
        n(
          "tools/call hang",
          "CLIENT",
          { ...hang, ...timedOut },
          [
            n("notifications/cancelled", "CLIENT", cancelled, [n("notifications/cancelled", "SERVER", cancelled)]),
            // The server's handler saw the cancellation and returned; the SDK sent no reply.
            n("tools/call hang", "SERVER", hang),
          ],
          "ERROR",
        ),
      ]),
    );
    // Nothing else: no root of its own for the cancellation on either side.
    expect(forest.map((root) => `${root.name} [${root.kind}]`)).toEqual([
      "agent [INTERNAL]",
      "initialize [CLIENT]",
      "notifications/initialized [CLIENT]",
      "ping [CLIENT]",
    ]);
  });

  it("Streamable HTTP, the caller aborted: the same tree across the HTTP hop; the message only gains _meta", async () => {
    const file = spansFile();
    const server = await startHttpServer(file);
    try {
      const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }), options);
      const transport = new StreamableHTTPClientTransport(server.url);
      // The messages as they leave, below our hooks; and the cancellation's delivery.
      const wire: JSONRPCMessage[] = [];
      let cancelSent: Promise<void> | undefined;
      const send = transport.send.bind(transport);
      transport.send = (message, sendOptions) => {
        const messages = Array.isArray(message) ? message : [message];
        wire.push(...messages);
        const sending = send(message, sendOptions);
        if (messages.some((m) => "method" in m && m.method === "notifications/cancelled")) cancelSent = sending;
        return sending;
      };
      await client.connect(transport);
      const abort = new AbortController();
      const error = await tracer.startActiveSpan("agent", async (span) => {
        const e = await client
          .callTool({ name: "hang", arguments: {} }, undefined, {
            signal: abort.signal,
            // The server is working on the call once it reports progress.
            onprogress: () => abort.abort("user cancelled"),
          })
          .catch((err: unknown) => err);
        span.end();
        return e;
      });
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).message).toBe("MCP error -32001: user cancelled");
      // The server handles a notification before it answers the POST; then it answers this.
      await cancelSent;
      await client.ping();
      await client.close();

      const http = { "network.transport": "tcp", "network.protocol.name": "http" };
      const session = { "mcp.session.id": "session-1", "mcp.protocol.version": "2025-11-25", ...http };
      const address = { "server.address": "127.0.0.1", "server.port": Number(server.url.port) };
      const hang = {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "hang",
        "jsonrpc.request.id": "1",
        ...session,
      };
      const progress = { "mcp.method.name": "notifications/progress", ...session };
      const cancelled = { "mcp.method.name": "notifications/cancelled", ...session };
      // On the server's spans: the socket peer of the POST that brought the message (this process).
      const peer = { "client.address": "127.0.0.1", "client.port": expect.any(Number) };
      expect(trees(file).find((root) => root.name === "agent")).toEqual(
        n("agent", "INTERNAL", {}, [
          n(
            "tools/call hang",
            "CLIENT",
            { ...hang, ...address, ...timedOut },
            [
              n("notifications/cancelled", "CLIENT", { ...cancelled, ...address }, [
                n("notifications/cancelled", "SERVER", { ...cancelled, ...peer }),
              ]),
              n("tools/call hang", "SERVER", { ...hang, ...peer }, [
                n("notifications/progress", "CLIENT", progress, [n("notifications/progress", "SERVER", progress)]),
              ]),
            ],
            "ERROR",
          ),
        ]),
      );
      // The SDK's message, with the cancellation span's trace context added and nothing else.
      const cancelSpan = h.spans().find((s) => s.name === "notifications/cancelled");
      const { traceId, spanId } = cancelSpan?.spanContext() ?? {};
      expect(wire.filter((m) => "method" in m && m.method === "notifications/cancelled")).toEqual([
        {
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: 1, reason: "user cancelled", _meta: { traceparent: `00-${traceId}-${spanId}-01` } },
        },
      ]);
    } finally {
      await stop(server.child);
    }
  });

  it("in process, the server cancels its sampling request: the same tree, the client as the receiving side", async () => {
    const server = instrumentMcpServer(new Server({ name: "weather", version: "1.0.0" }, { capabilities: {} }), options);
    const client = instrumentMcpClient(
      new Client({ name: "agent", version: "1.0.0" }, { capabilities: { sampling: {} } }),
      options,
    );
    let started: () => void = () => undefined;
    const working = new Promise<void>((resolve) => {
      started = resolve;
    });
    // The client's model call: it works until the server cancels it.
    client.setRequestHandler(CreateMessageRequestSchema, (_request, extra) => {
      started();
      return new Promise((resolve) => {
        extra.signal.addEventListener("abort", () =>
          resolve({ model: "none", role: "assistant", content: { type: "text", text: "" } }),
        );
      });
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    h.reset();

    const abort = new AbortController();
    const sampling = tracer.startActiveSpan("tool", (span) => {
      const pending = server.createMessage(
        { messages: [{ role: "user", content: { type: "text", text: "hi" } }], maxTokens: 10 },
        { signal: abort.signal },
      );
      span.end();
      return pending;
    });
    await working;
    abort.abort("no longer needed");
    await expect(sampling).rejects.toThrow("no longer needed");
    await client.close();
    await server.close();

    const spans = h.spans();
    assertConformance(spans);
    const version = { "mcp.protocol.version": "2025-11-25" };
    const request = { "mcp.method.name": "sampling/createMessage", "jsonrpc.request.id": "0", ...version };
    const cancelled = { "mcp.method.name": "notifications/cancelled", ...version };
    expect(spanTree(spans)).toEqual([
      n("tool", "INTERNAL", {}, [
        n(
          "sampling/createMessage",
          "CLIENT",
          { ...request, "error.type": "-32001", "rpc.response.status_code": "-32001" },
          [
            n("sampling/createMessage", "SERVER", request),
            n("notifications/cancelled", "CLIENT", cancelled, [n("notifications/cancelled", "SERVER", cancelled)]),
          ],
          "ERROR",
        ),
      ]),
    ]);
  });
});
