import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { shape } from "@otel-agents/testing/span-tree";
import { createAgent } from "langchain";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildGraph } from "../../packages/langchain/test/graphs.js";
import { FW, h, makeHandler, tree } from "../../packages/langchain/test/helpers.js";
import { fakeModel } from "./fake-model-builder.js";

// What the adapter reports on the oldest versions where they differ from the current line.

beforeEach(() => h.reset());

describe("langchain 1.0.1 createAgent", () => {
  it("is a workflow (langchain 1.0.x marks no agent) and its tool spans have no call id (none is passed)", async () => {
    const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: "get_weather",
      description: "Get the weather of a city",
      schema: z.object({ city: z.string() }),
    });
    const model = fakeModel()
      .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
      .respond(new AIMessage("It is sunny in Paris."));
    const agent = createAgent({ model, tools: [getWeather], name: "weather_agent" });
    // The handler's types come from the adapter's @langchain/core (1.4.0), createAgent's from 1.0.0
    // (whose invoke options type does not show `callbacks`); at run time there is one core.
    const options = { callbacks: [makeHandler() as unknown as BaseCallbackHandler] } as Parameters<typeof agent.invoke>[1];
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, options);
    expect(result.messages.at(-1)?.content).toBe("It is sunny in Paris.");
    // The graph is named by `createAgent({ name })`; the model node wraps the model in a prompt sequence.
    const modelNode = { "model_request [INTERNAL]": [{ "RunnableSequence [INTERNAL]": ["prompt [INTERNAL]", "chat [CLIENT]"] }] };
    expect(shape(tree())).toEqual([
      {
        "invoke_workflow weather_agent [INTERNAL]": [
          modelNode,
          { "tools [INTERNAL]": ["execute_tool get_weather [INTERNAL]"] },
          modelNode,
        ],
      },
    ]);
    const toolSpan = tree()[0]?.children[1]?.children[0];
    expect(toolSpan?.attributes).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.type": "function",
      ...FW,
    });
  });
});

describe("@langchain/langgraph 1.0.0", () => {
  it("passes the agent marker of withConfig() not on to the graph's run, but that of the call's metadata", async () => {
    const graph = buildGraph();
    await graph
      .withConfig({ metadata: { lc_agent_name: "editor" } })
      .invoke({ n: 2 }, { callbacks: [makeHandler()], configurable: { thread_id: "t" } });
    expect(tree()[0]?.name).toBe("invoke_workflow editorial");
    h.reset();
    await graph.invoke(
      { n: 2 },
      { callbacks: [makeHandler()], configurable: { thread_id: "t" }, metadata: { lc_agent_name: "editor" } },
    );
    expect(tree()[0]?.name).toBe("invoke_agent editor");
  });
});
