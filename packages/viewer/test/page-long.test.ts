import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningViewer } from "../src/viewer.js";
import { chat, hex, type SpanSpec, send } from "./otlp-json.js";
import { hasChromium, pageAndBrowser } from "./page-harness.js";
import { testViewer } from "./support.js";

/**
 * A long agent trace: a root agent, a sub-agent with `sub` model calls under it, then `rounds` of
 * chat → tool → HTTP call. Span ids: 1 root, 2 sub-agent, 100+ its calls, 10000+ the rounds.
 */
function longAgentTrace(traceId: string, sub: number, rounds: number): SpanSpec[] {
  const spans: SpanSpec[] = [
    {
      traceId,
      spanId: hex(1, 8),
      name: "invoke_agent Support",
      start: 0,
      end: 10 + sub + rounds * 10,
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Support" },
    },
    {
      traceId,
      spanId: hex(2, 8),
      parentSpanId: hex(1, 8),
      name: "invoke_agent Research",
      start: 1,
      end: 2 + sub,
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Research" },
    },
  ];
  for (let i = 0; i < sub; i++)
    spans.push({
      traceId,
      spanId: hex(100 + i, 8),
      parentSpanId: hex(2, 8),
      name: `chat research ${i + 1}`,
      kind: 3,
      start: 1.5 + i,
      end: 2 + i,
      attributes: chat(),
    });
  for (let i = 0; i < rounds; i++) {
    const t = 5 + sub + i * 10;
    const id = 10_000 + i * 3;
    spans.push(
      {
        traceId,
        spanId: hex(id, 8),
        parentSpanId: hex(1, 8),
        name: `chat step ${i + 1}`,
        kind: 3,
        start: t,
        end: t + 4,
        attributes: chat(),
      },
      {
        traceId,
        spanId: hex(id + 1, 8),
        parentSpanId: hex(1, 8),
        name: `execute_tool lookup ${i + 1}`,
        start: t + 5,
        end: t + 9,
        attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup" },
      },
      { traceId, spanId: hex(id + 2, 8), parentSpanId: hex(id + 1, 8), name: "GET /orders", kind: 3, start: t + 6, end: t + 8 },
    );
  }
  return spans;
}

