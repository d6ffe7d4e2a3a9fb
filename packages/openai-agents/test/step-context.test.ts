import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Agent,
  type Model,
  type ModelRequest,
  type ModelResponse,
  run,
  setTraceProcessors,
  tool,
  withTrace,
} from "@openai/agents";
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing";
import { context, propagation, trace } from "@opentelemetry/api";
import { stepContextContract } from "@otel-agents/testing/contract";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenTelemetryTracingProcessor } from "../src/index.js";
import { driver } from "./driver.js";
import { usage } from "./fixtures.js";
import { checkedTrees, h, install, withoutIds } from "./setup.js";
import { chat, executeTool, finished, invokeAgent, tools } from "./trees.js";

beforeEach(() => h.reset());

// A downstream service the tools call, recording the headers it receives.
const received = new Map<string, IncomingHttpHeaders>();
const server = createServer((req, res) => {
  received.set(req.url ?? "", req.headers);
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"forecast":"sunny"}');
});
let base = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const tracer = () => h.tracerProvider.getTracer("user-code");

/** What an HTTP client instrumentation does: inject the active context into the request headers. */
function injected(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** A tool whose body does what user code does: its own span, and an outgoing HTTP request. */
function forecastTool(seen: Array<{ city: string; traceparent: string | undefined }>) {
  return tool({
    name: "get_forecast",
    description: "Forecast for a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      await tracer().startActiveSpan("user-db-query", async (span) => {
        tracer().startSpan("user-nested").end();
        span.end();
      });
      const headers = injected();
      seen.push({ city, traceparent: headers.traceparent });
      const res = await fetch(`${base}/forecast/${city}`, { headers });
      return `${city}: ${((await res.json()) as { forecast: string }).forecast}`;
    },
  });
}

const agentWithTool = (name: string, city: string, seen: Array<{ city: string; traceparent: string | undefined }>) =>
  new Agent({
    name,
    model: new ScriptedModel([
      { usage: usage(10, 1), output: [functionCall("get_forecast", { city }, { callId: `call_${city}` })] },
      { usage: usage(20, 2), output: [assistantMessage(`done ${city}`)] },
    ]),
    tools: [forecastTool(seen)],
  });

/** `traceparent` -> [trace id, parent span id]. */
const ids = (traceparent: string | undefined) => {
  const [, traceId, spanId] = (traceparent ?? "").split("-");
  return [traceId, spanId];
};

const spanIds = (name: string) =>
  h
    .spans()
    .filter((s) => s.name === name)
    .map((s) => [s.spanContext().traceId, s.spanContext().spanId]);

/** What `forecastTool`'s body records itself. */
const userSpans: TreeNode = {
  name: "user-db-query",
  kind: "INTERNAL",
  status: "UNSET",
  attributes: {},
  children: [{ name: "user-nested", kind: "INTERNAL", status: "UNSET", attributes: {}, children: [] }],
};

/** `agentWithTool("Forecaster", "Oslo", ...)`'s run, with `body` under its execute_tool span. */
const forecasterTree = (body: TreeNode[]) =>
  invokeAgent("Forecaster", { ...finished(["tool_call", "stop"], 30, 3), ...tools("get_forecast") }, [
    chat(finished(["tool_call"], 10, 1)),
    executeTool(
      "Forecaster",
      "get_forecast",
      { "gen_ai.tool.call.id": "call_Oslo", "gen_ai.tool.description": "Forecast for a city" },
      body,
    ),
    chat(finished(["stop"], 20, 2)),
  ]);

