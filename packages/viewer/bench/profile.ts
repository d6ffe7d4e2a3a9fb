// `node bench/profile.ts` (after a build): where the page's time goes, beside bench/main.ts. Server
// timings of the APIs the page calls, resource timings in the page for each run, and a CPU profile
// (top self time) of the last run's show and click, written to /tmp/vprof/*.cpuprofile for DevTools.
// RUNS=n sets the runs; WEBUI=1 lets Chromium preload its omnibox WebUI as bench/main.ts used to.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { agentTrace, exportRequest } from "./spans.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(packageDir, "dist", "lib", "cli.js");
const work = mkdtempSync(join(os.tmpdir(), "viewer-prof-"));
mkdirSync("/tmp/vprof", { recursive: true });
const child = spawn(process.execPath, [CLI, "--otlp-port", "0", "--port", "0", "--db", join(work, "p.sqlite")], {
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
const urls = await new Promise<{ page: string; otlp: string }>((resolve) => {
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    const m = /page: +(\S+)\n +OTLP: +(\S+)/.exec(out);
    if (m) resolve({ page: m[1]!, otlp: m[2]! });
  });
});
const spans = agentTrace(2402, BigInt(Date.now()) * 1_000_000n);
const traceId = spans[0]!.traceId;
for (let i = 0; i < spans.length; i += 500) {
  await fetch(`${urls.otlp}/v1/traces`, {
    method: "POST",
    body: JSON.stringify(exportRequest(spans.slice(i, i + 500))),
    headers: { "content-type": "application/json" },
  });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const path of [`/api/traces/${traceId}`, "/api/traces?limit=200", "/api/filters", "/api/info"]) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    const body = await (await fetch(`${urls.page}${path}`)).arrayBuffer();
    times.push(performance.now() - t);
    bytes = body.byteLength;
  }
  console.log(`server ${path}: median ${median(times).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KiB`);
}
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    ...(process.env.NOWEBUI
      ? ["--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup"]
      : []),
  ],
});
const RUNS = Number(process.env.RUNS ?? 5);
const shows: number[] = [];
const clicks: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const profile = run === RUNS - 1;
  if (profile) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
  }
  await page.goto(`${urls.page}/#/trace/${traceId}`, { waitUntil: "commit" });
  const handle = await page.waitForFunction(
    () => document.querySelector(`.waterfall[data-rows="2402"] .rows .row[data-span-id]`) !== null && performance.now(),
    undefined,
    { polling: "raf", timeout: 60_000 },
  );
  const show = (await handle.jsonValue()) as number;
  shows.push(show);
  const timing = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((e) => {
      const r = e as PerformanceResourceTiming;
      return `${r.name.replace(location.origin, "")} start ${r.startTime.toFixed(0)} respStart ${r.responseStart.toFixed(0)} end ${r.responseEnd.toFixed(0)} size ${r.encodedBodySize}`;
    }),
  );
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return `nav responseEnd ${n.responseEnd.toFixed(0)} domInteractive ${n.domInteractive.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)}`;
  });
  console.log(`run ${run}: show ${show.toFixed(0)} ms; ${nav}`);
  for (const t of timing) console.log(`   ${t}`);
  if (profile) {
    const { profile: p } = await cdp.send("Profiler.stop");
    writeFileSync("/tmp/vprof/show.cpuprofile", JSON.stringify(p));
    summarize(p, "show");
  }
  const target = page.locator(".waterfall .rows .row[data-span-id]").nth(12);
  const spanId = await target.getAttribute("data-span-id");
  await page.evaluate(() => {
    document.addEventListener("click", (e) => ((window as unknown as { clickAt: number }).clickAt = e.timeStamp), {
      capture: true,
      once: true,
    });
  });
  if (profile) await cdp.send("Profiler.start");
  await target.click();
  const clickHandle = await page.waitForFunction(
    (id) => {
      const panel = document.querySelector(`.span-panel[data-span-id="${id}"]`);
      return (
        panel !== null &&
        panel.getBoundingClientRect().height > 0 &&
        performance.now() - (window as unknown as { clickAt: number }).clickAt
      );
    },
    spanId,
    { polling: "raf", timeout: 10_000 },
  );
  const click = (await clickHandle.jsonValue()) as number;
  clicks.push(click);
  console.log(`run ${run}: click ${click.toFixed(1)} ms`);
  if (profile) {
    const { profile: p } = await cdp.send("Profiler.stop");
    writeFileSync("/tmp/vprof/click.cpuprofile", JSON.stringify(p));
    summarize(p, "click");
  }
  await context.close();
}
console.log(
  `median show ${median(shows).toFixed(0)} ms, click ${median(clicks).toFixed(1)} ms, load ${os.loadavg()[0]!.toFixed(2)}`,
);
await browser.close();
child.kill("SIGINT");

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
function summarize(p: { nodes: Node[]; samples?: number[]; timeDeltas?: number[] }, label: string) {
  const self = new Map<number, number>();
  const deltas = p.timeDeltas ?? [];
  for (const [i, id] of (p.samples ?? []).entries()) self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    total += us;
    const f = n.callFrame;
    const name = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
    byFn.set(name, (byFn.get(name) ?? 0) + us);
  }
  console.log(`--- ${label}: ${(total / 1000).toFixed(0)} ms sampled, top self time`);
  for (const [name, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`   ${(us / 1000).toFixed(1).padStart(7)} ms  ${name}`);
}
