// What a snippet exported, received over OTLP/HTTP by @otel-agents/viewer's receiver (the same one
// `npx @otel-agents/viewer` runs), rendered as one comparable text: every span, its parent, kind and
// the attributes that say what it is.
import { type RunningViewer, startViewer, type ViewerSpan } from "@otel-agents/viewer";

const KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"] as const;

/** The attributes shown per span: identity and the key facts, never timing or generated ids. */
const KEY_ATTRIBUTES = [
  "gen_ai.provider.name",
  "gen_ai.agent.name",
  "gen_ai.request.model",
  "gen_ai.response.model",
  "gen_ai.tool.name",
  "gen_ai.tool.call.id",
  "gen_ai.conversation.id",
  "gen_ai.response.finish_reasons",
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.output_tokens",
  // The endpoint an adapter found (serverOfUrl), and the MCP protocol version an initialize settles
  // (McpOperation.update): negotiated from the pinned SDKs, never generated.
  "server.address",
  "server.port",
  "mcp.protocol.version",
  "error.type",
];

const RESOURCE_ATTRIBUTES = ["service.name", "service.version", "deployment.environment.name"];

export interface Received {
  /** The span forest, one line per span, children indented under their parent by start time. */
  tree: string;
  /** Spans whose parent was not received (a broken tree). */
  orphans: string[];
  /** Conformance problems against the GenAI registry, per span. */
  violations: string[];
  spans: ViewerSpan[];
}

export async function startReceiver(): Promise<RunningViewer> {
  return startViewer({ db: ":memory:", otlpPort: 0, port: 0 });
}

export function received(viewer: RunningViewer): Received {
  const spans: ViewerSpan[] = [];
  const violations: string[] = [];
  for (const summary of viewer.store.listTraces({ limit: 1000 })) {
    const detail = viewer.store.trace(summary.traceId);
    for (const span of detail?.spans ?? []) {
      spans.push(span);
      for (const problem of span.violations) violations.push(`${span.name}: ${problem}`);
    }
  }
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string | null, ViewerSpan[]>();
  const orphans: string[] = [];
  for (const span of spans) {
    let parent = span.parentSpanId;
    if (parent !== null && !byId.has(parent)) {
      orphans.push(span.name);
      parent = null;
    }
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const order = (a: ViewerSpan, b: ViewerSpan) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano));
  const lines: string[] = [];
  const walk = (span: ViewerSpan, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${describe(span, depth === 0)}`);
    for (const child of (children.get(span.spanId) ?? []).sort(order)) walk(child, depth + 1);
  };
  for (const root of (children.get(null) ?? []).sort(order)) walk(root, 0);
  return { tree: lines.join("\n"), orphans, violations, spans };
}

function describe(span: ViewerSpan, root: boolean): string {
  const facts = KEY_ATTRIBUTES.filter((key) => span.attributes[key] !== undefined).map(
    (key) => `${key.replace(/^gen_ai\./, "")}=${JSON.stringify(span.attributes[key])}`,
  );
  const status = span.status.code === 2 ? " ERROR" : "";
  const resource = root
    ? `  [${RESOURCE_ATTRIBUTES.map((key) => `${key}=${JSON.stringify(span.resource[key])}`).join(" ")}]`
    : "";
  return `${span.name} ${KINDS[span.kind]}${status}${facts.length > 0 ? ` ${facts.join(" ")}` : ""}${resource}`;
}
