import { createMCPClient } from "@ai-sdk/mcp";
import { Experimental_StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import type { LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { AiSdkInstrumentation } from "@otel-agents/ai-sdk";
import { McpInstrumentation } from "@otel-agents/mcp";
import { find, n, names } from "@otel-agents/testing/app-trees";
import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, describe, expect, it } from "vitest";
import { startAppSdk } from "../sdk-line.ts";
import { MCP_CALL, remoteParentOf, traceOf } from "./cross-process.ts";
import { serverEnv, serverScript, serverSpans, spansFile } from "./servers.ts";

// The app's NodeSDK: the AI SDK's Instrumentation and McpInstrumentation, nothing else.
const app = startAppSdk([new AiSdkInstrumentation(), new McpInstrumentation()]);
afterAll(() => app.shutdown());

const result = (
  content: LanguageModelV4GenerateResult["content"],
  id: string,
  tools: boolean,
): LanguageModelV4GenerateResult => ({
  content,
  finishReason: tools ? { unified: "tool-calls", raw: "tool_calls" } : { unified: "stop", raw: "stop" },
  usage: {
    inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 5, text: 5, reasoning: undefined },
  },
  warnings: [],
  response: { id, modelId: "gpt-4o-mini", timestamp: new Date(0) },
});

describe("AI SDK generateText with @ai-sdk/mcp tools (its own JSON-RPC client), v1 server in a child process over stdio", () => {
  it("one trace: the AI SDK's execute_tool span is the parent of the MCP client span, the server span its remote child", async () => {
    const file = spansFile();
    const mcp = await createMCPClient({
      transport: new Experimental_StdioMCPTransport({
        command: process.execPath,
        args: [serverScript],
        env: serverEnv(file, "v1"),
      }),
    });
    const tools = await mcp.tools();
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o-mini",
      doGenerate: [
        result([{ type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}' }], "resp-1", true),
        result([{ type: "text", text: "It is sunny in Paris." }], "resp-2", false),
      ],
    });
    const out = await generateText({
      model,
      prompt: "Weather in Paris?",
      tools,
      stopWhen: stepCountIs(3),
      telemetry: { functionId: "weather-agent" },
    });
    expect(out.text).toBe("It is sunny in Paris.");
    await mcp.close();

    const spans = [...(await app.spans()), ...serverSpans(file)];
    const tree = traceOf("invoke_agent weather-agent", spans);
    expect(names(tree)).toEqual([
      {
        "invoke_agent weather-agent": [
          "chat gpt-4o-mini",
          { "execute_tool get_weather": [{ "tools/call get_weather": [{ "tools/call get_weather": ["lookup"] }] }] },
          "chat gpt-4o-mini",
        ],
      },
    ]);
    // Its discovery probe (server/discover, which the v1 server does not know) took request id 0.
    const [clientSpan] = find(tree, "execute_tool get_weather")?.children ?? [];
    expect({ ...clientSpan, children: [] }).toEqual(
      n("tools/call get_weather", "CLIENT", { ...MCP_CALL, "jsonrpc.request.id": "3", "mcp.protocol.version": "2025-11-25" }),
    );
    expect({ ...clientSpan?.children[0], children: [] }).toEqual(
      n("tools/call get_weather", "SERVER", { ...MCP_CALL, "jsonrpc.request.id": "3", "mcp.protocol.version": "2025-11-25" }),
    );
    const { client, serverParent } = remoteParentOf(spans, "tools/call get_weather");
    expect(serverParent).toEqual({ ...client, isRemote: true });
  });
});
