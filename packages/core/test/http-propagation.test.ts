import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree } from "@otel-agents/testing/span-tree";
import { beforeEach, describe, expect, it } from "vitest";
import { getConversationId, withConversationId } from "../src/propagation/conversation.js";
import { fetchWithTraceContext, runWithIncomingContext, traceContextMiddleware } from "../src/propagation/http.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());

describe("HTTP propagation helpers", () => {
  it("continue one trace across two services over real HTTP, with the conversation id", async () => {
    const serviceA = new GenAITelemetry({ name: "service-a" }, { tracerProvider: h.tracerProvider });
    const serviceB = new GenAITelemetry({ name: "service-b" }, { tracerProvider: h.tracerProvider });
    const server = createServer((req, res) => {
      runWithIncomingContext(req, async () => {
        const conversation = getConversationId();
        await serviceB.run({ operation: "invoke_agent", agent: { name: "Specialist" } }, async () => undefined);
        res.end(JSON.stringify({ conversation }));
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ask`;
    try {
      const reply = await withConversationId("conv-99", () =>
        serviceA.run({ operation: "invoke_agent", agent: { name: "Triage" } }, () =>
          serviceA.run({ operation: "execute_tool", tool: { name: "ask_specialist", type: "function" } }, async () => {
            const res = await fetchWithTraceContext(url, { method: "POST", headers: { "content-type": "application/json" } });
            return (await res.json()) as { conversation: string };
          }),
        ),
      );
      expect(reply.conversation).toBe("conv-99");
    } finally {
      server.closeAllConnections();
      server.close();
    }
    expect(spanTree(h.spans())).toMatchObject([
      {
        name: "invoke_agent Triage",
        attributes: { "gen_ai.conversation.id": "conv-99" },
        children: [
          {
            name: "execute_tool ask_specialist",
            children: [{ name: "invoke_agent Specialist", attributes: { "gen_ai.conversation.id": "conv-99" }, children: [] }],
          },
        ],
      },
    ]);
    assertConformance(h.spans());
  });

  it("gives a Connect/Express-style middleware that runs the rest of the request in the caller's context", () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let seen: string | undefined;
    traceContextMiddleware()({ headers: { traceparent, baggage: "gen_ai.conversation.id=c-1" } }, {}, () => {
      seen = `${trace.getActiveSpan()?.spanContext().spanId}/${getConversationId()}`;
    });
    expect(seen).toBe("b7ad6b7169203331/c-1");
  });

  it("keeps headers the caller passed, from an object or a Request", async () => {
    const calls: Array<Headers> = [];
    const fakeFetch = async (_input: string | URL | Request, init?: RequestInit) => {
      calls.push(new Headers(init?.headers));
      return new Response("ok");
    };
    const t = new GenAITelemetry({ name: "fetch-test" }, { tracerProvider: h.tracerProvider });
    await t.run({ operation: "execute_tool", tool: { name: "x" } }, async () => {
      await fetchWithTraceContext("http://127.0.0.1:9/a", { headers: { "x-app": "1" } }, fakeFetch);
      await fetchWithTraceContext(new Request("http://127.0.0.1:9/b", { headers: { "x-req": "2" } }), {}, fakeFetch);
    });
    expect(calls.map((c) => [c.get("x-app"), c.get("x-req"), c.get("traceparent")?.split("-")[2]])).toEqual([
      ["1", null, h.spans()[0]?.spanContext().spanId],
      [null, "2", h.spans()[0]?.spanContext().spanId],
    ]);
  });
});
