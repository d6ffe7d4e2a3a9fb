import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { LangChainInstrumentation } from "@otel-agents/langchain";
import { McpInstrumentation } from "@otel-agents/mcp";
import { find, n, names } from "@otel-agents/testing/app-trees";
import { createAgent } from "langchain";
import { afterAll, describe, expect, it } from "vitest";
import { startAppSdk } from "../sdk-line.ts";
import { MCP_CALL, remoteParentOf, traceOf } from "./cross-process.ts";
import { serverEnv, serverScript, serverSpans, spansFile } from "./servers.ts";

// The app's NodeSDK: LangChain's Instrumentation and McpInstrumentation, nothing else.
const app = startAppSdk([new LangChainInstrumentation(), new McpInstrumentation()]);
afterAll(() => app.shutdown());

describe("LangChain createAgent with @langchain/mcp-adapters (v1 SDK), server in a child process over stdio", () => {
  it("one trace: LangChain's execute_tool span is the parent of the MCP client span, the server span its remote child", async () => {
    const file = spansFile();
    const mcp = new MultiServerMCPClient({
      mcpServers: {
        weather: {
          transport: "stdio",
          command: process.execPath,
          args: [serverScript],
          env: serverEnv(file, "v1"),
          stderr: "inherit",
        },
      },
    });
    const tools = await mcp.getTools();
    const model = fakeModel()
      .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
      .respond(new AIMessage("It is sunny in Paris."));
    const agent = createAgent({ model, tools, name: "weather_agent" });
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] });
    expect(result.messages.at(-1)?.text).toBe("It is sunny in Paris.");
    await mcp.close();

    const spans = [...(await app.spans()), ...serverSpans(file)];
    const tree = traceOf("invoke_agent weather_agent", spans);
    expect(names(tree)).toEqual([
      {
        "invoke_agent weather_agent": [
          { model_request: ["chat"] },
          { tools: [{ "execute_tool get_weather": [{ "tools/call get_weather": [{ "tools/call get_weather": ["lookup"] }] }] }] },
          { model_request: ["chat"] },
        ],
      },
    ]);
    const executeTool = find(tree, "execute_tool get_weather");
    const [clientSpan] = executeTool?.children ?? [];
    expect({ ...clientSpan, children: [] }).toEqual(
      n("tools/call get_weather", "CLIENT", { ...MCP_CALL, "jsonrpc.request.id": "2", "mcp.protocol.version": "2025-11-25" }),
    );
    expect({ ...clientSpan?.children[0], children: [] }).toEqual(
      n("tools/call get_weather", "SERVER", { ...MCP_CALL, "jsonrpc.request.id": "2", "mcp.protocol.version": "2025-11-25" }),
    );
    const { client, serverParent } = remoteParentOf(spans, "tools/call get_weather");
    expect(serverParent).toEqual({ ...client, isRemote: true });
  });
});
