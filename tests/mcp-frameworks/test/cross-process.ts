import { treeOf } from "@otel-agents/testing/app-trees";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import type { ReadableSpan } from "../sdk-line.ts";

/**
 * The one trace that `rootName` starts, across both processes (the app's spans and the server's),
 * as a checked tree: the client's connection set-up (initialize, tools/list) runs before the agent,
 * in traces of its own, and is left out here.
 */
export function traceOf(rootName: string, spans: readonly ReadableSpan[]): TreeNode[] {
  const root = spans.find((s) => s.name === rootName && s.parentSpanContext === undefined);
  if (!root) throw new Error(`no root span named ${rootName}; roots: ${spanTree(spans as never).map((n) => n.name)}`);
  const traceId = root.spanContext().traceId;
  return treeOf(spans.filter((s) => s.spanContext().traceId === traceId));
}

/** The server span's parent is the client span, remote, in the same trace. */
export function remoteParentOf(spans: readonly ReadableSpan[], name: string) {
  const client = spans.find((s) => s.name === name && s.kind === 2);
  const server = spans.find((s) => s.name === name && s.kind === 1);
  return {
    client: client?.spanContext(),
    serverParent: server?.parentSpanContext,
  };
}

/** The attributes both sides give a stdio tools/call of get_weather (request id and version added per test). */
export const MCP_CALL = {
  "mcp.method.name": "tools/call",
  "gen_ai.operation.name": "execute_tool",
  "gen_ai.tool.name": "get_weather",
  "network.transport": "pipe",
};
