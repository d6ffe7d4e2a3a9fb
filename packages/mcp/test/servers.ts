import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SpanContext } from "@opentelemetry/api";
import type { CheckedSpan } from "@otel-agents/testing/conformance";

const serverScript = fileURLToPath(new URL("./fixtures/server.mjs", import.meta.url));

/** A file the child server writes its finished spans to, one JSON line each. */
export function spansFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "otel-agents-mcp-")), "spans.jsonl");
}

/** `peers`: other MCP instrumentations the server's process registers beside ours ("openinference", "traceloop"). */
export function stdioServerParams(file: string, capture = false, peers: string[] = []) {
  return {
    command: process.execPath,
    args: [serverScript],
    env: {
      ...(process.env as Record<string, string>),
      MODE: "stdio",
      SPANS_FILE: file,
      CAPTURE: capture ? "1" : "0",
      PEERS: peers.join(","),
    },
    stderr: "inherit" as const,
  };
}

/** Starts the HTTP server (v1 SDK, or the v2 packages) in a child process; resolves with its URL once it listens on 127.0.0.1. */
export async function startHttpServer(
  file: string,
  capture = false,
  sdk: "v1" | "v2" = "v1",
): Promise<{ url: URL; child: ChildProcess }> {
  const child = spawn(process.execPath, [serverScript], {
    env: { ...process.env, MODE: sdk === "v2" ? "http-v2" : "http", SPANS_FILE: file, CAPTURE: capture ? "1" : "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`the MCP server exited with ${code} before listening`)));
  });
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), child };
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill();
  });
}

interface Line {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parent?: { traceId: string; spanId: string; isRemote: boolean };
  attributes: CheckedSpan["attributes"];
  status: CheckedSpan["status"];
  startTime: CheckedSpan["startTime"];
}

/** The server's exported spans, as the checks and the tree builder read spans. */
export function serverSpans(file: string): CheckedSpan[] {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((raw) => {
      const l = JSON.parse(raw) as Line;
      const own: SpanContext = { traceId: l.traceId, spanId: l.spanId, traceFlags: 1 };
      return {
        name: l.name,
        kind: l.kind,
        attributes: l.attributes,
        status: l.status,
        startTime: l.startTime,
        spanContext: () => own,
        parentSpanContext: l.parent ? { ...l.parent, traceFlags: 1 } : undefined,
      };
    });
}
