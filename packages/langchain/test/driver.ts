import { AIMessage } from "@langchain/core/messages";
// The LangChain under test: this package's pins, or the oldest claimed in tests/langchain-oldest.
import corePackage from "@langchain/core/package.json" with { type: "json" };
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import type { Attributes } from "@opentelemetry/api";
import { satisfies } from "@otel-agents/core/adapter";
import { type AbortCase, type AdapterDriver, echoBody } from "@otel-agents/testing/contract";
import type { TreeNode } from "@otel-agents/testing/span-tree";
import { createAgent } from "langchain";
import langchainPackage from "langchain/package.json" with { type: "json" };
import { z } from "zod";
import { OpenTelemetryCallbackHandler } from "../src/index.js";
import { trackedRunCount } from "../src/step-context.js";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

// Where the frameworks themselves differ (README "Older versions"); what the adapter does with
// what they hand it is the same. @langchain/core hands handlers the tool call id from 1.1.28;
// langchain 1.0 marks no agent (the call's metadata does) and runs the model in a
// RunnableSequence with a `prompt` step.
const TOOL_CALL_IDS = satisfies(corePackage.version, ">=1.1.28");
const LANGCHAIN_1_0 = satisfies(langchainPackage.version, "<1.1.0");

/** The LangChain adapter for the contract suite: operation i is a `createAgent` run of `agent_<i>` with one `echo` tool call. */
export const driver: AdapterDriver<OpenTelemetryCallbackHandler> = {
  harness: h,
  create: ({ captureContent } = {}) => makeHandler({ captureContent }),
  createGlobal: () => new OpenTelemetryCallbackHandler(),
  openRuns: (handler) => handler.openRuns,
  endOpenRuns: (handler) => handler.endOpenRuns(),
  leftovers: trackedRunCount,
  listening: (handler) => {
    const ignored = [handler.ignoreLLM, handler.ignoreChain, handler.ignoreRetriever, handler.ignoreAgent];
    // All four kinds or none: LangChain skips a handler per kind.
    if (new Set(ignored).size > 1) throw new Error(`ignores some kinds only: ${ignored}`);
    return ignored[0] === false;
  },
  trees: (spans) => tree(spans),
  run: async (handler, i, { signal, tool: body } = {}) => {
    const echo = tool(body ?? echoBody(i), { name: "echo", description: "Echo", schema: z.object({ i: z.number() }) });
    const model = fakeModel()
      .respondWithTools([{ name: "echo", args: { i }, id: `call_${i}` }])
      .respond(new AIMessage(`done ${i}`));
    const agent = createAgent({ model, tools: [echo], name: `agent_${i}` });
    const metadata = LANGCHAIN_1_0 ? { lc_agent_name: `agent_${i}` } : undefined;
    const result = await agent.invoke(
      { messages: [{ role: "user", content: `run ${i}` }] },
      { callbacks: [handler], signal, metadata },
    );
    return result.messages.at(-1)?.content;
  },
  expected: (i, { captureContent = false, toolChildren = [], toolResult = `echo ${i}` } = {}) => {
    const content = (attributes: Attributes): Attributes => (captureContent ? attributes : {});
    const user = { role: "user", parts: [{ type: "text", content: `run ${i}` }] };
    // The fake model puts the prompt in the text of its tool-call answer.
    const call = { type: "tool_call", id: `call_${i}`, name: "echo", arguments: { i } };
    const asked = { role: "assistant", parts: [{ type: "text", content: `run ${i}` }, call] };
    const chat = (attributes: Attributes) =>
      n("chat", "CLIENT", { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "fakebuiltmodel", ...FW, ...attributes });
    const tool = n(
      "execute_tool echo",
      "INTERNAL",
      {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "echo",
        ...(TOOL_CALL_IDS ? { "gen_ai.tool.call.id": `call_${i}` } : {}),
        "gen_ai.tool.type": "function",
        ...FW,
        "gen_ai.agent.name": `agent_${i}`,
        ...content({
          "gen_ai.tool.call.arguments": JSON.stringify({ i }),
          "gen_ai.tool.call.result": JSON.stringify({ output: toolResult }),
        }),
      },
      toolChildren,
    );
    const first = chat({
      ...content({ "gen_ai.input.messages": JSON.stringify([user]) }),
      "gen_ai.response.id": "0",
      ...content({ "gen_ai.output.messages": JSON.stringify([asked]) }),
    });
    const answered = chat(
      content({
        "gen_ai.input.messages": JSON.stringify([
          user,
          { ...asked, name: `agent_${i}` },
          { role: "tool", parts: [{ type: "tool_call_response", id: `call_${i}`, response: toolResult }], name: "echo" },
        ]),
        "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: `done ${i}` }] }]),
      }),
    );
    const agent = { "gen_ai.operation.name": "invoke_agent", ...FW, "gen_ai.agent.name": `agent_${i}` };
    return n(`invoke_agent agent_${i}`, "INTERNAL", agent, [
      modelNode(1, first),
      node("tools", 2, ["__pregel_push"], [tool]),
      modelNode(3, answered),
    ]);
  },
};

/** createAgent's model node around its model call. */
function modelNode(step: number, chat: TreeNode): TreeNode {
  const chain = (name: string, children: TreeNode[] = []) =>
    n(name, "INTERNAL", { "otel_agents.step.type": "chain", ...FW }, children);
  return node(
    "model_request",
    step,
    ["branch:to:model_request"],
    LANGCHAIN_1_0 ? [chain("RunnableSequence", [chain("prompt"), chat])] : [chat],
  );
}

/** A LangGraph node's span. */
export function node(name: string, step: number, triggers: string[], children: TreeNode[] = []): TreeNode {
  return n(
    name,
    "INTERNAL",
    { "otel_agents.step.type": "node", ...FW, "langgraph.node": name, "langgraph.step": step, "langgraph.triggers": triggers },
    children,
  );
}

/** Operation `i` cut off in its tool (content off): the first model call and the tool, no second model call. */
export function firstTurn(i: number): TreeNode {
  const whole = driver.expected(i);
  return { ...whole, children: whole.children.slice(0, 2) };
}

/** `node` as a failure: status ERROR and `error.type`. */
export function failed(errorType: string, node: TreeNode, children = node.children): TreeNode {
  return { ...node, status: "ERROR", attributes: { ...node.attributes, "error.type": errorType }, children };
}

/**
 * Operation 0 aborted while its tool runs: the run fails with the AbortError; the model call had
 * finished, the tool step and the tool were cut off. The tool outlives the abort: its late result
 * must not reopen anything.
 */
export function aborted(): AbortCase {
  const [model, tools] = firstTurn(0).children as [TreeNode, TreeNode];
  const cutOff = failed(
    "AbortError",
    tools,
    tools.children.map((t) => failed("AbortError", t)),
  );
  return { rejectsBeforeTool: true, expected: [failed("AbortError", firstTurn(0), [model, cutOff])] };
}
