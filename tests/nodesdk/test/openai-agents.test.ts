import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AIMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { fakeModel } from "@langchain/core/testing";
import { Agent, Runner, setTraceProcessors, setTracingDisabled, tool } from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { SpanKind, trace } from "@opentelemetry/api";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { extractTraceContext } from "@otel-agents/core";
import { LangChainInstrumentation } from "@otel-agents/langchain";
import { OpenAIAgentsInstrumentation, OpenTelemetryTracingProcessor } from "@otel-agents/openai-agents";
import { names, treeOf } from "@otel-agents/testing/app-trees";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAppSdk } from "../sdk-line.ts";

// The app's own NodeSDK with the README's lines: the Agents and LangChain instrumentations and the
// undici instrumentation every HTTP user has. Nothing wraps the context manager or the processor.
const agents = new OpenAIAgentsInstrumentation();
const app = startAppSdk([agents, new LangChainInstrumentation(), new UndiciInstrumentation()]);

// The second service: it continues the caller's trace from the request headers, as any
// OpenTelemetry HTTP server does.
let weatherService: Server;
let weatherUrl = "";
const seenTraceparents: (string | undefined)[] = [];
beforeAll(async () => {
  weatherService = createServer((req, res) => {
    seenTraceparents.push(req.headers.traceparent as string | undefined);
    const span = trace
      .getTracer("weather-service")
      .startSpan("GET /weather", { kind: SpanKind.SERVER }, extractTraceContext(req.headers));
    res.end("sunny");
    span.end();
  });
  await new Promise<void>((resolve) => weatherService.listen(0, "127.0.0.1", resolve));
  weatherUrl = `http://127.0.0.1:${(weatherService.address() as AddressInfo).port}/weather`;
});
afterAll(async () => {
  await new Promise((resolve) => weatherService.close(resolve));
  await app.shutdown();
});

beforeEach(() => {
  // Vitest sets NODE_ENV=test, which the Agents SDK takes as "tracing off": the documented fix.
  setTracingDisabled(false);
  agents.enable();
  app.reset();
  seenTraceparents.length = 0;
});

const usage = (inputTokens: number, outputTokens: number) =>
  new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

const remoteWeather = tool({
  name: "get_weather",
  description: "Weather for a city, from the weather service",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `${await (await fetch(`${weatherUrl}?city=${city}`)).text()} in ${city}`,
});

function triageAndSpecialist(): Agent {
  const specialist = new Agent({
    name: "Specialist",
    model: new ScriptedModel([
      { usage: usage(30, 7), output: [functionCall("get_weather", { city: "Oslo" }, { callId: "call_2" })] },
      { usage: usage(40, 8), output: [assistantMessage("Snow in Oslo")] },
    ]),
    tools: [remoteWeather],
  });
  return new Agent({
    name: "Triage",
    model: new ScriptedModel([{ usage: usage(15, 2), output: [functionCall("transfer_to_Specialist", {}, { callId: "h1" })] }]),
    handoffs: [specialist],
  });
}

const runSupport = () =>
  new Runner({ workflowName: "support", groupId: "conv-42" }).run(triageAndSpecialist(), "Weather in Oslo?");

describe("OpenAIAgentsInstrumentation in the app's NodeSDK", () => {
  it("gives today's processor's whole tree, and a tool's HTTP call continues the trace in the second service", async () => {
    const result = await runSupport();
    expect(result.finalOutput).toBe("Snow in Oslo");
    const spans = await app.spans();
    const viaInstrumentation = treeOf(spans);
    expect(names(viaInstrumentation)).toEqual([
      {
        "invoke_workflow support": [
          { "invoke_agent Triage": ["chat", "handoff Specialist"] },
          { "invoke_agent Specialist": ["chat", { "execute_tool get_weather": [{ GET: ["GET /weather"] }] }, "chat"] },
        ],
      },
    ]);
    // The service saw the traceparent of the tool's HTTP client span, itself a child of the tool.
    const tool = spans.find((s) => s.name === "execute_tool get_weather");
    const client = spans.find((s) => s.name === "GET");
    expect(client?.parentSpanContext?.spanId).toBe(tool?.spanContext().spanId);
    expect(seenTraceparents).toEqual([`00-${client?.spanContext().traceId}-${client?.spanContext().spanId}-01`]);

    // Today's registration on the same run: the same tree, span for span.
    agents.disable();
    setTraceProcessors([new OpenTelemetryTracingProcessor()]);
    app.reset();
    await runSupport();
    expect(treeOf(await app.spans())).toEqual(viaInstrumentation);
    setTraceProcessors([]);
  });

  it("disable() stops recording and enable() resumes, after setTraceProcessors() replaced everything", async () => {
    agents.disable();
    await runSupport();
    expect((await app.spans()).filter((s) => s.instrumentationScope.name === "@otel-agents/openai-agents")).toEqual([]);

    agents.enable();
    app.reset();
    await runSupport();
    expect(names(treeOf(await app.spans()))[0]).toEqual({
      "invoke_workflow support": [
        { "invoke_agent Triage": ["chat", "handoff Specialist"] },
        { "invoke_agent Specialist": ["chat", { "execute_tool get_weather": [{ GET: ["GET /weather"] }] }, "chat"] },
      ],
    });
  });

  it("nests a LangChain chain that a function tool runs under the tool's span", async () => {
    const summarise = tool({
      name: "summarise",
      description: "Summarise a text",
      parameters: z.object({ text: z.string() }),
      execute: async ({ text }) => {
        const model = fakeModel().respond(new AIMessage(`summary of ${text}`));
        const chain = RunnableLambda.from(async (q: string) => (await model.invoke(q)).content).withConfig({
          runName: "summary",
        });
        return String(await chain.invoke(text));
      },
    });
    const agent = new Agent({
      name: "Writer",
      model: new ScriptedModel([
        { usage: usage(10, 3), output: [functionCall("summarise", { text: "a report" }, { callId: "call_s" })] },
        { usage: usage(20, 4), output: [assistantMessage("Done.")] },
      ]),
      tools: [summarise],
    });
    await new Runner().run(agent, "Summarise the report");
    // A lone agent run has no workflow span above it (conventions #354): the agent is the root.
    expect(names(treeOf(await app.spans()))).toEqual([
      { "invoke_agent Writer": ["chat", { "execute_tool summarise": [{ summary: ["chat"] }] }, "chat"] },
    ]);
  });
});
