import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chat, hex, type SpanSpec, send } from "./otlp-json.js";
import { hasChromium, pageSession } from "./page-harness.js";

// What a user reads about cost: in the list, the trace header, the waterfall rows, the span panel,
// the conversation view and the charts; "unpriced" wherever the price table has no price.
describe.skipIf(!hasChromium)("the page shows what model calls cost", () => {
  const session = pageSession();
  const { viewer, open } = session;

  const id = (n: number) => hex(n, 8);
  const usage = (input: number, output: number) => ({
    "gen_ai.usage.input_tokens": input,
    "gen_ai.usage.output_tokens": output,
  });

  /** A priced trace (gpt-4o, with one call reported twice), a mixed one and an unpriced one, all one conversation. */
  function traces(): { priced: string; mixed: string; unpriced: string; spans: SpanSpec[] } {
    const priced = hex(0xc1, 16);
    const mixed = hex(0xc2, 16);
    const unpriced = hex(0xc3, 16);
    const conv = { "gen_ai.conversation.id": "conv-cost" };
    const agent = (t: string, start: number) => ({
      traceId: t,
      spanId: id(1),
      name: "invoke_agent Support",
      start,
      end: start + 100,
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Support", ...conv },
    });
    const spans: SpanSpec[] = [
      agent(priced, 0),
      // gpt-4o: 2.5 in, 10 out USD per million tokens: 10,000 in and 1,000 out is $0.035.
      {
        traceId: priced,
        spanId: id(2),
        parentSpanId: id(1),
        name: "chat gpt-4o",
        kind: 3,
        start: 10,
        end: 40,
        attributes: chat({ "gen_ai.request.model": "gpt-4o", ...usage(10_000, 1000), ...conv }),
      },
      // The same call reported again by a second instrumentation under it: not priced twice.
      {
        traceId: priced,
        spanId: id(3),
        parentSpanId: id(2),
        name: "openai.chat",
        kind: 3,
        start: 11,
        end: 39,
        attributes: chat({ "gen_ai.request.model": "gpt-4o", ...usage(10_000, 1000) }),
      },
      agent(mixed, 1000),
      {
        traceId: mixed,
        spanId: id(2),
        parentSpanId: id(1),
        name: "chat gpt-4o",
        kind: 3,
        start: 1010,
        end: 1040,
        attributes: chat({ "gen_ai.request.model": "gpt-4o", ...usage(10_000, 1000), ...conv }),
      },
      {
        traceId: mixed,
        spanId: id(3),
        parentSpanId: id(1),
        name: "chat llama-local",
        kind: 3,
        start: 1050,
        end: 1080,
        attributes: chat({
          "gen_ai.provider.name": "ollama",
          "gen_ai.request.model": "llama-local",
          ...usage(1200, 34),
          ...conv,
        }),
      },
      agent(unpriced, 2000),
      {
        traceId: unpriced,
        spanId: id(2),
        parentSpanId: id(1),
        name: "chat llama-local",
        kind: 3,
        start: 2010,
        end: 2040,
        attributes: chat({ "gen_ai.provider.name": "ollama", "gen_ai.request.model": "llama-local", ...usage(800, 66), ...conv }),
      },
    ];
    return { priced, mixed, unpriced, spans };
  }

  it("in the list, the trace header, the waterfall and the span panel: priced once, and unpriced tokens said as such", async () => {
    const v = await viewer();
    const { priced, mixed, unpriced, spans } = traces();
    await send(v.otlpUrl, spans);
    const page = await open(`${v.url}/#/trace/${priced}`);
    await page.waitForSelector(`tr[data-trace-id="${unpriced}"]`);
    const costs = await page.$$eval("table.traces tbody tr", (rows) =>
      rows.map((r) => {
        const cell = r.querySelector("td.cost");
        return [r.getAttribute("data-trace-id"), cell?.textContent, cell?.getAttribute("title") ?? null];
      }),
    );
    expect(costs).toEqual([
      [unpriced, "unpriced", "866 tokens of models with no known price"],
      [mixed, "$0.035 + unpriced", "1,234 tokens of models with no known price"],
      [priced, "$0.035", null],
    ]);
    expect(await page.$$eval("table.traces th", (ths) => ths.map((th) => th.textContent))).toContain("cost");

    await page.waitForSelector(".trace-cost");
    expect(await page.textContent(".trace-cost")).toBe("cost $0.035");
    expect(await page.$$eval(".waterfall .row[data-span-id] .facts", (els) => els.map((e) => e.textContent))).toEqual([
      "",
      "gpt-4o · 10000→1000 tok · $0.035",
      "gpt-4o · 10000→1000 tok · $0.035",
    ]);
    await page.click(`.waterfall .row[data-span-id="${id(3)}"]`);
    await page.waitForSelector(".span-panel section.cost");
    expect(await page.$$eval(".span-panel section.cost > *", (els) => els.map((e) => e.textContent))).toEqual([
      "Cost",
      "$0.035",
      "priced as openai/gpt-4o",
      "Not added to the trace's cost: these tokens are counted twice (see trace integrity).",
    ]);

    await page.click(`tr[data-trace-id="${mixed}"]`);
    await page.locator(".trace-cost", { hasText: "unpriced" }).waitFor();
    expect(await page.textContent(".trace-cost")).toBe("cost $0.035 + 1,234 tokens unpriced");
    await page.click(`.waterfall .row[data-span-id="${id(3)}"]`);
    await page.waitForSelector(".span-panel .unpriced-hint");
    expect(await page.$$eval(".span-panel section.cost > *", (els) => els.map((e) => e.textContent))).toEqual([
      "Cost",
      "unpriced (1,234 tokens)",
      "No price for llama-local from ollama in the price table: add it with --prices <file>.",
    ]);
    expect(await page.textContent(`.waterfall .row[data-span-id="${id(3)}"] .facts`)).toBe(
      "llama-local · 1200→34 tok · unpriced",
    );

    await page.click(`tr[data-trace-id="${unpriced}"]`);
    await page.locator(".trace-cost", { hasText: "cost unpriced (866 tokens)" }).waitFor();
    expect(await page.textContent(".trace-cost")).toBe("cost unpriced (866 tokens)");
    // A span that is no model call says nothing about cost.
    await page.click(`.waterfall .row[data-span-id="${id(1)}"]`);
    await page.waitForSelector(".span-panel");
    expect(await page.locator(".span-panel section.cost").count()).toBe(0);
  });

  it("in the conversation view, per turn and in all; a --prices file prices what had no price", async () => {
    const file = join(session.pageDir(), "..", "prices.json");
    writeFileSync(file, JSON.stringify({ providers: { ollama: { models: { "llama-local": { input: 0.1, output: 0.4 } } } } }));
    for (const prices of [undefined, file]) {
      const v = await viewer(prices ? { prices } : {});
      await send(v.otlpUrl, traces().spans);
      const page = await open(`${v.url}/#/conversation/conv-cost`);
      await page.waitForSelector(".conversation-view .turn:nth-of-type(3)");
      const turns = await page.$$eval(".conversation-view .turn", (els) =>
        els.map((el) => el.querySelector(".turn-cost")?.textContent ?? null),
      );
      const line = await page.textContent(".conversation-view > p.muted");
      if (!prices) {
        expect(turns).toEqual(["· $0.035", "· $0.035 + 1,234 tokens unpriced", "· unpriced (866 tokens)"]);
        expect(line).toBe("3 traces share this gen_ai.conversation.id · cost $0.070 + 2,100 tokens unpriced");
      } else {
        // llama-local at 0.1 in and 0.4 out: 1,200 + 34 tokens is $0.0001336, 800 + 66 is $0.0001064.
        expect(turns).toEqual(["· $0.035", "· $0.035", "· $0.00011"]);
        expect(line).toBe("3 traces share this gen_ai.conversation.id · cost $0.070");
      }
    }
  });

  it("in the charts: cost by model from the token metrics, unpriced models said so", async () => {
    const v = await viewer();
    const now = BigInt(Date.now()) * 1_000_000n;
    const point = (model: string, provider: string, type: string, value: number) => ({
      attributes: [
        { key: "gen_ai.request.model", value: { stringValue: model } },
        { key: "gen_ai.provider.name", value: { stringValue: provider } },
        { key: "gen_ai.token.type", value: { stringValue: type } },
      ],
      startTimeUnixNano: String(now - 1_000_000_000n),
      timeUnixNano: String(now),
      count: "1",
      sum: value,
    });
    const res = await fetch(`${v.otlpUrl}/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "app" } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: "gen_ai.client.token.usage",
                    unit: "{token}",
                    histogram: {
                      aggregationTemporality: 1,
                      dataPoints: [
                        point("gpt-4o", "openai", "input", 200_000),
                        point("gpt-4o", "openai", "output", 50_000),
                        point("llama-local", "ollama", "input", 3000),
                        point("llama-local", "ollama", "output", 400),
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const page = await open(`${v.url}/#/charts`);
    await page.waitForSelector('[data-chart="cost-by-model"] .chart-row');
    expect(await page.textContent('[data-chart="cost-by-model"] h3')).toBe("Cost by model: $1.00 + 3,400 tokens unpriced");
    const rows = await page.$$eval('[data-chart="cost-by-model"] .chart-row', (els) =>
      els.map((r) => [
        r.getAttribute("data-label"),
        r.querySelector("rect")?.getAttribute("data-value") ?? null,
        r.querySelector("text.value")?.textContent,
        r.querySelector("text.value")?.getAttribute("class"),
      ]),
    );
    // gpt-4o: 200,000 · 2.5 + 50,000 · 10 per million = $1.00; llama-local has no price and draws no bar.
    expect(rows).toEqual([
      ["gpt-4o", "1", "$1.00", "value"],
      ["llama-local", null, "unpriced (3,400 tokens)", "value unpriced"],
    ]);
  });
});
