import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MetricsOverview, ServedSpan, TraceDetail } from "../src/shared/model.js";
import { type Child, repoRoot, requireBuilt, startNode } from "./process.js";
import { testViewer } from "./support.js";

// `npm run demo -- --view` runs examples/multi-agent-demo/src/main.ts --view: the real demo (two
// services, OpenAI Agents JS and LangChain with their scripted models) into an in-process viewer.
const demoDir = join(repoRoot, "examples", "multi-agent-demo");

interface Node {
  name: string;
  service: string;
  children: Node[];
}

/** The trace as a tree of names and services (siblings by start time). */
function tree(spans: ServedSpan[]): Node[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const build = (parent: string | null): Node[] =>
    spans
      .filter((s) => (parent === null ? !s.parentSpanId || !ids.has(s.parentSpanId) : s.parentSpanId === parent))
      .sort((a, b) => a.startUs - b.startUs)
      .map((s) => ({ name: s.name, service: s.service, children: build(s.spanId) }));
  return build(null);
}

const n = (name: string, service: string, ...children: Node[]): Node => ({ name, service, children });
const T = "triage-agent";
const S = "specialist-agent";

/** The demo's trace (the tree the root README shows), with the service of every span. */
// The triage agent is a standalone run (its specialist is another service, reached through a tool):
// no invoke_workflow span above it (issue 19, semantic-conventions #354).
const DEMO_TREE = [
  n(
    "invoke_agent Triage",
    T,
    n("chat triage-model-1", T),
    n(
      "execute_tool ask_specialist",
      T,
      n(
        "invoke_agent weather_specialist",
        S,
        n("model_request", S, n("chat specialist-model-1", S)),
        n("tools", S, n("execute_tool get_weather", S)),
        n("model_request", S, n("chat specialist-model-1", S)),
      ),
    ),
    n("chat triage-model-1", T),
  ),
];

const DEMO_SUMMARY = {
  services: [T, S],
  rootName: "invoke_agent Triage",
  spanCount: 11,
  modelCalls: 4,
  toolCalls: 2,
  inputTokens: 462,
  outputTokens: 78,
  cacheReadTokens: 64,
  unpricedTokens: 462 + 78,
  errors: 0,
  conformanceProblems: 0,
  agents: ["Triage", "weather_specialist"],
  conversationIds: ["conv-2026-11-26-0001"],
};

// The demo's scripted models are in no price table: their tokens are unpriced, never $0.
const DEMO_TOKENS = [
  { model: "triage-model-1", input: 300, output: 52, cacheRead: 0, cacheWrite: 0, reasoning: 0, unpricedTokens: 352 },
  { model: "specialist-model-1", input: 162, output: 26, cacheRead: 64, cacheWrite: 0, reasoning: 0, unpricedTokens: 188 },
];

const DEMO_DURATIONS = [
  ["invoke_agent Triage", "", 1],
  ["invoke_agent weather_specialist", "", 1],
  ["chat", "specialist-model-1", 2],
  ["chat", "triage-model-1", 2],
  ["execute_tool ask_specialist", "", 1],
  ["execute_tool get_weather", "", 1],
];

let demo: Child | undefined;
beforeAll(() => {
  requireBuilt([
    "packages/core/dist/node.js",
    "packages/langchain/dist/index.js",
    "packages/openai-agents/dist/index.js",
    "packages/viewer/dist/lib/index.js",
  ]);
});
afterEach(() => {
  if (demo?.process.exitCode === null) demo.process.kill("SIGKILL");
});

