import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ViewerSpan } from "../src/shared/model.js";
import { TraceStore } from "../src/store/store.js";
import type { RunningViewer } from "../src/viewer.js";
import { BASE_NS, chat, hex, type SpanSpec, send } from "./otlp-json.js";
import { testViewer } from "./support.js";

let dir: string;
const viewers: RunningViewer[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-incremental-"));
});
afterEach(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
  rmSync(dir, { recursive: true, force: true });
});

const T = hex(0xfeed, 16);
const U = hex(0xbeef, 16);
const id = (n: number) => hex(n, 8);
const remote = (usage: boolean) => ({
  "gen_ai.operation.name": "invoke_agent",
  "gen_ai.provider.name": "openai",
  "gen_ai.agent.name": "Remote",
  ...(usage ? { "gen_ai.usage.input_tokens": 500, "gen_ai.usage.output_tokens": 50 } : {}),
});

/**
 * A trace with something for every part of the row, in the order an exporter might send it: the
 * root last, parents after their children, a response id first seen on the later of two calls,
 * and a span sent twice. Trace U beside it uses one span id twice and has a parent cycle.
 */
const BATCHES: SpanSpec[][] = [
  [
    // Same response id as span 2, which starts earlier and arrives later: 2 is counted, not 6.
    {
      traceId: T,
      spanId: id(6),
      parentSpanId: id(1),
      name: "chat late",
      kind: 3,
      start: 300,
      end: 400,
      attributes: chat({ "gen_ai.response.id": "resp-1", "gen_ai.usage.input_tokens": 50, "gen_ai.usage.output_tokens": 5 }),
    },
    { traceId: T, spanId: id(4), parentSpanId: id(3), name: "GET /lookup", kind: 3, start: 110, end: 190, service: "lookup-svc" },
    // Inside chat 2, which reports the same tokens: counted twice once 2 arrives.
    {
      traceId: T,
      spanId: id(5),
      parentSpanId: id(2),
      name: "chat inner",
      kind: 3,
      start: 20,
      end: 90,
      attributes: chat({ "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 20 }),
    },
    // Starts before its parent (3).
    { traceId: T, spanId: id(13), parentSpanId: id(3), name: "early", start: 50, end: 120 },
    // Its parent never arrives.
    { traceId: T, spanId: id(11), parentSpanId: id(99), name: "orphan", start: 700, end: 710 },
    { traceId: U, spanId: id(1), name: "u root", start: 0, end: 100 },
    { traceId: U, spanId: id(2), parentSpanId: id(3), name: "u A", start: 10, end: 20 },
  ],
  [
    {
      traceId: T,
      spanId: id(2),
      parentSpanId: id(1),
      name: "chat gpt-4o-mini",
      kind: 3,
      start: 10,
      end: 100,
      attributes: chat({
        "gen_ai.response.id": "resp-1",
        "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.output_tokens": 20,
        "gen_ai.conversation.id": "c-1",
      }),
    },
    // A remote agent under a remote agent: only the outer one counts.
    {
      traceId: T,
      spanId: id(8),
      parentSpanId: id(7),
      name: "invoke_agent Remote inner",
      kind: 3,
      start: 410,
      end: 590,
      attributes: remote(true),
    },
    { traceId: U, spanId: id(2), name: "u A again, another span", start: 5, end: 50 },
  ],
  [
    {
      traceId: T,
      spanId: id(3),
      parentSpanId: id(1),
      name: "execute_tool lookup",
      start: 100,
      end: 200,
      attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup" },
    },
    // A model call under remote agent 9 (arriving later): 9's own usage is not counted.
    {
      traceId: T,
      spanId: id(10),
      parentSpanId: id(9),
      name: "chat remote",
      kind: 3,
      start: 610,
      end: 700,
      attributes: chat({ "gen_ai.usage.input_tokens": 30, "gen_ai.usage.output_tokens": 3 }),
    },
    { traceId: U, spanId: id(3), parentSpanId: id(2), name: "u B", start: 11, end: 19 },
  ],
  [
    {
      traceId: T,
      spanId: id(7),
      parentSpanId: id(1),
      name: "invoke_agent Remote",
      kind: 3,
      start: 400,
      end: 600,
      attributes: remote(true),
    },
    {
      traceId: T,
      spanId: id(9),
      parentSpanId: id(1),
      name: "invoke_agent Remote3",
      kind: 3,
      start: 600,
      end: 800,
      attributes: remote(true),
    },
    {
      traceId: T,
      spanId: id(14),
      parentSpanId: id(1),
      name: "execute_tool fail",
      start: 800,
      end: 810,
      status: { code: 2, message: "boom" },
      attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "fail" },
    },
  ],
  [
    // A legacy key (a conformance problem), OpenInference, an unpriced model, a span that ends before it starts.
    {
      traceId: T,
      spanId: id(15),
      parentSpanId: id(1),
      name: "chat legacy",
      kind: 3,
      start: 820,
      end: 830,
      attributes: chat({ "gen_ai.usage.total_tokens": 12 }),
    },
    {
      traceId: T,
      spanId: id(16),
      parentSpanId: id(1),
      name: "LLM",
      start: 830,
      end: 840,
      service: "oi-svc",
      attributes: { "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 7 },
    },
    {
      traceId: T,
      spanId: id(17),
      parentSpanId: id(1),
      name: "chat house",
      kind: 3,
      start: 840,
      end: 850,
      attributes: chat({
        "gen_ai.request.model": "house-model",
        "gen_ai.usage.input_tokens": 9,
        "gen_ai.usage.output_tokens": 1,
      }),
    },
    { traceId: T, spanId: id(18), parentSpanId: id(1), name: "backwards", start: 870, end: 860 },
    // Sent again, unchanged.
    {
      traceId: T,
      spanId: id(2),
      parentSpanId: id(1),
      name: "chat gpt-4o-mini",
      kind: 3,
      start: 10,
      end: 100,
      attributes: chat({
        "gen_ai.response.id": "resp-1",
        "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.output_tokens": 20,
        "gen_ai.conversation.id": "c-1",
      }),
    },
  ],
  [
    {
      traceId: T,
      spanId: id(1),
      name: "invoke_agent Planner",
      start: 0,
      end: 1000,
      service: "planner",
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Planner", "gen_ai.conversation.id": "c-1" },
    },
  ],
];

/** Every read of the API, as the text the server sends. */
async function reads(v: RunningViewer): Promise<Record<string, string>> {
  const paths = [
    "/api/traces",
    "/api/traces?status=error",
    "/api/traces?status=ok",
    "/api/traces?q=lookup",
    "/api/traces?q=remote3",
    "/api/traces?agent=Planner",
    "/api/traces?service=lookup-svc",
    "/api/traces?model=house-model",
    "/api/traces?conversation=c-1",
    "/api/filters",
    "/api/conversations/c-1",
    `/api/traces/${T}`,
    `/api/traces/${T}/otlp`,
    `/api/traces/${U}`,
  ];
  const out: Record<string, string> = {};
  for (const path of paths) out[path] = await (await fetch(`${v.url}${path}`)).text();
  for (const trace of [T, U]) {
    const res = await fetch(`${v.url}/api/traces/${trace}`, { headers: { "x-trace-form": "compact" } });
    out[`${trace} compact`] = await res.text();
  }
  return out;
}

describe("ingestion batch by batch", () => {
  it("serves every API read as it serves the same spans received in one batch, after each batch and once quiet", async () => {
    let nowMs = 1_800_000_000_000;
    const options = { quietPeriodMs: 1000, now: () => nowMs };
    const batched = await testViewer(options);
    viewers.push(batched);
    for (let i = 0; i < BATCHES.length; i++) {
      await send(batched.otlpUrl, BATCHES[i]!);
      const whole = await testViewer(options);
      viewers.push(whole);
      await send(whole.otlpUrl, BATCHES.slice(0, i + 1).flat());
      expect(await reads(batched)).toEqual(await reads(whole));
    }
    const whole = viewers.at(-1)!;
    const detail = JSON.parse((await reads(batched))[`/api/traces/${T}`]!);
    // The trace holds what it was built to: the tokens of 2, 10, 16 (OpenInference), 17, the outer remote agent 7 and the legacy call.
    expect(detail.summary).toMatchObject({
      rootName: "invoke_agent Planner",
      spanCount: 17,
      inputTokens: 100 + 30 + 7 + 9 + 500,
    });
    nowMs += 2000;
    const quiet = await reads(batched);
    expect(quiet).toEqual(await reads(whole));
    expect(JSON.parse(quiet[`/api/traces/${T}`]!).summary.neverEnded).toBe(1);
  });

  it("adds a batch to a trace without reading the trace's stored spans back", () => {
    const store = new TraceStore({ path: join(dir, "t.sqlite"), maxTraces: 10 });
    const span = (n: number): ViewerSpan => ({
      traceId: T,
      spanId: id(n + 1),
      parentSpanId: n === 0 ? null : id(1),
      name: n % 2 ? "chat gpt-4o-mini" : "execute_tool lookup",
      kind: 1,
      startTimeUnixNano: String(BASE_NS + BigInt(n) * 1_000_000n),
      endTimeUnixNano: String(BASE_NS + BigInt(n) * 1_000_000n + 500_000n),
      attributes: n % 2 ? { "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 10 } : {},
      events: [],
      links: [],
      status: { code: 0 },
      resource: { "service.name": "svc" },
      scope: { name: "test" },
    });
    // Reading a stored span back parses its JSON: counted per batch of 50 as the trace grows to 2,000 spans.
    const parse = vi.spyOn(JSON, "parse");
    const parsed: number[] = [];
    try {
      for (let b = 0; b < 40; b++) {
        parse.mockClear();
        store.ingest(Array.from({ length: 50 }, (_, i) => span(b * 50 + i)));
        parsed.push(parse.mock.calls.length);
      }
    } finally {
      parse.mockRestore();
    }
    expect(parsed).toEqual(parsed.map(() => 0));
    expect(store.listTraces()[0]).toMatchObject({ spanCount: 2000, inputTokens: 10_000 });
    store.close();
  });

  it("tallies a trace afresh when it resumes after a restart or after another connection added to it", () => {
    const path = join(dir, "t.sqlite");
    const spans = BATCHES.flat().map((s) => viewerSpan(s));
    const once = new TraceStore({ path: ":memory:", maxTraces: 10, now: () => 1 });
    once.ingest(spans);
    let store = new TraceStore({ path, maxTraces: 10, now: () => 1 });
    store.ingest(spans.slice(0, 6));
    store.close();
    store = new TraceStore({ path, maxTraces: 10, now: () => 1 });
    store.ingest(spans.slice(6, 12));
    const other = new TraceStore({ path, maxTraces: 10, now: () => 1 });
    other.ingest(spans.slice(12, 18));
    other.close();
    store.ingest(spans.slice(18));
    expect(store.listTraces()).toEqual(once.listTraces());
    expect(store.trace(T)).toEqual(once.trace(T));
    expect(store.filterValues()).toEqual(once.filterValues());
    store.close();
    once.close();
  });
});

/** A hand-written span as the receiver stores it. */
function viewerSpan(s: SpanSpec): ViewerSpan {
  const attributes = Object.fromEntries(Object.entries(s.attributes ?? {})) as ViewerSpan["attributes"];
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? null,
    name: s.name,
    kind: (s.kind ?? 1) as ViewerSpan["kind"],
    startTimeUnixNano: String(BASE_NS + BigInt(Math.round(s.start * 1e6))),
    endTimeUnixNano: String(BASE_NS + BigInt(Math.round(s.end * 1e6))),
    attributes,
    events: [],
    links: [],
    status: (s.status ?? { code: 0 }) as ViewerSpan["status"],
    resource: { "service.name": s.service ?? "test-app" },
    scope: { name: "hand-written" },
  };
}
