import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningViewer } from "../src/viewer.js";
import { chat, hex, request, send } from "./otlp-json.js";
import { hasChromium, pageAndBrowser } from "./page-harness.js";
import { testViewer } from "./support.js";

/**
 * Text whose colour falls below 4.5:1 against the background it is drawn on (the nearest ancestor
 * with an opaque background), as "text: ratio". Evaluated in the page (a string: the test's types are Node's).
 */
const LOW_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bg = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor);
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(el.textContent.trim().slice(0, 30) + ": " + ratio.toFixed(2));
  }
  return low;
})()`;

describe.skipIf(!hasChromium)("the page: themes, contrast and the keyboard", () => {
  let env: Awaited<ReturnType<typeof pageAndBrowser>>;
  let browser: Browser;
  let viewer: RunningViewer;
  const traceId = hex(0x20, 16);
  const pages: Page[] = [];

  beforeAll(async () => {
    env = await pageAndBrowser();
    browser = env.browser;
    // Quiet at once: the orphan (its parent never arrives) is flagged without waiting for the quiet period.
    viewer = await testViewer({ pageDir: env.pageDir, quietPeriodMs: 0 });
    const id = (n: number) => hex(n, 8);
    // Every kind of row and mark: each category, an error, a convention problem, an integrity problem, a hop.
    await send(viewer.otlpUrl, [
      {
        traceId,
        spanId: id(1),
        name: "invoke_agent A",
        start: 0,
        end: 100,
        attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "openai" },
      },
      {
        traceId,
        spanId: id(2),
        parentSpanId: id(1),
        name: "chat gpt-4o-mini",
        kind: 3,
        start: 1,
        end: 20,
        attributes: chat({ "gen_ai.usage.input_tokens": 12 }),
      },
      {
        traceId,
        spanId: id(3),
        parentSpanId: id(1),
        name: "execute_tool t",
        start: 21,
        end: 30,
        attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "t" },
        status: { code: 2, message: "boom" },
      },
      { traceId, spanId: id(4), parentSpanId: id(3), name: "GET /x", kind: 3, start: 22, end: 29, service: "remote" },
      { traceId, spanId: id(5), parentSpanId: id(1), name: "bad", start: 31, end: 40, attributes: { "gen_ai.system": "openai" } },
      {
        traceId,
        spanId: id(6),
        parentSpanId: id(99),
        name: "orphan",
        start: 41,
        end: 50,
        attributes: { "gen_ai.operation.name": "embeddings" },
      },
      {
        traceId,
        spanId: id(7),
        parentSpanId: id(1),
        name: "retrieve",
        start: 51,
        end: 60,
        attributes: { "gen_ai.operation.name": "retrieval" },
      },
      {
        traceId,
        spanId: id(8),
        parentSpanId: id(1),
        name: "workflow",
        start: 61,
        end: 70,
        attributes: { "gen_ai.operation.name": "invoke_workflow" },
      },
    ]);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.context().close()));
  });
  afterAll(async () => {
    await viewer?.close();
    await env?.dispose();
  });

  async function open(hash: string, colorScheme: "light" | "dark"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${viewer.url}/${hash}`);
    await page.waitForSelector("#live.on");
    return page;
  }

  const background = (page: Page) => page.evaluate("getComputedStyle(document.documentElement).backgroundColor");

  for (const scheme of ["light", "dark"] as const) {
    it(`follows prefers-color-scheme (${scheme}), and every text in the list, waterfall and panel reaches 4.5:1`, async () => {
      const page = await open(`#/trace/${traceId}/${hex(3, 8)}`, scheme);
      await page.waitForSelector(".span-panel .integrity, .span-panel .violations, .span-panel .status-error");
      await page.waitForSelector("tr[data-trace-id]");
      expect(await background(page)).toBe(scheme === "dark" ? "rgb(20, 23, 28)" : "rgb(251, 251, 252)");
      expect(await page.evaluate(LOW_CONTRAST)).toEqual([]);
      await page.click(`.waterfall .row[data-span-id="${hex(5, 8)}"]`);
      await page.waitForSelector(`.span-panel[data-span-id="${hex(5, 8)}"] .violations`);
      await page.click(`.waterfall .row[data-span-id="${hex(6, 8)}"]`);
      await page.waitForSelector(`.span-panel[data-span-id="${hex(6, 8)}"] .integrity`);
      expect(await page.evaluate(LOW_CONTRAST)).toEqual([]);
    });
  }

  it("switches theme with the toggle and remembers the choice", async () => {
    const page = await open("#/", "light");
    await page.click("#theme-toggle");
    expect(await background(page)).toBe("rgb(20, 23, 28)");
    await page.reload();
    await page.waitForSelector("#live.on");
    expect(await background(page)).toBe("rgb(20, 23, 28)");
    await page.click("#theme-toggle");
    expect(await background(page)).toBe("rgb(251, 251, 252)");
  });

  it("imports a file with the keyboard alone, focus staying on the import button", async () => {
    const page = await open("#/", "light");
    // Listening for the chooser turns on Chromium's file-chooser interception, a request Playwright
    // sends without waiting for it. Started right before Enter, the key press won that race about
    // half the time (the dialog opened uncaught and no event came): start it before the Tab walk,
    // whose round trips to the page settle it.
    const chooser = page.waitForEvent("filechooser");
    let focused = "";
    for (let i = 0; i < 12 && focused !== "import-button"; i++) {
      await page.keyboard.press("Tab");
      focused = String(await page.evaluate("document.activeElement.id"));
    }
    expect(focused).toBe("import-button");
    await page.keyboard.press("Enter");
    const imported = hex(0x21, 16);
    const file = JSON.stringify(request([{ traceId: imported, spanId: hex(1, 8), name: "imported", start: 0, end: 1 }]));
    await (await chooser).setFiles({ name: "trace.json", mimeType: "application/json", buffer: Buffer.from(file) });
    await page.locator("#notice", { hasText: "Imported 1 spans from trace.json." }).waitFor();
    await page.waitForSelector(`.waterfall .row[data-span-id="${hex(1, 8)}"]`);
    expect(await page.evaluate("document.activeElement.id")).toBe("import-button");
  });
});
