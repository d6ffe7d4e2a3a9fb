import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SpanContext } from "@opentelemetry/api";
import type { ReadableSpan } from "../sdk-line.ts";

export const serverScript = fileURLToPath(new URL("./fixtures/weather-server.mjs", import.meta.url));

/** A file the child server writes its finished spans to, one JSON line each. */
export function spansFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "otel-agents-mcp-fw-")), "spans.jsonl");
}

/** The child's environment: the test's, plus which SDK serves and where its spans go. */
export function serverEnv(file: string, sdk: "v1" | "v2"): Record<string, string> {
  return { ...(process.env as Record<string, string>), MCP_SDK: sdk, SPANS_FILE: file };
}

interface Line {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parent?: { traceId: string; spanId: string; isRemote: boolean };
  attributes: ReadableSpan["attributes"];
  status: ReadableSpan["status"];
  startTime: ReadableSpan["startTime"];
}

/** The server's exported spans, read as the tree builder reads spans. */
export function serverSpans(file: string): ReadableSpan[] {
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
      } as unknown as ReadableSpan;
    });
}
