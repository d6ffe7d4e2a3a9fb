import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { assertConformance } from "@otel-agents/core/conformance";
import { type Browser, chromium, type Page } from "playwright-core";
import { build } from "tsdown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningViewer } from "../src/viewer.js";
import config from "../tsdown.config.js";
import { agentTurn, meterProviderWith, providerWith, testViewer } from "./support.js";

// Debian's browser, never a downloaded one. CI installs it (.ci/run); elsewhere these tests say how.
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`viewer browser tests skipped: ${CHROMIUM} not found; install Debian's package with: apt-get install -y chromium`);

/** What the page-side predicates read of the page's globals. */
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
// Screenshots for the README are written only on request, so a test run leaves the work tree alone.
const shotDir = process.env.UPDATE_SCREENSHOTS ? join(packageDir, "docs") : undefined;

describe.skipIf(!hasChromium)("the page in headless Chromium", () => {
  let workDir: string;
  let viewer: RunningViewer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-page-"));
    const pageDir = join(workDir, "page");
    // The page exactly as `pnpm build` makes it (the same tsdown config), into a scratch folder.
    const pageConfig = (Array.isArray(config) ? config : [config])[1]!;
    await build({ ...pageConfig, config: false, cwd: packageDir, outDir: pageDir, logLevel: "silent" });
    viewer = await testViewer({ pageDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(viewer.url);
    await page.waitForSelector("#live.on");
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function sendTurn(question: string): Promise<string> {
    const app = providerWith(new OTLPTraceExporter({ url: `${viewer.otlpUrl}/v1/traces` }), "support-agent");
    const remote = providerWith(new OTLPTraceExporter({ url: `${viewer.otlpUrl}/v1/traces` }), "forecast-service");
    // Each turn is a process of its own: a fresh cumulative metric stream, exported at shutdown.
    const meterProvider = meterProviderWith(new OTLPMetricExporter({ url: `${viewer.otlpUrl}/v1/metrics` }), "support-agent");
    await agentTurn(app.provider, { conversationId: "conv-demo", question, toolService: remote.provider, meterProvider });
    const traceId = app.memory.getFinishedSpans()[0]!.spanContext().traceId;
    assertConformance(app.memory.getFinishedSpans());
    await Promise.all([app.provider.shutdown(), remote.provider.shutdown(), meterProvider.shutdown()]);
    return traceId;
  }

  async function shot(name: string) {
    if (!shotDir) return;
    mkdirSync(shotDir, { recursive: true });
    await page.screenshot({ path: join(shotDir, name) });
  }

  it("shows a trace live, its waterfall in order, a chat span's messages, and a conversation of two traces", async () => {
    const first = await sendTurn("What is the weather in Paris?");
    // Server-sent events bring the trace into the open page; no reload.
    await page.waitForSelector(`tr[data-trace-id="${first}"]`);
    // The row comes with the first spans of the trace and is updated as the rest arrive (the
    // root, invoke_agent, ends and is sent last): wait for the update that names it after its root.
    // A function, not a string: polled in the page, a string predicate is eval'd there, which the
    // viewer's CSP refuses (it passed only when the first check, made from outside, was already true).
    // (The test's types are Node's: the page's document is typed here as far as it is read.)
    await page.waitForFunction(
      (id) =>
        (globalThis as unknown as PageGlobals).document.querySelector(`tr[data-trace-id="${id}"] td`)?.textContent ===
        "invoke_agent Weather Weather",
      first,
    );
    expect(
      await page.$$eval("table.traces tbody tr", (rows) =>
        rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)),
      ),
    ).toEqual([
      [
        "invoke_agent Weather Weather",
        "support-agent → forecast-service",
        expect.any(String),
        expect.any(String),
        "2",
        "1",
        "142",
        "25",
        "20",
        "6",
        // gpt-4o-mini at 0.15 / 0.075 cached / 0.6 USD per million tokens: (32·0.15 + 20·0.075 + 11·0.6 + 90·0.15 + 14·0.6) / 10⁶
        "$0.000035",
        "–",
        "✓",
      ],
    ]);
    await shot("list.png");

    await page.click(`tr[data-trace-id="${first}"]`);
    await page.waitForSelector(".waterfall .row[data-span-id]");
    const rows = await page.$$eval(".waterfall .row[data-span-id]", (els) =>
      els.map((el) => ({
        category: el.getAttribute("data-category"),
        name: el.querySelector(".span-name")?.textContent,
        hop: el.querySelector(".hop")?.textContent ?? null,
        indent: (el.querySelector(".name") as unknown as { style: { paddingLeft: string } }).style.paddingLeft,
      })),
    );
    expect(rows).toEqual([
      { category: "agent", name: "invoke_agent Weather", hop: null, indent: "6px" },
      { category: "chat", name: "chat gpt-4o-mini", hop: null, indent: "20px" },
      { category: "tool", name: "execute_tool get_weather", hop: null, indent: "20px" },
      { category: "other", name: "POST /forecast", hop: "⇢ forecast-service", indent: "34px" },
      { category: "other", name: "SELECT forecasts", hop: null, indent: "48px" },
      { category: "chat", name: "chat gpt-4o-mini", hop: null, indent: "20px" },
    ]);
    expect(await page.textContent(".conformance-count")).toBe("✓ GenAI conventions");
    expect(await page.textContent(".trace-cost")).toBe("cost $0.000035");
    expect(await page.$$eval(".waterfall .row[data-category=chat] .facts", (els) => els.map((e) => e.textContent))).toEqual([
      "gpt-4o-mini-2024-07-18 · 52→11 tok · $0.000013 · tool_call",
      "gpt-4o-mini-2024-07-18 · 90→14 tok · $0.000022 · stop",
    ]);

    await page.click(".waterfall .row[data-span-id]:nth-last-child(1)");
    await page.waitForSelector(".span-panel .message");
    const messages = await page.$$eval(".span-panel .conversation-messages > *", (els) =>
      els.map((el) => [
        el.getAttribute("data-role") ?? el.className,
        el.querySelector(".part, div:not(.role)")?.textContent ?? el.textContent,
      ]),
    );
    expect(messages).toEqual([
      ["user", "What is the weather in Paris?"],
      ["assistant", 'calls get_weather call_1{\n  "city": "Paris"\n}'],
      ["tool", 'result call_1{\n  "forecast": "sunny",\n  "celsius": 21\n}'],
      ["divider", "response"],
      ["assistant", "It is sunny in Paris, 21 °C."],
    ]);
    expect(await page.$$eval(".span-panel .span-attributes th", (ths) => ths.map((th) => th.textContent))).toContain(
      "gen_ai.usage.reasoning.output_tokens",
    );
    expect(await page.$$eval(".span-panel section.cost > *", (els) => els.map((e) => e.textContent))).toEqual([
      "Cost",
      "$0.000022",
      "priced as openai/gpt-4o-mini",
    ]);
    await shot("waterfall.png");

    const second = await sendTurn("And tomorrow?");
    await page.waitForSelector(`tr[data-trace-id="${second}"]`);
    await page.click('a[href="#/conversation/conv-demo"]');
    await page.waitForSelector(`.conversation-view .turn[data-trace-id="${second}"]`);
    const turns = await page.$$eval(".conversation-view .turn", (els) =>
      els.map((el) => ({
        trace: el.getAttribute("data-trace-id"),
        asked: el.querySelector('.message[data-role="user"]')?.textContent,
        answered: [...el.querySelectorAll('.message[data-role="assistant"]')].map((m) => m.textContent).at(-1),
      })),
    );
    expect(turns).toEqual([
      { trace: first, asked: "userWhat is the weather in Paris?", answered: "assistantIt is sunny in Paris, 21 °C." },
      { trace: second, asked: "userAnd tomorrow?", answered: "assistantIt is sunny in Paris, 21 °C." },
    ]);
    expect(await page.$$eval(".conversation-view .turn-cost", (els) => els.map((e) => e.textContent))).toEqual([
      "· $0.000035",
      "· $0.000035",
    ]);
    expect(await page.textContent(".conversation-view > p.muted")).toBe(
      "2 traces share this gen_ai.conversation.id · cost $0.000070",
    );
    await shot("conversation.png");

    // The charts, from the GenAI metrics the two turns exported (live: the view redraws when metrics arrive).
    await page.click("#charts-link");
    await page.waitForSelector('[data-chart="durations"] .chart-row');
    const tokenRows = await page.$$eval('[data-chart="tokens-by-model"] .chart-row', (rows) =>
      rows.map((r) => ({
        model: r.getAttribute("data-label"),
        segments: [...r.querySelectorAll("rect")].map((x) => [x.getAttribute("data-series"), x.getAttribute("data-value")]),
        text: r.querySelector("text.value")?.textContent,
      })),
    );
    expect(tokenRows).toEqual([
      {
        model: "gpt-4o-mini-2024-07-18",
        segments: [
          ["input", "244"],
          ["cache_read", "40"],
          ["output", "38"],
          ["reasoning", "12"],
        ],
        text: "284 in · 50 out · 40 cache read · 12 reasoning",
      },
    ]);
    const columns = await page.$$eval('[data-chart="tokens-over-time"] .chart-col rect', (rects) =>
      rects.reduce((sum, r) => sum + Number(r.getAttribute("data-value")), 0),
    );
    expect(columns).toBe(284 + 50);
    expect(await page.textContent('[data-chart="cost-by-model"] h3')).toBe("Cost by model: $0.000070");
    expect(await page.textContent('[data-chart="cost-by-model"] .note')).toBe(
      "the tokens above at the price table's prices (@pydantic/genai-prices 0.1.8, read 2026-12-05); tokens of a model with no price are unpriced, not $0",
    );
    expect(
      await page.$$eval('[data-chart="cost-by-model"] .chart-row', (rows) =>
        rows.map((r) => [
          r.getAttribute("data-label"),
          r.querySelector("rect")?.getAttribute("data-value"),
          r.querySelector("text.value")?.textContent,
        ]),
      ),
    ).toEqual([["gpt-4o-mini-2024-07-18", expect.stringMatching(/^0\.0000696\d*$/), "$0.000070"]]);
    const durationRows = await page.$$eval('[data-chart="durations"] .chart-row', (rows) =>
      rows.map((r) => [r.getAttribute("data-label"), r.querySelector("text.value")?.textContent]),
    );
    expect(durationRows).toEqual([
      ["invoke_agent Weather · gpt-4o-mini", expect.stringMatching(/^mean [\d.]+(µs|ms) · p95 ≈ [\d.]+(µs|ms) · 2 calls$/)],
      ["chat · gpt-4o-mini-2024-07-18", expect.stringMatching(/^mean [\d.]+(µs|ms) · p95 ≈ [\d.]+(µs|ms) · 4 calls$/)],
      ["execute_tool get_weather", expect.stringMatching(/^mean [\d.]+(µs|ms) · p95 ≈ [\d.]+(µs|ms) · 2 calls$/)],
    ]);
    await shot("charts.png");
  });
});
