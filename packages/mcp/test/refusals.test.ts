import { createMCPClient } from "@ai-sdk/mcp";
import { InMemoryTransport as V1InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server as V1Server } from "@modelcontextprotocol/sdk/server/index.js";
import { InMemoryTransport, McpServer, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/server";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree } from "@otel-agents/testing/span-tree";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { instrumentMcpClient, instrumentMcpServer } from "../src/index.js";

const h = createHarness();
afterEach(() => h.reset());
const options = { tracerProvider: h.tracerProvider, meterProvider: h.meterProvider };

/** The spans as "name [KIND] status error.type rpc.response.status_code", after checking them against the registry. */
function outcomes() {
  const spans = h.spans();
  assertConformance(spans);
  return spanTree(spans).map(
    (n) =>
      `${n.name} [${n.kind}] ${n.status} ${n.attributes["error.type"] ?? "-"} ${n.attributes["rpc.response.status_code"] ?? "-"}`,
  );
}

/** Sends `message` and resolves with the server's reply to it. */
function exchange(client: InMemoryTransport, replies: Map<unknown, (m: unknown) => void>, message: { id: number }) {
  return new Promise<Record<string, unknown>>((resolve) => {
    replies.set(message.id, resolve as (m: unknown) => void);
    void client.send({ jsonrpc: "2.0", ...message } as never);
  });
}

describe("requests refused before any handler", () => {
  it("v2 server: a method outside the negotiated protocol era is replied -32601 by the SDK; its span ends, no error", async () => {
    // Serving the 2026 era too registers server/discover, a method the 2025 era negotiated below does not have.
    const supportedProtocolVersions = [...SUPPORTED_PROTOCOL_VERSIONS, "2026-07-28"];
    const server = instrumentMcpServer(
      new McpServer({ name: "weather", version: "1.0.0" }, { supportedProtocolVersions }),
      options,
    );
    server.registerTool("get_weather", { description: "weather" }, async () => ({ content: [{ type: "text", text: "sunny" }] }));
    const [client, serverSide] = InMemoryTransport.createLinkedPair();
    const replies = new Map<unknown, (m: unknown) => void>();
    client.onmessage = (m) => replies.get((m as { id?: unknown }).id)?.(m);
    await server.connect(serverSide);
    await client.start();
    const clientInfo = { name: "raw", version: "1.0.0" };
    await exchange(client, replies, {
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo },
    } as never);
    const refused = await exchange(client, replies, { id: 2, method: "server/discover", params: {} } as never);
    expect(refused.error).toEqual({ code: -32601, message: "Method not found" });
    const ok = await exchange(client, replies, {
      id: 3,
      method: "tools/call",
      params: { name: "get_weather", arguments: {} },
    } as never);
    expect(ok.result).toEqual({ content: [{ type: "text", text: "sunny" }] });
    await server.close();

    expect(outcomes()).toEqual([
      "initialize [SERVER] UNSET - -",
      "server/discover [SERVER] UNSET - -32601",
      "tools/call get_weather [SERVER] UNSET - -",
    ]);
  });
});

describe("requests the AI SDK's MCP client answers itself", () => {
  it("an unsupported server request replied -32601: the client's server span records the code, no error", async () => {
    const server = new V1Server({ name: "weather", version: "1.0.0" }, { capabilities: { tools: {} } });
    const [clientSide, serverSide] = V1InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const mcp = await createMCPClient({ transport: clientSide });
    instrumentMcpClient(mcp, options);

    await expect(server.request({ method: "roots/list" }, z.object({}).passthrough())).rejects.toMatchObject({
      code: -32601,
    });
    await mcp.close();

    expect(outcomes()).toEqual(["roots/list [SERVER] UNSET - -32601"]);
  });
});
