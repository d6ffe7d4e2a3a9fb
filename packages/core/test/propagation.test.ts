import { context, trace } from "@opentelemetry/api";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import {
  getCallerAgentName,
  getConversationId,
  setCallerAgentName,
  setConversationId,
  withConversationId,
} from "../src/propagation/conversation.js";
import { extractTraceContext, injectTraceHeaders } from "../src/propagation/headers.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());
const make = () => new GenAITelemetry({ name: "propagation-test" }, { tracerProvider: h.tracerProvider });

describe("propagation across services", () => {
  it("round-trips trace context and the conversation id through a plain headers object", () => {
    const a = make();
    const b = make();
    const headers: Record<string, string> = { "content-type": "application/json" };
    // Service A: an agent calls service B inside a conversation.
    withConversationId("conv-7", () =>
      a.run({ operation: "invoke_agent", agent: { name: "Triage" } }, (triage) => {
        const call = a.start({ operation: "execute_tool", tool: { name: "ask_specialist" }, parent: triage });
        injectTraceHeaders(headers, call.context);
        // Service B: receives the request (header names as Node lower-cases them).
        const incoming = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
        const remote = extractTraceContext(incoming);
        b.run({ operation: "invoke_agent", agent: { name: "Specialist" }, parent: remote }, () => {
          expect(getConversationId()).toBe("conv-7");
        });
        call.end();
      }),
    );
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(headers.baggage).toContain("gen_ai.conversation.id=conv-7");
    const tree = spanTree(h.spans());
    expect(tree).toMatchObject([
      {
        name: "invoke_agent Triage",
        attributes: { "gen_ai.conversation.id": "conv-7" },
        children: [
          {
            name: "execute_tool ask_specialist",
            children: [{ name: "invoke_agent Specialist", attributes: { "gen_ai.conversation.id": "conv-7" } }],
          },
        ],
      },
    ]);
    const specialist = h.spans().find((s) => s.name === "invoke_agent Specialist");
    expect(specialist?.parentSpanContext?.isRemote).toBe(true);
  });

  it("works with fetch Headers and with the active context by default", () => {
    const t = make();
    const headers = new Headers();
    t.run({ operation: "invoke_agent", agent: { name: "A" } }, (op) => {
      injectTraceHeaders(headers);
      const ctx = extractTraceContext(headers);
      expect(trace.getSpanContext(ctx)?.traceId).toBe(op.span.spanContext().traceId);
      expect(trace.getSpanContext(ctx)?.spanId).toBe(op.span.spanContext().spanId);
    });
    expect(headers.get("traceparent")).toBeTruthy();
  });

  it("reads mixed-case and array header values, and survives garbage", () => {
    const ctx = extractTraceContext({ TraceParent: ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"] });
    expect(trace.getSpanContext(ctx)).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" });
    expect(extractTraceContext(undefined)).toBe(context.active());
    expect(trace.getSpanContext(extractTraceContext({ traceparent: "garbage" }))).toBeUndefined();
    const frozen = Object.freeze({}) as Record<string, string>;
    expect(() => injectTraceHeaders(frozen)).not.toThrow();
  });

  it("carries the calling agent's name in baggage", () => {
    const ctx = setCallerAgentName(setConversationId(context.active(), "c"), "Triage");
    expect(getCallerAgentName(ctx)).toBe("Triage");
    expect(getConversationId(ctx)).toBe("c");
    expect(getConversationId()).toBeUndefined();
  });
});
