import { once } from "node:events";
import { createServer, type IncomingMessage, type Server as NodeServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { n, spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { instrumentMcpClient, instrumentMcpServer } from "../src/index.js";

// Client and server in this process, each traced by the explicit functions into one in-memory
// exporter, the server behind a real Node HTTP server on loopback: the server spans' client.address
// and client.port are the socket peer of the request that brought each message.
const h = createHarness();
afterEach(() => h.reset());
const options = { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider };
const tracer = h.tracerProvider.getTracer("agent-app");

/** The request's body, parsed: handed to the transport as `parsedBody`, as body-parser middleware does. */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * What the HTTP server saw: for each JSON-RPC method posted to it, the socket peer of the request
 * that carried it, read here from the request (independently of the instrumentation).
 */
type Seen = Map<string, { address: string; port: number }>;

function note(seen: Seen, req: IncomingMessage, body: unknown): void {
  for (const message of Array.isArray(body) ? body : [body]) {
    const method = (message as { method?: unknown }).method;
    if (typeof method === "string") {
      seen.set(method, { address: String(req.socket.remoteAddress), port: Number(req.socket.remotePort) });
    }
  }
}

function weatherServer(): McpServer {
  const server = instrumentMcpServer(new McpServer({ name: "weather", version: "1.0.0" }), options);
  server.registerTool("get_weather", { inputSchema: { city: z.string() } }, async ({ city }) => ({
    content: [{ type: "text", text: `sunny in ${city}` }],
  }));
  // Runs an MCP client of its own, inside the HTTP request, against another server linked in memory:
  // that server's spans have no HTTP client (the request is not theirs).
  server.registerTool("relay", { inputSchema: { city: z.string() } }, async ({ city }) => {
    const inner = instrumentMcpServer(new McpServer({ name: "backend", version: "1.0.0" }), options);
    inner.registerTool("echo", { inputSchema: { city: z.string() } }, async (args) => ({
      content: [{ type: "text", text: args.city }],
    }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await inner.connect(serverSide);
    const client = instrumentMcpClient(new Client({ name: "relay", version: "1.0.0" }), options);
    await client.connect(clientSide);
    const result = await client.callTool({ name: "echo", arguments: { city } });
    await client.close();
    return result as { content: { type: "text"; text: string }[] };
  });
  return server;
}

/** A Streamable HTTP MCP server on `host`, one transport per session, as the SDK's examples have it. */
async function streamableServer(host: string): Promise<{ http: NodeServer; url: URL; seen: Seen }> {
  const seen: Seen = new Map();
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers["mcp-session-id"];
    let transport = typeof id === "string" ? sessions.get(id) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => `session-${sessions.size + 1}`,
        onsessioninitialized: (sid) => {
          sessions.set(sid, created);
        },
      });
      await weatherServer().connect(created);
      transport = created;
    }
    if (req.method === "POST") {
      const body = await jsonBody(req);
      note(seen, req, body);
      await transport.handleRequest(req, res, body);
    } else await transport.handleRequest(req, res);
  });
  http.listen(0, host);
  await once(http, "listening");
  const { port } = http.address() as AddressInfo;
  return { http, url: new URL(`http://${host.includes(":") ? `[${host}]` : host}:${port}/mcp`), seen };
}

async function close(http: NodeServer): Promise<void> {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
}

const httpFacts = { "network.transport": "tcp", "network.protocol.name": "http" };
const session = { "mcp.session.id": "session-1", "mcp.protocol.version": "2025-11-25" };