describe("step-aware context: user code in a function tool sees its execute_tool span", () => {
  it("its own spans nest under execute_tool, and the traceparent it sends names execute_tool as the parent", async () => {
    install();
    const seen: Array<{ city: string; traceparent: string | undefined }> = [];
    const result = await run(agentWithTool("Forecaster", "Oslo", seen), "Forecast for Oslo?");
    expect(result.finalOutput).toBe("done Oslo");
    // Outside the run, nothing of it stays active.
    expect(trace.getActiveSpan()).toBeUndefined();

    const [tool] = spanIds("execute_tool get_forecast");
    expect(tool).toBeDefined();
    expect(seen).toEqual([{ city: "Oslo", traceparent: `00-${tool?.[0]}-${tool?.[1]}-01` }]);
    // The request really carried it.
    expect(received.get("/forecast/Oslo")?.traceparent).toBe(seen[0]?.traceparent);
    expect(await checkedTrees()).toStrictEqual([forecasterTree([userSpans])]);
  });

  it("10 concurrent runs: each tool body sees its own execute_tool span, never another run's", async () => {
    install();
    const seen: Array<{ city: string; traceparent: string | undefined }> = [];
    const cities = Array.from({ length: 10 }, (_, i) => `City${i}`);
    await Promise.all(cities.map((city, i) => run(agentWithTool(`Agent${i}`, city, seen), `go ${city}`)));
    const trees = await checkedTrees();
    expect(trees).toHaveLength(10);
    for (const tree of trees) {
      expect(shape([tree])).toEqual([
        {
          [`invoke_agent ${String(tree.attributes["gen_ai.agent.name"])} [INTERNAL]`]: [
            "chat [CLIENT]",
            { "execute_tool get_forecast [INTERNAL]": [{ "user-db-query [INTERNAL]": ["user-nested [INTERNAL]"] }] },
            "chat [CLIENT]",
          ],
        },
      ]);
    }
    // Each run's tool span, by the agent that ran it (Agent<i> asked for City<i>).
    const toolOf = new Map<string, string[]>();
    for (const s of h.spans().filter((x) => x.name === "execute_tool get_forecast")) {
      toolOf.set(String(s.attributes["gen_ai.agent.name"]).replace("Agent", "City"), [
        s.spanContext().traceId,
        s.spanContext().spanId,
      ]);
    }
    expect(seen).toHaveLength(10);
    for (const { city, traceparent } of seen) {
      expect(ids(traceparent)).toEqual(toolOf.get(city));
      expect(received.get(`/forecast/${city}`)?.traceparent).toBe(traceparent);
    }
  });

  it("two processors (two TracerProviders): the tool body runs in the execute_tool of the newer one; once it is shut down, in the other's", async () => {
    const first = install();
    const other = createHarness();
    const second = new OpenTelemetryTracingProcessor({ tracerProvider: other.tracerProvider });
    setTraceProcessors([first, second]);
    const seen: Array<{ city: string; traceparent: string | undefined }> = [];
    expect((await run(agentWithTool("Forecaster", "Oslo", seen), "Forecast for Oslo?")).finalOutput).toBe("done Oslo");
    const toolsOf = (spans: ReturnType<typeof h.spans>) =>
      spans.filter((s) => s.name === "execute_tool get_forecast").map((s) => [s.spanContext().traceId, s.spanContext().spanId]);
    // Both record the run; the body (and the request it sends) is under the second's span.
    expect(toolsOf(h.spans())).toHaveLength(1);
    expect(seen.map((x) => ids(x.traceparent))).toEqual(toolsOf(other.spans()));
    expect(spanTree(other.spans(), withoutIds)).toStrictEqual([forecasterTree([])]);
    // The body's own spans go to the app's provider (the first's), under a parent only the second has.
    expect(spanTree(h.spans(), withoutIds)).toStrictEqual([forecasterTree([]), userSpans]);

    // The second goes away: the first's execute_tool is the body's again, with its spans under it.
    await second.shutdown();
    setTraceProcessors([first]);
    h.reset();
    seen.length = 0;
    expect((await run(agentWithTool("Forecaster", "Oslo", seen), "Forecast for Oslo?")).finalOutput).toBe("done Oslo");
    expect(seen.map((x) => ids(x.traceparent))).toEqual(toolsOf(h.spans()));
    expect(await checkedTrees()).toStrictEqual([forecasterTree([userSpans])]);
    expect(other.spans()).toHaveLength(4);
    await other.shutdown();
  });

  it("an agent used as a tool: the inner tool body nests under the inner execute_tool, inside the outer one", async () => {
    install();
    const seen: Array<{ city: string; traceparent: string | undefined }> = [];
    const inner = agentWithTool("Forecaster", "Rome", seen);
    const outer = new Agent({
      name: "Planner",
      model: new ScriptedModel([
        { usage: usage(11, 2), output: [functionCall("forecaster", { input: "Rome?" }, { callId: "call_f" })] },
        { usage: usage(13, 4), output: [assistantMessage("Rome is sunny")] },
      ]),
      tools: [inner.asTool({ toolName: "forecaster", toolDescription: "Forecasts" })],
    });
    expect((await run(outer, "Trip to Rome")).finalOutput).toBe("Rome is sunny");
    // An agent used as a tool makes the run a workflow, named by its entry agent.
    expect(shape(await checkedTrees())).toEqual([
      {
        "invoke_workflow Planner [INTERNAL]": [
          {
            "invoke_agent Planner [INTERNAL]": [
              "chat [CLIENT]",
              {
                "execute_tool forecaster [INTERNAL]": [
                  {
                    "invoke_agent Forecaster [INTERNAL]": [
                      "chat [CLIENT]",
                      { "execute_tool get_forecast [INTERNAL]": [{ "user-db-query [INTERNAL]": ["user-nested [INTERNAL]"] }] },
                      "chat [CLIENT]",
                    ],
                  },
                ],
              },
              "chat [CLIENT]",
            ],
          },
        ],
      },
    ]);
    expect(seen.map((s) => ids(s.traceparent))).toEqual(spanIds("execute_tool get_forecast"));
  });

  it("a custom Model's own HTTP call (the turn is current, its chat span comes later) nests under the agent", async () => {
    install();
    let traceparent: string | undefined;
    class HttpModel implements Model {
      async getResponse(_request: ModelRequest): Promise<ModelResponse> {
        const headers = injected();
        traceparent = headers.traceparent;
        await fetch(`${base}/llm`, { method: "POST", headers, body: "{}" });
        return { usage: usage(4, 2), output: [assistantMessage("from my server")], responseId: "r1" };
      }
      // biome-ignore lint/correctness/useYield: never streamed here
      async *getStreamedResponse(): AsyncIterable<never> {
        throw new Error("not streamed in this test");
      }
    }
    expect((await run(new Agent({ name: "Own", model: new HttpModel() }), "hi")).finalOutput).toBe("from my server");
    expect(shape(await checkedTrees())).toEqual([{ "invoke_agent Own [INTERNAL]": ["chat [CLIENT]"] }]);
    expect([ids(traceparent)]).toEqual(spanIds("invoke_agent Own"));
    expect(received.get("/llm")?.traceparent).toBe(traceparent);
  });

  it("inside withTrace: code between runs sees the workflow span; a run under a span the app made active nests under it", async () => {
    install();
    const seen: Array<{ city: string; traceparent: string | undefined }> = [];
    let between: string | undefined;
    await withTrace("Trip", async () => {
      await run(agentWithTool("First", "Nice", seen), "Nice?");
      between = injected().traceparent;
      await tracer().startActiveSpan("user-step", async (span) => {
        await run(agentWithTool("Second", "Lyon", seen), "Lyon?");
        span.end();
      });
    });
    expect(shape(await checkedTrees())).toEqual([
      {
        "invoke_workflow Trip [INTERNAL]": [
          {
            "invoke_agent First [INTERNAL]": [
              "chat [CLIENT]",
              { "execute_tool get_forecast [INTERNAL]": [{ "user-db-query [INTERNAL]": ["user-nested [INTERNAL]"] }] },
              "chat [CLIENT]",
            ],
          },
          {
            "user-step [INTERNAL]": [
              {
                "invoke_agent Second [INTERNAL]": [
                  "chat [CLIENT]",
                  { "execute_tool get_forecast [INTERNAL]": [{ "user-db-query [INTERNAL]": ["user-nested [INTERNAL]"] }] },
                  "chat [CLIENT]",
                ],
              },
            ],
          },
        ],
      },
    ]);
    expect([ids(between)]).toEqual(spanIds("invoke_workflow Trip"));
    expect(seen.map((s) => ids(s.traceparent))).toEqual(spanIds("execute_tool get_forecast"));
  });
});

// The same with the contract's operation: user spans and traceparents of a tool body, alone and 10 runs at once.
stepContextContract(driver);
