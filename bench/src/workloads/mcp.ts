import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { context, ROOT_CONTEXT, SpanKind, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { instrumentMcpClient, instrumentMcpServer } from "@otel-agents/mcp";
import { McpInstrumentation as TraceloopMcp } from "@traceloop/instrumentation-mcp";
import { z } from "zod";
import type { Arm, Workload } from "../arm.ts";
import type { CountingExporter, SpanTemplate } from "../otel.ts";
import { versionOf } from "../versions.ts";

/** What each side adds around a tool call: nothing (none, ours), or the floor's one span on each side. */
interface Sides {
  /** Runs the client's call; gets the `_meta` to send. */
  call?: (invoke: (meta: Record<string, string> | undefined) => Promise<unknown>) => Promise<unknown>;
  /** Runs the tool's body for a request that arrived with `meta`. */
  handle?: <T>(meta: unknown, body: () => T) => T;
}

interface Session {
  op: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * A v1 SDK client and server linked in-process (the SDK's InMemoryTransport): each operation is one
 * tools/call, the server validating the arguments and running a small tool.
 */
async function session(sides: Sides, instrument?: (client: Client, server: McpServer) => void): Promise<Session> {
  const server = new McpServer({ name: "weather", version: "1.0.0" });
  server.registerTool(
    "get_weather",
    { description: "Current weather of a city", inputSchema: { city: z.string() } },
    async ({ city }, extra) => {
      const body = () => ({ content: [{ type: "text" as const, text: `sunny in ${city}` }] });
      return sides.handle ? sides.handle(extra._meta, body) : body();
    },
  );
  const client = new Client({ name: "agent", version: "1.0.0" });
  instrument?.(client, server);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  const callTool = (meta: Record<string, string> | undefined) =>
    client.callTool({ name: "get_weather", arguments: { city: "Paris" }, ...(meta ? { _meta: meta } : {}) });
  return {
    op: async () => {
      const result = (await (sides.call ? sides.call(callTool) : callTool(undefined))) as { content?: { text?: string }[] };
      if (result.content?.[0]?.text !== "sunny in Paris") throw new Error("tools/call: unexpected result");
    },
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

const propagator = new W3CTraceContextPropagator();
const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
const getter = {
  get: (carrier: Record<string, unknown>, key: string) => {
    const value = carrier[key];
    return typeof value === "string" ? value : undefined;
  },
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
};

/**
 * The floor: one bare span per request on each side, hand-written, with our capture-off attribute
 * sets from a template; the client span's traceparent carried in `_meta` by hand, so that the
 * server span is its remote child as ours is. With `active`, each span is also the active one while
 * its side runs (the client's call, the tool's body), as ours is and as a hand-written
 * instrumentation must be for a transport's HTTP spans and a tool's own spans to nest under it.
 */
function floorSides(tracer: Tracer, { client, server }: Templates, active = false): Sides {
  return {
    call: async (invoke) => {
      const span = tracer.startSpan(client.name, { kind: client.kind, attributes: client.attributes });
      const meta: Record<string, string> = {};
      const ctx = trace.setSpan(context.active(), span);
      propagator.inject(ctx, meta, setter);
      try {
        return await (active ? context.with(ctx, invoke, undefined, meta) : invoke(meta));
      } finally {
        span.end();
      }
    },
    handle: (meta, body) => {
      const parent =
        typeof meta === "object" && meta !== null
          ? propagator.extract(ROOT_CONTEXT, meta as Record<string, unknown>, getter)
          : ROOT_CONTEXT;
      const span = tracer.startSpan(server.name, { kind: server.kind, attributes: server.attributes }, parent);
      try {
        return active ? context.with(trace.setSpan(parent, span), body) : body();
      } finally {
        span.end();
      }
    },
  };
}

const instrumented = (provider: TracerProvider | undefined, captureContent: boolean) => (client: Client, server: McpServer) => {
  instrumentMcpClient(client, { tracerProvider: provider, captureContent });
  instrumentMcpServer(server, { tracerProvider: provider, captureContent });
};

/**
 * Spans started and not yet ended. The MCP adapter keeps no run table: what it could leave behind
 * is an open span (a request no reply or handler outcome ever ends), so that is its "open runs".
 */
class OpenSpans implements SpanProcessor {
  open = 0;
  onStart(): void {
    this.open++;
  }
  onEnd(): void {
    this.open--;
  }
  forceFlush = async () => {};
  shutdown = async () => {};
}

function arm(
  name: string,
  kind: Arm["kind"],
  make: (provider: BasicTracerProvider | undefined) => Promise<Session>,
  extra: Partial<Arm> = {},
  withSdk = true,
): Arm {
  return {
    name,
    kind,
    ...extra,
    setup: async (exporter: CountingExporter) => {
      const openSpans = new OpenSpans();
      // As batchProvider(), plus the open-span count.
      const provider = withSdk
        ? new BasicTracerProvider({
            spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536 }), openSpans],
          })
        : undefined;
      const s = await make(provider);
      // The connection's initialize exchange is set-up, not a timed operation: its spans are not counted.
      await provider?.forceFlush();
      exporter.reset();
      return {
        op: s.op,
        flush: async () => provider?.forceFlush(),
        teardown: async () => {
          await s.close();
          await provider?.shutdown();
        },
        openRuns: kind.startsWith("ours") && withSdk ? () => openSpans.open : undefined,
      };
    },
  };
}

/** The session with Traceloop's MCP instrumentation on the SDK's classes, taken off again at close. */
async function traceloopSession(provider: BasicTracerProvider): Promise<Session> {
  const traceloop = new TraceloopMcp();
  traceloop.setTracerProvider(provider);
  traceloop.manuallyInstrument({ Client, Server });
  const s = await session({});
  return {
    op: s.op,
    close: async () => {
      await s.close();
      // Private in its types, but what undoes manuallyInstrument (shimmer's unwrap of each method).
      const undo = traceloop as unknown as { unpatchClient(m: unknown): void; unpatchServer(m: unknown): void };
      undo.unpatchClient({ Client });
      undo.unpatchServer({ Server });
      traceloop.disable();
    },
  };
}

interface Templates {
  client: SpanTemplate;
  server: SpanTemplate;
}

/**
 * Our two spans of one tools/call (capture off), for the floor to copy: the connection's initialize
 * exchange, traced too, is left out (the shared captureTemplates keys roots alike).
 */
async function toolCallTemplates(): Promise<Templates> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const s = await session({}, instrumented(provider, false));
  await s.op();
  await s.close();
  // Read before shutdown, which empties the in-memory exporter.
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  const of = (kind: SpanKind): SpanTemplate => {
    const span = spans.find((x) => x.kind === kind && x.attributes["gen_ai.operation.name"] === "execute_tool");
    if (!span) throw new Error("mcp-tool-call: no tools/call span of ours to copy");
    return { name: span.name, kind: span.kind, attributes: { ...span.attributes } };
  };
  return { client: of(SpanKind.CLIENT), server: of(SpanKind.SERVER) };
}

async function mcpArms(): Promise<Arm[]> {
  const templates = await toolCallTemplates();
  const oursVersion = { version: versionOf("@otel-agents/mcp") };
  return [
    arm("none", "none", () => session({})),
    arm("floor", "floor", async (p) => session(floorSides(p!.getTracer("floor"), templates)), {
      note: "MCP floor: one hand-written span per tools/call on each side (client around callTool, server in the tool handler) with our attribute sets from a template, the client's traceparent carried in _meta by a W3C propagator",
    }),
    arm("floor with spans active", "floor-context", async (p) => session(floorSides(p!.getTracer("floor"), templates, true)), {
      note: "MCP floor with spans active: the floor, each span also active while its side runs (context.with around the client's call and the tool's body), as ours is",
    }),
    arm("ours (capture off)", "ours-off", (p) => session({}, instrumented(p, false)), oursVersion),
    arm("ours (capture on)", "ours-on", (p) => session({}, instrumented(p, true)), oursVersion),
    arm("ours (no SDK: API no-op)", "ours-nosdk", (p) => session({}, instrumented(p, false)), oursVersion, false),
    arm("OpenLLMetry", "peer", (p) => traceloopSession(p!), {
      version: versionOf("@traceloop/instrumentation-mcp"),
      note: "OpenLLMetry (@traceloop/instrumentation-mcp): manuallyInstrument({ Client, Server }) on the ES-module classes; one client span per tools/call (under its session span), none on the server for a request it handles, no trace context in _meta; traceContent default (on: arguments and result as JSON); the bench unpatches after the arm. OpenInference's MCP instrumentation draws no span and patches only the stdio, SSE and Streamable HTTP transports, none of which this in-process workload uses, so it has no arm",
    }),
  ];
}

export const mcpToolCall: Workload = {
  name: "mcp-tool-call",
  title: "MCP tools/call, v1 SDK Client and McpServer linked in-process (InMemoryTransport), one small tool",
  arms: mcpArms,
};
