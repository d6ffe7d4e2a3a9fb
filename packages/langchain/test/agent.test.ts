import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { assertMetricConformance } from "@otel-agents/testing/conformance";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: "get_weather",
  description: "Get the weather of a city",
  schema: z.object({ city: z.string() }),
});

const final = () =>
  new AIMessage({
    content: "It is sunny in Paris.",
    id: "resp-2",
    usage_metadata: { input_tokens: 40, output_tokens: 8, total_tokens: 48 },
    response_metadata: { model_provider: "openai", model_name: "gpt-4o-mini", finish_reason: "stop" },
  });

const node = (name: string, step: number, triggers: string[], children: ReturnType<typeof n>[]) =>
  n(
    name,
    "INTERNAL",
    { "otel_agents.step.type": "node", ...FW, "langgraph.node": name, "langgraph.step": step, "langgraph.triggers": triggers },
    children,
  );

describe("createAgent", () => {
  it("reports a two-turn tool-calling agent as invoke_agent > nodes > chat / execute_tool", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
      .respond(final());
    const agent = createAgent({ model, tools: [getWeather], name: "weather_agent", systemPrompt: "You are helpful." });
    const result = await agent.invoke(
      { messages: [{ role: "user", content: "Weather in Paris?" }] },
      { callbacks: [makeHandler()], configurable: { thread_id: "thread-1" } },
    );
    expect(result.messages.at(-1)?.content).toBe("It is sunny in Paris.");

    const chat = (extra: Record<string, unknown>) =>
      n("chat", "CLIENT", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "fakebuiltmodel",
        "gen_ai.conversation.id": "thread-1",
        ...FW,
        ...extra,
      } as never);
    expect(tree()).toEqual([
      n(
        "invoke_agent weather_agent",
        "INTERNAL",
        {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "weather_agent",
          "gen_ai.conversation.id": "thread-1",
          ...FW,
          // Totals of the agent's own model calls (only the second reports usage).
          "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.usage.input_tokens": 40,
          "gen_ai.usage.output_tokens": 8,
        },
        [
          // The conditional-edge router after each model call is folded away.
          node("model_request", 1, ["branch:to:model_request"], [chat({ "gen_ai.response.id": "0" })]),
          node(
            "tools",
            2,
            ["__pregel_push"],
            [
              n("execute_tool get_weather", "INTERNAL", {
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.agent.name": "weather_agent",
                "gen_ai.tool.name": "get_weather",
                "gen_ai.tool.call.id": "call_1",
                "gen_ai.tool.type": "function",
                "gen_ai.conversation.id": "thread-1",
                ...FW,
              }),
            ],
          ),
          node(
            "model_request",
            3,
            ["branch:to:model_request"],
            [
              chat({
                "gen_ai.response.model": "gpt-4o-mini",
                "gen_ai.response.id": "resp-2",
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.usage.input_tokens": 40,
                "gen_ai.usage.output_tokens": 8,
              }),
            ],
          ),
        ],
      ),
    ]);
    const metrics = await h.metrics();
    assertMetricConformance(metrics);
    const names = metrics.map((m) => m.descriptor.name);
    expect(names).toEqual(expect.arrayContaining(["gen_ai.invoke_agent.duration", "gen_ai.execute_tool.duration"]));
  });

  it("records the agent's messages, tool arguments and result when capture is on", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
      .respond(final());
    const agent = createAgent({ model, tools: [getWeather], name: "weather_agent", systemPrompt: "You are helpful." });
    await agent.invoke(
      { messages: [{ role: "user", content: "Weather in Paris?" }] },
      { callbacks: [makeHandler({ captureContent: true })] },
    );
    const spans = tree();
    const steps = spans[0]?.children ?? [];
    const toolSpan = steps[1]?.children[0];
    expect(toolSpan?.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Paris"}');
    expect(toolSpan?.attributes["gen_ai.tool.call.result"]).toBe('{"output":"sunny in Paris"}');
    const second = steps[2]?.children[0];
    expect(JSON.parse(String(second?.attributes["gen_ai.system_instructions"]))).toEqual([
      { type: "text", content: "You are helpful." },
    ]);
    expect(JSON.parse(String(second?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
      {
        role: "assistant",
        name: "weather_agent",
        parts: [
          { type: "text", content: "You are helpful.-Weather in Paris?" },
          { type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
        ],
      },
      { role: "tool", name: "get_weather", parts: [{ type: "tool_call_response", id: "call_1", response: "sunny in Paris" }] },
    ]);
    expect(JSON.parse(String(second?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "It is sunny in Paris." }] },
    ]);
  });

  it("fails the execute_tool span of a tool that throws while the agent recovers, as createAgent does", async () => {
    class QuotaError extends Error {
      override name = "QuotaError";
    }
    const failing = tool(
      async (): Promise<string> => {
        throw new QuotaError("quota exceeded for Paris");
      },
      { name: "get_weather", description: "Get the weather", schema: z.object({ city: z.string() }) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_9" }])
      .respond(new AIMessage("The weather service is down."));
    const agent = createAgent({ model, tools: [failing], name: "weather_agent" });
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather?" }] }, { callbacks: [makeHandler()] });
    // createAgent hands the tool error back to the model as a ToolMessage.
    expect(result.messages.at(-1)?.content).toBe("The weather service is down.");
    const [agentSpan] = tree();
    expect(agentSpan?.status).toBe("UNSET");
    expect(agentSpan?.children[1]?.children).toEqual([
      n(
        "execute_tool get_weather",
        "INTERNAL",
        {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.agent.name": "weather_agent",
          "gen_ai.tool.name": "get_weather",
          "gen_ai.tool.call.id": "call_9",
          "gen_ai.tool.type": "function",
          ...FW,
          "error.type": "QuotaError",
        },
        [],
        "ERROR",
      ),
    ]);
    // Without capture, the exception event names the type only (messages may quote tool input).
    const span = h.spans().find((s) => s.name === "execute_tool get_weather");
    expect(span?.events.map((e) => e.attributes)).toEqual([{ "exception.type": "QuotaError" }]);
  });
});