describe("npm run demo -- --view", () => {
  it("starts a viewer, sends it the demo's whole trace and its metrics, prints the page, and serves until Ctrl-C", async () => {
    demo = startNode(["src/main.ts", "--view", "--otlp-port", "0", "--port", "0", "--db", ":memory:"], demoDir);
    const [, page, otlp] = await demo.waitFor(/The viewer keeps serving at (\S+) \(OTLP (\S+)\); Ctrl-C stops it\.\n/);
    const traceId = demo.stdout().match(/#\/trace\/([0-9a-f]{32})/)?.[1];
    expect(demo.stdout()).toBe(
      [
        "",
        "answer: Specialist says: Paris: 21°C and sunny, light wind from the west.",
        `trace:  ${page}/#/trace/${traceId}`,
        `charts: ${page}/#/charts`,
        "",
        `The viewer keeps serving at ${page} (OTLP ${otlp}); Ctrl-C stops it.`,
        "",
      ].join("\n"),
    );

    const detail = (await (await fetch(`${page}/api/traces/${traceId}`)).json()) as TraceDetail;
    expect(tree(detail.spans)).toEqual(DEMO_TREE);
    expect(detail.spans.flatMap((s) => s.violations)).toEqual([]);
    expect(detail.summary).toMatchObject(DEMO_SUMMARY);

    // Both services' metrics reached the viewer too.
    const metrics = (await (await fetch(`${page}/api/metrics`)).json()) as MetricsOverview;
    expect(metrics.tokensByModel).toEqual(DEMO_TOKENS);
    expect(metrics.durations.map((d) => [d.label, d.model, d.count])).toEqual(DEMO_DURATIONS);

    // Still serving after the run; Ctrl-C ends it cleanly.
    expect(demo.process.exitCode).toBeNull();
    expect((await fetch(page!)).status).toBe(200);
    demo.process.kill("SIGINT");
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.stderr()).toBe("");
  });

  it("sends to a viewer already running on its ports, and exits when done", async () => {
    const running = await testViewer();
    try {
      // The OTLP port is taken (by that viewer): the demo asks the page port who is there.
      demo = startNode(
        [
          "src/main.ts",
          "--view",
          "--otlp-port",
          new URL(running.otlpUrl).port,
          "--port",
          new URL(running.url).port,
          "--db",
          ":memory:",
        ],
        demoDir,
      );
      expect(await demo.exited).toEqual({ code: 0, signal: null });
      const [traceSummary] = running.store.listTraces({ conversationId: "conv-2026-11-26-0001" });
      expect(demo.stdout()).toBe(
        [
          `A viewer is already running at ${running.url}: the demo sends its telemetry there.`,
          "",
          "answer: Specialist says: Paris: 21°C and sunny, light wind from the west.",
          `trace:  ${running.url}/#/trace/${traceSummary?.traceId}`,
          `charts: ${running.url}/#/charts`,
          "",
        ].join("\n"),
      );
      const detail = running.store.trace(traceSummary!.traceId)!;
      expect(tree(detail.spans)).toEqual(DEMO_TREE);
      expect(detail.summary).toMatchObject(DEMO_SUMMARY);
      expect(running.store.metricsOverview().tokensByModel).toEqual(DEMO_TOKENS);
    } finally {
      await running.close();
    }
  });

  it("takes free ports, and says so, when another program holds one", async () => {
    const other = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const taken = (other.address() as AddressInfo).port;
    try {
      demo = startNode(["src/main.ts", "--view", "--otlp-port", String(taken), "--port", "0", "--db", ":memory:"], demoDir);
      const [, page] = await demo.waitFor(/The viewer keeps serving at (\S+) \(OTLP (\S+)\); Ctrl-C stops it\.\n/);
      expect(demo.stdout().split("\n")[0]).toBe(
        `Port ${taken} is taken by another program: this viewer listens on free ports instead.`,
      );
      const traceId = demo.stdout().match(/#\/trace\/([0-9a-f]{32})/)?.[1];
      const detail = (await (await fetch(`${page}/api/traces/${traceId}`)).json()) as TraceDetail;
      expect(tree(detail.spans)).toEqual(DEMO_TREE);
      demo.process.kill("SIGINT");
      expect(await demo.exited).toEqual({ code: 0, signal: null });
    } finally {
      other.close();
    }
  });
});
