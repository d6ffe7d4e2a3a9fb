import { Agent, MCPServerStdio, Runner, setTracingDisabled } from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { McpInstrumentation } from "@otel-agents/mcp";
import { OpenAIAgentsInstrumentation } from "@otel-agents/openai-agents";
import { find, n, names } from "@otel-agents/testing/app-trees";
import { afterAll, describe, expect, it } from "vitest";
import { startAppSdk } from "../sdk-line.ts";
import { MCP_CALL, remoteParentOf, traceOf } from "./cross-process.ts";
import { serverEnv, serverScript, serverSpans, spansFile } from "./servers.ts";

// The app's NodeSDK: the Agents Instrumentation and McpInstrumentation, nothing else.
const app = startAppSdk([new OpenAIAgentsInstrumentation(), new McpInstrumentation()]);
afterAll(() => app.shutdown());

const usage = (inputTokens: number, outputTokens: number) =>
  new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

describe("OpenAI Agents MCPServerStdio (@modelcontextprotocol/client v2), v2 server in a child process over stdio", () => {
  it("one trace: the Agents execute_tool span is the parent of the MCP client span, the server span its remote child", async () => {
    // Vitest sets NODE_ENV=test, which the Agents SDK takes as "tracing off": the documented fix.
    setTracingDisabled(false);
    const file = spansFile();
    const mcp = new MCPServerStdio({
      name: "weather",
      command: process.execPath,
      args: [serverScript],
      env: serverEnv(file, "v2"),
    });
    await mcp.connect();
    const model = new ScriptedModel([
      { output: [functionCall("get_weather", { city: "Paris" }, { callId: "call_1" })], usage: usage(10, 5), responseId: "r1" },
      { output: [assistantMessage("It is sunny in Paris.")], usage: usage(20, 6), responseId: "r2" },
    ]);
    const agent = new Agent({ name: "Weather", instructions: "Answer.", model, mcpServers: [mcp] });
    const result = await new Runner({ workflowName: "weather-run" }).run(agent, "Weather in Paris?");
    expect(result.finalOutput).toBe("It is sunny in Paris.");
    await mcp.close();

    const spans = [...(await app.spans()), ...serverSpans(file)];
    const tree = traceOf("invoke_agent Weather", spans);
    // The Agents SDK lists the server's tools at each turn (its mcp_tools span): the MCP tools/list
    // exchange nests under it, across both processes, as the tool call does under execute_tool.
    const listTools = { "mcp list_tools weather": [{ "tools/list": ["tools/list"] }] };
    expect(names(tree)).toEqual([
      {
        "invoke_agent Weather": [
          "chat",
          listTools,
          { "execute_tool get_weather": [{ "tools/call get_weather": [{ "tools/call get_weather": ["lookup"] }] }] },
          "chat",
          listTools,
        ],
      },
    ]);
    const [clientSpan] = find(tree, "execute_tool get_weather")?.children ?? [];
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
