import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { build } from "tsdown";
import config from "../tsdown.config.js";

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
