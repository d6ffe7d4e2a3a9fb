import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { diag } from "@opentelemetry/api";
import { captureDiag } from "@otel-agents/testing/diag";
import { createHarness } from "@otel-agents/testing/harness";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { instrumentMcpClient, instrumentMcpServer } from "../src/index.js";

// A file of its own: the warning is said once per process. Nothing is registered globally.
const h = createHarness();
afterEach(() => diag.disable());
afterAll(() => h.shutdown());

describe("an MCP app with no OpenTelemetry SDK registered", () => {
  it("gets one diag line at its first message, naming the fix; the results unchanged, nothing recorded", async () => {
    const said = captureDiag();
    const mcp = new McpServer({ name: "weather", version: "1.0.0" });
    mcp.registerTool("get_weather", { inputSchema: { city: z.string() } }, async ({ city }) => ({
      content: [{ type: "text", text: `sunny in ${city}` }],
    }));
    instrumentMcpServer(mcp.server);
    const client = instrumentMcpClient(new Client({ name: "agent", version: "1.0.0" }));
    expect(said).toEqual([]);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    await client.connect(clientSide);
    const result = await client.callTool({ name: "get_weather", arguments: { city: "Lima" } });
    await client.close();
    expect(result.content).toEqual([{ type: "text", text: "sunny in Lima" }]);
    expect(said).toEqual([
      "warn: otel-agents/mcp: an MCP message was sent or received, but no OpenTelemetry SDK is registered (no tracer provider and no meter provider), so it is not recorded. Start one before the first request, e.g. new NodeSDK({ instrumentations: [new McpInstrumentation()] }).start() from @opentelemetry/sdk-node, or pass tracerProvider to instrumentMcpClient() / instrumentMcpServer().",
    ]);
    expect(h.spans()).toEqual([]);
  });
});