// Waits are for DOM states through selectors and locators, never sleeps.
describe.skipIf(!hasChromium)("the page with long traces (issue 17, item 2)", () => {
  let env: Awaited<ReturnType<typeof pageAndBrowser>>;
  let browser: Browser;
  const viewers: RunningViewer[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    env = await pageAndBrowser();
    browser = env.browser;
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.context().close()));
    await Promise.all(viewers.splice(0).map((v) => v.close()));
  });
  afterAll(async () => {
    await env?.dispose();
  });

  async function traceOpen(spans: SpanSpec[], hash = ""): Promise<Page> {
    const v = await testViewer({ pageDir: env.pageDir });
    viewers.push(v);
    for (let i = 0; i < spans.length; i += 1000) await send(v.otlpUrl, spans.slice(i, i + 1000));
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    pages.push(page);
    page.setDefaultTimeout(8000);
    page.on("pageerror", (e) => {
      throw e;
    });
    await page.goto(`${v.url}/#/trace/${spans[0]!.traceId}${hash}`);
    await page.waitForSelector(".waterfall .row[data-span-id]");
    return page;
  }

  const row = (page: Page, n: number) => page.locator(`.waterfall .row[data-span-id="${hex(n, 8)}"]`);
  const shownIds = (page: Page) =>
    page.$$eval(".waterfall .rows .row", (els) => els.map((el) => el.getAttribute("data-span-id")));

  it("builds only the rows in view of a 2,402-span trace, and the rest as the body scrolls", async () => {
    const spans = longAgentTrace(hex(0x20, 16), 0, 800);
    expect(spans.length).toBe(2402);
    const page = await traceOpen(spans);
    await page.waitForSelector('.waterfall[data-rows="2402"][data-visible-rows="2402"]');
    expect((await shownIds(page)).length).toBeLessThan(120);
    expect(await page.locator(".waterfall *").count()).toBeLessThan(2000);
    await page.evaluate(`document.querySelector(".waterfall .rows").scrollTop = 1e7`);
    const last = hex(10_000 + 799 * 3 + 2, 8);
    await page.locator(`.waterfall .row[data-span-id="${last}"]`).waitFor();
    expect(await row(page, 1).count()).toBe(0);
    const box = (await page.locator(`.waterfall .row[data-span-id="${last}"]`).boundingBox())!;
    const body = (await page.locator(".waterfall .rows").boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(body.y + body.height + 1);
  });

  it("collapses agent subtrees past a size, and expands and collapses any subtree on its toggle", async () => {
    const page = await traceOpen(longAgentTrace(hex(0x21, 16), 60, 3));
    // The sub-agent has 60 spans below it: collapsed. The root and a tool with one call are not.
    const research = row(page, 2);
    expect(await research.getAttribute("aria-expanded")).toBe("false");
    expect(await research.locator(".toggle").textContent()).toBe("▸ 60");
    expect(await row(page, 100).count()).toBe(0);
    expect(await row(page, 10_002).count()).toBe(1);
    await page.waitForSelector('.waterfall[data-visible-rows="11"]');
    // Folding a tool hides its HTTP call; the click does not select the span.
    await row(page, 10_001).locator(".toggle").click();
    await row(page, 10_002).waitFor({ state: "detached" });
    await page.waitForSelector('.waterfall[data-visible-rows="10"]');
    await research.locator(".toggle").click();
    await row(page, 100).waitFor();
    expect(await research.getAttribute("aria-expanded")).toBe("true");
    await page.waitForSelector('.waterfall[data-visible-rows="70"]');
    expect(await page.locator(".span-panel").count()).toBe(0);
  });

  it("draws a time axis with round ticks, and zooms to a span's range and back", async () => {
    const page = await traceOpen(longAgentTrace(hex(0x22, 16), 0, 10));
    // The trace lasts 110 ms: ticks every 20 ms from 0.
    const ticks = await page.$$eval(".waterfall .axis .tick", (els) =>
      els.map((el) => [el.getAttribute("data-us"), el.textContent]),
    );
    expect(ticks).toEqual([
      ["0", "0µs"],
      ["20000", "20.0ms"],
      ["40000", "40.0ms"],
      ["60000", "60.0ms"],
      ["80000", "80.0ms"],
      ["100000", "100.0ms"],
    ]);
    const tool = 10_000 + 4 * 3 + 1; // execute_tool lookup 5: 50 to 54 ms after the start
    await row(page, tool).click();
    await page.locator(".span-panel button.zoom-span").click();
    await page.waitForSelector('.waterfall[data-zoom="50000-54000"]');
    const zoomed = await page.$$eval(".waterfall .axis .tick", (els) => els.map((el) => el.textContent));
    expect(zoomed).toEqual(["50.0ms", "50.5ms", "51.0ms", "51.5ms", "52.0ms", "52.5ms", "53.0ms", "53.5ms", "54.0ms"]);
    const line = (await row(page, tool).locator(".timeline").boundingBox())!;
    const bar = (await row(page, tool).locator(".bar").boundingBox())!;
    expect(Math.abs(bar.x - line.x)).toBeLessThan(1);
    expect(Math.abs(bar.width - line.width)).toBeLessThan(1);
    // Its HTTP call (51 to 53 ms) is half of it; a span outside the range has no bar.
    const http = (await row(page, tool + 1)
      .locator(".bar")
      .boundingBox())!;
    expect(http.width / line.width).toBeCloseTo(0.5, 1);
    expect(await row(page, 10_000).locator(".bar").isVisible()).toBe(false);
    await page.locator(".waterfall button.zoom-reset").click();
    await page.waitForSelector(".waterfall:not([data-zoom])");
    expect(await page.locator(".waterfall .axis .tick").count()).toBe(6);
  });

  it("finds spans in the trace, highlights them, and jumps to each, opening collapsed subtrees", async () => {
    const page = await traceOpen(longAgentTrace(hex(0x23, 16), 60, 200));
    const box = page.locator(".waterfall input.trace-search");
    await box.fill("research 5");
    // "research 5" and "research 50" to "research 59", all inside the collapsed sub-agent.
    await page.waitForSelector('.waterfall[data-matches="11"]');
    expect(await page.textContent(".waterfall .search-count")).toBe("11 found");
    await box.press("Enter");
    await page.locator(`.span-panel[data-span-id="${hex(104, 8)}"]`).waitFor();
    expect(await page.textContent(".waterfall .search-count")).toBe("1 of 11");
    const current = page.locator(".waterfall .row.current-match");
    expect(await current.getAttribute("data-span-id")).toBe(hex(104, 8));
    await box.press("Enter");
    await page.locator(`.span-panel[data-span-id="${hex(149, 8)}"]`).waitFor();
    // "research 50" to "research 59" follow each other: all ten are built and highlighted.
    expect(await page.locator(".waterfall .row.match").count()).toBeGreaterThanOrEqual(10);
    // A match far down is scrolled into the body's view.
    await box.fill("lookup 190");
    await page.waitForSelector('.waterfall[data-matches="1"]');
    await box.press("Enter");
    const far = row(page, 10_000 + 189 * 3 + 1);
    await far.waitFor();
    const r = (await far.boundingBox())!;
    const body = (await page.locator(".waterfall .rows").boundingBox())!;
    expect(r.y).toBeGreaterThanOrEqual(body.y - 1);
    expect(r.y + r.height).toBeLessThanOrEqual(body.y + body.height + 1);
    expect(await far.getAttribute("class")).toContain("selected");
  });

  it("walks the tree with the arrow keys, folds with left and right, and opens a span with Enter", async () => {
    const page = await traceOpen(longAgentTrace(hex(0x24, 16), 60, 3));
    const focusedId = () => page.evaluate(`document.activeElement.dataset.spanId`);
    // The tree takes one tab stop: its first row.
    await page.locator(".waterfall input.trace-search").focus();
    await page.keyboard.press("Tab");
    expect(await focusedId()).toBe(hex(1, 8));
    await page.keyboard.press("ArrowDown");
    expect(await focusedId()).toBe(hex(2, 8));
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector(`.waterfall .row[data-span-id="${hex(2, 8)}"][aria-expanded="true"]`);
    expect(await focusedId()).toBe(hex(2, 8));
    await page.keyboard.press("ArrowRight");
    expect(await focusedId()).toBe(hex(100, 8));
    await page.keyboard.press("ArrowLeft");
    expect(await focusedId()).toBe(hex(2, 8));
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector(`.waterfall .row[data-span-id="${hex(2, 8)}"][aria-expanded="false"]`);
    await page.keyboard.press("End");
    expect(await focusedId()).toBe(hex(10_000 + 2 * 3 + 2, 8));
    await page.keyboard.press("ArrowUp");
    expect(await focusedId()).toBe(hex(10_000 + 2 * 3 + 1, 8));
    await page.keyboard.press("Enter");
    await page.locator(`.span-panel[data-span-id="${hex(10_000 + 2 * 3 + 1, 8)}"]`).waitFor();
    expect(await focusedId()).toBe(hex(10_000 + 2 * 3 + 1, 8));
  });
});