/** Whether this host can listen on the IPv6 loopback. */
async function hasIpv6Loopback(): Promise<boolean> {
  const probe = createServer();
  try {
    probe.listen(0, "::1");
    await once(probe, "listening");
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

describe("client.address and client.port on the server spans of HTTP requests", () => {
  it("Streamable HTTP: the socket peer of each request, never X-Forwarded-For; not on the spans of another server the handler calls", async () => {
    const { http, url, seen } = await streamableServer("127.0.0.1");
    try {
      const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }), options);
      // A header anyone can send: it names no client of this server.
      const requestInit = { headers: { "X-Forwarded-For": "203.0.113.9" } };
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit }));
      await tracer.startActiveSpan("agent", async (span) => {
        await client.callTool({ name: "relay", arguments: { city: "Paris" } });
        span.end();
      });
      await client.close();

      const peer = (method: string) => {
        const s = seen.get(method);
        return { "client.address": s?.address, "client.port": s?.port };
      };
      expect(peer("tools/call")).toEqual({ "client.address": "127.0.0.1", "client.port": expect.any(Number) });
      const address = { "server.address": "127.0.0.1", "server.port": Number(url.port) };
      const initialize = { "mcp.method.name": "initialize", "jsonrpc.request.id": "0" };
      const initialized = { "mcp.method.name": "notifications/initialized" };
      const relay = {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "relay",
        "jsonrpc.request.id": "1",
        ...httpFacts,
        ...session,
      };
      // The in-memory hop inside the handler: no transport facts, no client address.
      const memory = { "mcp.protocol.version": "2025-11-25" };
      const echo = {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "echo",
        "jsonrpc.request.id": "1",
        ...memory,
      };
      const spans = h.spans();
      assertConformance(spans);
      expect(spanTree(spans)).toEqual([
        n("initialize", "CLIENT", { ...initialize, ...httpFacts, ...session, ...address }, [
          n("initialize", "SERVER", { ...initialize, ...httpFacts, ...session, ...peer("initialize") }),
        ]),
        n("notifications/initialized", "CLIENT", { ...initialized, ...httpFacts, ...session, ...address }, [
          n("notifications/initialized", "SERVER", {
            ...initialized,
            ...httpFacts,
            ...session,
            ...peer("notifications/initialized"),
          }),
        ]),
        n("agent", "INTERNAL", {}, [
          n("tools/call relay", "CLIENT", { ...relay, ...address }, [
            n("tools/call relay", "SERVER", { ...relay, ...peer("tools/call") }, [
              n("initialize", "CLIENT", { ...initialize, ...memory }, [n("initialize", "SERVER", { ...initialize, ...memory })]),
              n("notifications/initialized", "CLIENT", { ...initialized, ...memory }, [
                n("notifications/initialized", "SERVER", { ...initialized, ...memory }),
              ]),
              n("tools/call echo", "CLIENT", echo, [n("tools/call echo", "SERVER", echo)]),
            ]),
          ]),
        ]),
      ]);
    } finally {
      await close(http);
    }
  });

  it("Streamable HTTP over IPv6: the address without brackets", async (ctx) => {
    if (!(await hasIpv6Loopback())) ctx.skip();
    const { http, url, seen } = await streamableServer("::1");
    try {
      const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }), options);
      await client.connect(new StreamableHTTPClientTransport(url));
      await client.callTool({ name: "get_weather", arguments: { city: "Lima" } });
      await client.close();

      const served = h.spans().find((s) => s.name === "tools/call get_weather" && s.kind === 1);
      expect(served?.attributes).toEqual({
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        "jsonrpc.request.id": "1",
        ...httpFacts,
        ...session,
        "client.address": "::1",
        "client.port": seen.get("tools/call")?.port,
      });
      // The client's side names the server's host without brackets too.
      const call = h.spans().find((s) => s.name === "tools/call get_weather" && s.kind === 2);
      expect(call?.attributes["server.address"]).toBe("::1");
    } finally {
      await close(http);
    }
  });

  it("legacy SSE transport: the socket peer of each POST", async () => {
    const seen: Seen = new Map();
    const transports = new Map<string, SSEServerTransport>();
    const http = createServer(async (req, res) => {
      if (req.method === "GET") {
        const transport = new SSEServerTransport("/messages", res);
        transports.set(transport.sessionId, transport);
        await weatherServer().connect(transport);
        return;
      }
      const transport = transports.get(new URL(String(req.url), "http://127.0.0.1").searchParams.get("sessionId") ?? "");
      const body = await jsonBody(req);
      note(seen, req, body);
      await transport?.handlePostMessage(req, res, body);
    });
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    const { port } = http.address() as AddressInfo;
    try {
      const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }), options);
      await client.connect(new SSEClientTransport(new URL(`http://127.0.0.1:${port}/sse`)));
      await client.callTool({ name: "get_weather", arguments: { city: "Oslo" } });
      await client.close();

      const [sessionId] = [...transports.keys()];
      const sse = { ...httpFacts, "mcp.protocol.version": "2025-11-25" };
      // The server's session id and its client's socket peer: on the server spans only (the client's
      // SSE transport keeps no session id, so its spans have none, as before).
      const served = (method: string) => ({
        "mcp.session.id": sessionId,
        "client.address": "127.0.0.1",
        "client.port": seen.get(method)?.port ?? "no request seen",
      });
      const address = { "server.address": "127.0.0.1", "server.port": port };
      const initialize = { "mcp.method.name": "initialize", "jsonrpc.request.id": "0", ...sse };
      const initialized = { "mcp.method.name": "notifications/initialized", ...sse };
      const call = {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        "jsonrpc.request.id": "1",
        ...sse,
      };
      const spans = h.spans();
      assertConformance(spans);
      expect(spanTree(spans)).toEqual([
        n("initialize", "CLIENT", { ...initialize, ...address }, [
          n("initialize", "SERVER", { ...initialize, ...served("initialize") }),
        ]),
        n("notifications/initialized", "CLIENT", { ...initialized, ...address }, [
          n("notifications/initialized", "SERVER", { ...initialized, ...served("notifications/initialized") }),
        ]),
        n("tools/call get_weather", "CLIENT", { ...call, ...address }, [
          n("tools/call get_weather", "SERVER", { ...call, ...served("tools/call") }),
        ]),
      ]);
    } finally {
      await close(http);
    }
  });
});
