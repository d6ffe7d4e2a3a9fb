import { tool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { context, type Span, trace } from "@opentelemetry/api";
import { outgoingParentSpanId, stepContextContract } from "@otel-agents/testing/contract";
import { createHarness } from "@otel-agents/testing/harness";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenTelemetryCallbackHandler } from "../src/index.js";
import { trackedRunCount } from "../src/step-context.js";
import { driver, node } from "./driver.js";
import { FW, h, makeHandler, n, tree } from "./helpers.js";

beforeEach(() => h.reset());

const State = Annotation.Root({ n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) });

const userTracer = () => h.tracerProvider.getTracer("user-code");

const spanId = (name: string) =>
  h
    .spans()
    .find((s) => s.name === name)
    ?.spanContext().spanId;

/** A user span, as the user's own code inside a step would start one. */
const userSpan = (name: string, children: ReturnType<typeof n>[] = []) => n(name, "INTERNAL", {}, children);

describe("step-aware context", () => {
  it("makes a tool's execute_tool span active inside its body: user spans and outgoing traceparents nest under it", async () => {
    const seen: Array<string | undefined> = [];
    const fetchPage = tool(
      async ({ url }: { url: string }) => {
        seen.push(outgoingParentSpanId());
        await userTracer().startActiveSpan("db.query", async (span: Span) => {
          // Inside the user's own span, the user's span stays active.
          seen.push(outgoingParentSpanId());
          span.end();
        });
        return `page ${url}`;
      },
      { name: "fetch_page", description: "Fetch a page", schema: z.object({ url: z.string() }) },
    );
    const graph = new StateGraph(State)
      .addNode("tools", async (s) => {
        await fetchPage.invoke({ url: "https://example.com" });
        return { n: s.n + 1 };
      })
      .addEdge(START, "tools")
      .addEdge("tools", END)
      .compile({ name: "browser" });
    const request = userTracer().startSpan("handle-request");
    await context.with(trace.setSpan(context.active(), request), async () => {
      await graph.invoke({ n: 0 }, { callbacks: [makeHandler()] });
      // Outside the run nothing changed.
      expect(trace.getActiveSpan()).toBe(request);
      expect(outgoingParentSpanId()).toBe(request.spanContext().spanId);
    });
    request.end();

    expect(seen).toEqual([spanId("execute_tool fetch_page"), spanId("db.query")]);
    expect(trackedRunCount()).toBe(0);
    expect(tree()).toEqual([
      userSpan("handle-request", [
        n(
          "invoke_workflow browser",
          "INTERNAL",
          { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "browser", ...FW },
          [
            node(
              "tools",
              1,
              ["branch:to:tools"],
              [
                n(
                  "execute_tool fetch_page",
                  "INTERNAL",
                  {
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "fetch_page",
                    "gen_ai.tool.type": "function",
                    ...FW,
                  },
                  [userSpan("db.query")],
                ),
              ],
            ),
          ],
        ),
      ]),
    ]);
  });

  it("makes a LangGraph node's span active inside the node; a folded router's body sees the node before it", async () => {
    const seen: Record<string, string | undefined> = {};
    const graph = new StateGraph(State)
      .addNode("fetch", async (s) => {
        seen.fetch = outgoingParentSpanId();
        userTracer().startActiveSpan("cache.get", (span: Span) => span.end());
        return { n: s.n + 1 };
      })
      .addNode("publish", (s) => ({ n: s.n * 10 }))
      .addEdge(START, "fetch")
      .addConditionalEdges("fetch", () => {
        // The router is folded away: its body belongs to the node it follows.
        seen.router = outgoingParentSpanId();
        return "publish";
      }, ["publish"])
      .addEdge("publish", END)
      .compile({ name: "pipeline" });
    expect(await graph.invoke({ n: 1 }, { callbacks: [makeHandler()] })).toEqual({ n: 20 });

    expect(seen).toEqual({ fetch: spanId("fetch"), router: spanId("fetch") });
    expect(tree()).toEqual([
      n(
        "invoke_workflow pipeline",
        "INTERNAL",
        { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "pipeline", ...FW },
        [node("fetch", 1, ["branch:to:fetch"], [userSpan("cache.get")]), node("publish", 2, ["branch:to:publish"])],
      ),
    ]);
  });

  it("changes nothing for code that runs outside a LangChain run or in a run without the handler", async () => {
    const seen: Array<string | undefined> = [];
    const probe = tool(
      async () => {
        seen.push(outgoingParentSpanId());
        return "ok";
      },
      { name: "probe", description: "Probe", schema: z.object({}) },
    );
    const request = userTracer().startSpan("handle-request");
    await context.with(trace.setSpan(context.active(), request), async () => {
      await probe.invoke({});
    });
    request.end();
    expect(seen).toEqual([request.spanContext().spanId]);
    expect(h.spans().map((s) => s.name)).toEqual(["handle-request"]);
  });

  it("with two handlers on a run, nests a step body under the span of the handler that saw the run first", async () => {
    // The second handler records elsewhere and has a run of its own open since before: it began
    // tracking runs first, yet the graph's runs reached the first handler first.
    const elsewhere = createHarness();
    const second = new OpenTelemetryCallbackHandler({ tracerProvider: elsewhere.tracerProvider });
    second.handleChainStart(
      { lc: 1, type: "not_implemented", id: ["langchain_core", "runnables", "RunnableLambda"] },
      {},
      "00000000-0000-4000-8000-000000000001",
      undefined,
      [],
      {},
      "chain",
      "earlier",
    );
    const seen: Array<string | undefined> = [];
    const probe = tool(
      async () => {
        seen.push(outgoingParentSpanId());
        return "ok";
      },
      { name: "probe", description: "Probe", schema: z.object({}) },
    );
    const graph = new StateGraph(State)
      .addNode("tools", async (s) => {
        await probe.invoke({});
        return { n: s.n + 1 };
      })
      .addEdge(START, "tools")
      .addEdge("tools", END)
      .compile({ name: "probing" });
    await graph.invoke({ n: 0 }, { callbacks: [makeHandler(), second] });
    expect(second.endOpenRuns()).toBe(1);

    expect(seen).toEqual([spanId("execute_tool probe")]);
    expect(elsewhere.spans().map((s) => s.name)).toContain("execute_tool probe");
    expect(trackedRunCount()).toBe(0);
    await elsewhere.shutdown();
  });
});

// The same for createAgent runs, alone and 10 at once.
stepContextContract(driver);
