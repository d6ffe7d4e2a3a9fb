import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { build } from "tsdown";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { RunningViewer, ViewerOptions } from "../src/viewer.js";
import config from "../tsdown.config.js";
import { testViewer } from "./support.js";

// Debian's browser, never a downloaded one. CI installs it (.ci/run); elsewhere these tests say how.
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`viewer browser tests skipped: ${CHROMIUM} not found; install Debian's package with: apt-get install -y chromium`);

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The page exactly as `pnpm build` makes it (the same tsdown config), in a scratch folder; and Chromium. */
export async function pageAndBrowser(): Promise<{ pageDir: string; browser: Browser; dispose(): Promise<void> }> {
  const workDir = mkdtempSync(join(tmpdir(), "otel-agents-viewer-page-"));
  const pageDir = join(workDir, "page");
  const pageConfig = (Array.isArray(config) ? config : [config])[1]!;
  await build({ ...pageConfig, config: false, cwd: packageDir, outDir: pageDir, logLevel: "silent" });
  const browser = await chromium.launch({
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
  return {
    pageDir,
    browser,
    async dispose() {
      await browser.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * The browser, viewers and pages of one `describe` block: call it in the block. Viewers and pages
 * are closed after each test, the browser after the block.
 */
export function pageSession() {
  let env: Awaited<ReturnType<typeof pageAndBrowser>> | undefined;
  const viewers: RunningViewer[] = [];
  const pages: Page[] = [];
  beforeAll(async () => {
    env = await pageAndBrowser();
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.context().close()));
    await Promise.all(viewers.splice(0).map((v) => v.close()));
  });
  afterAll(async () => {
    await env?.dispose();
  });
  const started = () => {
    if (!env) throw new Error("pageSession: the browser has not started (call it inside describe)");
    return env;
  };
  return {
    /** The folder of the built page. */
    pageDir: () => started().pageDir,
    /** A viewer serving the built page, closed after the test. */
    async viewer(options: Partial<ViewerOptions> = {}): Promise<RunningViewer> {
      const v = await testViewer({ pageDir: started().pageDir, ...options });
      viewers.push(v);
      return v;
    },
    /** A page at `url` once its live connection is up; a page error fails the test. */
    async open(url: string, width = 1400, height = 860): Promise<Page> {
      const context = await started().browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      pages.push(page);
      page.on("pageerror", (e) => {
        throw e;
      });
      await page.goto(url);
      await page.waitForSelector("#live.on");
      return page;
    },
  };
}
