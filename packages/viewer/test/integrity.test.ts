import { afterEach, describe, expect, it } from "vitest";
import { otlpProtoTypes } from "../src/otlp/proto.js";
import { duration, tokens } from "../src/page/format.js";
import type { TraceDetail } from "../src/shared/model.js";
import type { RunningViewer } from "../src/viewer.js";
import { BASE_NS, chat, hex, send } from "./otlp-json.js";
import { testViewer } from "./support.js";

const viewers: RunningViewer[] = [];
afterEach(async () => {
  await Promise.all(viewers.splice(0).map((v) => v.close()));
});

async function viewer(options: Parameters<typeof testViewer>[0] = {}) {
  const v = await testViewer(options);
  viewers.push(v);
  return v;
}

async function detail(v: RunningViewer, traceId: string): Promise<TraceDetail> {
  const res = await fetch(`${v.url}/api/traces/${traceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TraceDetail;
}

const T = hex(0xabc, 16);

describe("what the viewer says about traces that do not hold together", () => {
  it("keeps a second, different span with a taken id beside the first, flags both, and lets a resend replace itself", async () => {
    const v = await viewer();
    const first = { traceId: T, spanId: hex(1, 8), name: "first", start: 0, end: 10 };
    await send(v.otlpUrl, [first]);
    await send(v.otlpUrl, [first]);
    await send(v.otlpUrl, [{ ...first, name: "second", start: 5, end: 20 }]);
    const d = await detail(v, T);
    expect(d.spans.map((s) => [s.key, s.name, s.integrity])).toEqual([
      [hex(1, 8), "first", [`duplicate span id ${hex(1, 8)}: 2 different spans arrived with it; each is kept`]],
      [`${hex(1, 8)}~2`, "second", [`duplicate span id ${hex(1, 8)}: 2 different spans arrived with it; each is kept`]],
    ]);
    expect(d.summary.spanCount).toBe(2);
    expect(d.summary.integrityProblems).toBe(2);
  });

  it("names parent cycles, orphans, clock skew, spans ending before they start, and tokens counted twice", async () => {
    // Orphans are named once the trace has stopped growing (no span for the quiet period).
    let nowMs = 1_800_000_000_000;
    const v = await viewer({ quietPeriodMs: 1000, now: () => nowMs });
    const id = (n: number) => hex(n, 8);
    await send(v.otlpUrl, [
      { traceId: T, spanId: id(1), name: "root", start: 0, end: 100 },
      { traceId: T, spanId: id(2), parentSpanId: id(3), name: "A", start: 10, end: 20 },
      { traceId: T, spanId: id(3), parentSpanId: id(2), name: "B", start: 11, end: 19 },
      { traceId: T, spanId: id(4), parentSpanId: id(4), name: "C", start: 30, end: 40 },
      { traceId: T, spanId: id(5), parentSpanId: id(99), name: "orphan", start: 50, end: 60 },
      { traceId: T, spanId: id(6), parentSpanId: id(1), name: "early", start: -20, end: 5 },
      { traceId: T, spanId: id(7), parentSpanId: id(1), name: "backwards", start: 80, end: 30 },
      {
        traceId: T,
        spanId: id(8),
        parentSpanId: id(1),
        name: "chat outer",
        kind: 3,
        start: 60,
        end: 70,
        attributes: chat({ "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10 }),
      },
      {
        traceId: T,
        spanId: id(9),
        parentSpanId: id(8),
        name: "chat inner",
        kind: 3,
        start: 61,
        end: 69,
        attributes: chat({ "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10 }),
      },
    ]);
    nowMs += 1000;
    const d = await detail(v, T);
    expect(Object.fromEntries(d.spans.map((s) => [s.name, s.integrity]))).toEqual({
      root: [],
      A: ["parent cycle (A → B → A): drawn as a root"],
      B: ["parent cycle (A → B → A): drawn as a root"],
      C: ["parent cycle (C → C): drawn as a root"],
      orphan: [
        `orphan: its parent ${id(99)} never arrived`,
        `never ended: its parent ${id(99)} was still open when the trace stopped growing (no span for 1 s); ` +
          "end that span on every path (finally), and flush or shut down the tracer provider before the process exits",
      ],
      early: ["starts 20 ms before its parent (clock skew?)"],
      backwards: ["ends 50 ms before it starts (a clock or instrumentation fault)"],
      "chat outer": [],
      "chat inner": ['tokens counted twice: its model call "chat outer" above it reports usage too (two instrumentations?)'],
    });
    // The inner call is the same call seen twice: the trace counts its tokens once.
    expect([d.summary.modelCalls, d.summary.inputTokens, d.summary.outputTokens]).toEqual([2, 100, 10]);
  });

  it("says nothing of a parent that has not arrived while the trace grows (a run in progress), and names the orphan once it stops", async () => {
    let nowMs = 1_800_000_000_000;
    const v = await viewer({ quietPeriodMs: 5000, now: () => nowMs });
    const id = (n: number) => hex(n, 8);
    const t = hex(0x1f1, 16);
    // The agent span (1) is still open: its finished model call is exported, and a tool call that ends before its parent.
    await send(v.otlpUrl, [
      { traceId: t, spanId: id(2), parentSpanId: id(1), name: "chat", kind: 3, start: 1, end: 10, attributes: chat() },
      { traceId: t, spanId: id(3), parentSpanId: id(2), name: "late", start: 5, end: 20 },
    ]);
    const growing = await detail(v, t);
    expect(growing.spans.map((s) => [s.name, s.integrity])).toEqual([
      ["chat", []],
      ["late", ["ends 10 ms after its parent (clock skew, or work its parent did not wait for)"]],
    ]);
    expect(growing.summary.integrityProblems).toBe(1);
    expect(v.store.listTraces()[0]!.integrityProblems).toBe(1);
    // The quiet period passes with the parent still missing: now it is said, and counted.
    nowMs += 5000;
    const quiet = await detail(v, t);
    expect(quiet.spans.map((s) => s.integrity[0])).toEqual([
      `orphan: its parent ${id(1)} never arrived`,
      "ends 10 ms after its parent (clock skew, or work its parent did not wait for)",
    ]);
    expect([quiet.summary.integrityProblems, quiet.summary.neverEnded]).toEqual([2, 1]);
    expect(v.store.listTraces()[0]!.integrityProblems).toBe(2);
    // The parent arrives after all: the trace holds together again.
    await send(v.otlpUrl, [{ traceId: t, spanId: id(1), name: "invoke_agent", start: 0, end: 30 }]);
    const whole = await detail(v, t);
    expect(whole.spans.map((s) => [s.name, s.integrity.length])).toEqual([
      ["invoke_agent", 0],
      ["chat", 0],
      ["late", 1],
    ]);
    expect(whole.summary.integrityProblems).toBe(1);
  });

  it("keeps a span whose parent id is no span id as a root, and flags it (JSON and protobuf, exported as sent)", async () => {
    const v = await viewer();
    const id = (n: number) => hex(n, 8);
    await send(v.otlpUrl, [
      { traceId: T, spanId: id(1), name: "root", start: 0, end: 100 },
      { traceId: T, spanId: id(2), parentSpanId: "abcd", name: "short", start: 10, end: 20 },
      { traceId: T, spanId: id(3), parentSpanId: "zz".repeat(8), name: "not hex", start: 20, end: 30 },
      { traceId: T, spanId: id(4), parentSpanId: "ab".repeat(9), name: "long", start: 30, end: 40 },
      // All zeros is OTLP's "no parent": a root, and nothing wrong with it.
      { traceId: T, spanId: id(5), parentSpanId: "00".repeat(8), name: "zero", start: 40, end: 50 },
      { traceId: T, spanId: id(6), parentSpanId: id(1), name: "child", start: 50, end: 60 },
    ]);
    // Protobuf: a parent_span_id of 3 bytes.
    const types = otlpProtoTypes();
    const body = types.traceRequest
      .encode(
        types.traceRequest.fromObject({
          resourceSpans: [
            {
              resource: { attributes: [{ key: "service.name", value: { stringValue: "test-app" } }] },
              scopeSpans: [
                {
                  scope: { name: "hand-written" },
                  spans: [
                    {
                      traceId: Buffer.from(T, "hex"),
                      spanId: Buffer.from(id(7), "hex"),
                      parentSpanId: Buffer.from([1, 2, 3]),
                      name: "protobuf",
                      kind: 1,
                      startTimeUnixNano: String(BASE_NS + 60_000_000n),
                      endTimeUnixNano: String(BASE_NS + 70_000_000n),
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const res = await fetch(`${v.otlpUrl}/v1/traces`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-protobuf" },
    });
    expect(res.status).toBe(200);
    const line = (sent: string) =>
      `invalid parent span id "${sent}" (not 8 bytes of hex): drawn as a root; its exporter sent a malformed parentSpanId`;
    const expected = [
      ["root", null, undefined, []],
      ["short", null, "abcd", [line("abcd")]],
      ["not hex", null, "zz".repeat(8), [line("zz".repeat(8))]],
      ["long", null, "ab".repeat(9), [line("ab".repeat(9))]],
      ["zero", null, undefined, []],
      ["child", id(1), undefined, []],
      ["protobuf", null, "010203", [line("010203")]],
    ];
    const d = await detail(v, T);
    expect(d.spans.map((s) => [s.name, s.parentSpanId, s.invalidParentSpanId, s.integrity])).toEqual(expected);
    expect([d.summary.spanCount, d.summary.rootName, d.summary.integrityProblems]).toEqual([7, "root", 4]);
    expect(v.store.listTraces().map((t) => [t.traceId, t.integrityProblems])).toEqual([[T, 4]]);

    // Exported with the parent id as it came (protobuf bytes in hex), an import flags the same spans again.
    const exported = (await (await fetch(`${v.url}/api/traces/${T}/otlp`)).json()) as {
      resourceSpans: { scopeSpans: { spans: { name: string; parentSpanId?: string }[] }[] }[];
    };
    const spans = exported.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans.map((s) => [s.name, s.parentSpanId])).toEqual([
      ["root", undefined],
      ["short", "abcd"],
      ["not hex", "zz".repeat(8)],
      ["long", "ab".repeat(9)],
      ["zero", undefined],
      ["child", id(1)],
      ["protobuf", "010203"],
    ]);
    const again = await viewer();
    const imported = await fetch(`${again.url}/api/import`, {
      method: "POST",
      body: JSON.stringify(exported),
      headers: { "content-type": "application/json" },
    });
    expect(imported.status).toBe(200);
    expect(again.store.spans(T)).toEqual(v.store.spans(T));
    const d2 = await detail(again, T);
    expect(d2.spans.map((s) => [s.name, s.parentSpanId, s.invalidParentSpanId, s.integrity])).toEqual(expected);
  });

  it("lists a trace dated in the future at its arrival, not on top for ever, and pages the list with a total", async () => {
    const v = await viewer();
    const now = BigInt(Date.now()) * 1_000_000n;
    const future = hex(0xf00, 16);
    await send(
      v.otlpUrl,
      [{ traceId: future, spanId: hex(1, 8), name: "from 2100", start: 0, end: 1 }],
      4_102_444_800_000_000_000n,
    );
    await send(v.otlpUrl, [{ traceId: hex(0xbee, 16), spanId: hex(1, 8), name: "later, on time", start: 1000, end: 1001 }], now);
    expect(v.store.listTraces().map((t) => t.rootName)).toEqual(["later, on time", "from 2100"]);
    const res = await fetch(`${v.url}/api/traces?limit=1&offset=1`);
    expect(await res.json()).toEqual({ traces: [expect.objectContaining({ rootName: "from 2100" })], total: 2, offset: 1 });
  });

  it("reports each legacy OpenLLMetry key once with its current name, and tells OpenInference from the GenAI conventions", async () => {
    const v = await viewer();
    const openllmetry = hex(0x11, 16);
    const openinference = hex(0x12, 16);
    await send(v.otlpUrl, [
      {
        traceId: openllmetry,
        spanId: hex(1, 8),
        name: "openai.chat",
        kind: 3,
        start: 0,
        end: 10,
        attributes: {
          "llm.request.type": "chat",
          "gen_ai.system": "openai",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.prompt.0.role": "user",
          "gen_ai.prompt.0.content": "Hi",
          "gen_ai.completion.0.content": "Hello",
          "gen_ai.usage.prompt_tokens": 3,
          "gen_ai.usage.completion_tokens": 2,
        },
      },
      {
        traceId: openinference,
        spanId: hex(2, 8),
        name: "ChatOpenAI",
        start: 0,
        end: 10,
        attributes: { "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 3 },
      },
    ]);
    const legacy = await detail(v, openllmetry);
    expect(legacy.spans[0]!.violations).toEqual([
      "gen_ai.system is deprecated: renamed to gen_ai.provider.name",
      "gen_ai.request.model on a span that is no GenAI operation",
      "gen_ai.prompt.0.role is a legacy key: the current name is gen_ai.input.messages (and gen_ai.system_instructions)",
      "gen_ai.prompt.0.content is a legacy key: the current name is gen_ai.input.messages (and gen_ai.system_instructions)",
      "gen_ai.completion.0.content is a legacy key: the current name is gen_ai.output.messages",
      "gen_ai.usage.prompt_tokens is deprecated: renamed to gen_ai.usage.input_tokens",
      "gen_ai.usage.completion_tokens is deprecated: renamed to gen_ai.usage.output_tokens",
    ]);
    expect([legacy.spans[0]!.convention, legacy.summary.conventions]).toEqual(["openllmetry", ["openllmetry"]]);
    const oi = await detail(v, openinference);
    expect([oi.spans[0]!.convention, oi.summary.conventions, oi.summary.conformanceProblems]).toEqual([
      "openinference",
      ["openinference"],
      0,
    ]);
  });

  it("reports a key the registry removed (gen_ai.token.type) once, saying what replaced it", async () => {
    const v = await viewer();
    const t = hex(0x13, 16);
    await send(v.otlpUrl, [
      {
        traceId: t,
        spanId: hex(1, 8),
        name: "chat gpt-4o-mini",
        kind: 3,
        start: 0,
        end: 10,
        attributes: chat({ "gen_ai.token.type": "input", "gen_ai.agent.steps": 3 }),
      },
    ]);
    const d = await detail(v, t);
    expect(d.spans[0]!.violations).toEqual([
      "gen_ai.token.type was removed from the GenAI conventions: input and output are now in the metric's name " +
        "(gen_ai.client.inference.usage.input_tokens / .output_tokens), and no span carries it",
      "gen_ai.agent.steps was removed from the GenAI conventions: the metrics gen_ai.invoke_agent.inference_calls and " +
        "gen_ai.invoke_agent.tool_calls count the steps",
    ]);
    expect(d.summary.conformanceProblems).toBe(2);
  });
});

describe("numbers as the page writes them", () => {
  it("keeps durations on a sensible scale, negative ones included", () => {
    expect([
      duration(-50_000),
      duration(850),
      duration(12_345),
      duration(4_560_000),
      duration(123_000_000),
      duration(5 * 3600e6 + 7 * 60e6),
      duration(3 * 86_400e6 + 2 * 3600e6),
      duration(29_940_046 * 60e6 + 35e6),
    ]).toEqual(["-50.0ms", "850µs", "12.3ms", "4.56s", "2m 03s", "5h 07m", "3d 02h", "56.9 years"]);
  });

  it("writes large token counts in k, M and B", () => {
    expect([0, 9999, 12_345, 999_949, 2_662_500, 12_600_000, 3_400_000_000].map(tokens)).toEqual([
      "–",
      "9999",
      "12.3k",
      "999.9k",
      "2.66M",
      "12.6M",
      "3.40B",
    ]);
  });
});
