import { context, trace } from "@opentelemetry/api";
import { createHarness } from "@otel-agents/testing/harness";
import { shape, spanTree } from "@otel-agents/testing/span-tree";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { installStepAwareContext, registerStepResolver } from "../src/context/step-context.js";
import type { OperationHandle } from "../src/operation/handle.js";
import { injectTraceHeaders } from "../src/propagation/headers.js";
import { GenAITelemetry } from "../src/telemetry.js";

const h = createHarness();
beforeEach(() => h.reset());

// A framework that, like LangChain, knows which step is running but never puts its span in the
// OpenTelemetry context: user code in the step body runs in the caller's context.
let running: OperationHandle | undefined;
const unregister = registerStepResolver(() => running);
afterAll(() => unregister());

describe("step-aware context", () => {
  it("wraps the registered context manager once", () => {
    expect(installStepAwareContext()).toBe(true);
    expect(installStepAwareContext()).toBe(true);
  });

  it("makes the running step active for user code, keeps spans the user starts inside it, and lets go after it ends", () => {
    installStepAwareContext();
    const t = new GenAITelemetry({ name: "step-test" }, { tracerProvider: h.tracerProvider });
    const tracer = h.tracerProvider.getTracer("user-code");
    const request = tracer.startSpan("handle-request");
    let traceparent = "";
    context.with(trace.setSpan(context.active(), request), () => {
      const agent = t.start({ operation: "invoke_agent", agent: { name: "A" } });
      const tool = t.start({ operation: "execute_tool", tool: { name: "fetch_page" }, parent: agent });
      running = tool;
      // The tool body, as the framework runs it: still in the request's context.
      tracer.startActiveSpan("user-db-query", (db) => {
        // Inside the user's own span, the user's span stays active.
        tracer.startSpan("user-nested").end();
        db.end();
      });
      const headers: Record<string, string> = {};
      injectTraceHeaders(headers);
      traceparent = headers.traceparent ?? "";
      expect(traceparent.split("-")[2]).toBe(tool.span.spanContext().spanId);
      running = undefined;
      tool.end();
      agent.end();
      // Back outside: the request is active again.
      expect(trace.getActiveSpan()).toBe(request);
    });
    request.end();
    expect(shape(spanTree(h.spans()))).toEqual([
      {
        "handle-request [INTERNAL]": [
          {
            "invoke_agent A [INTERNAL]": [
              { "execute_tool fetch_page [INTERNAL]": [{ "user-db-query [INTERNAL]": ["user-nested [INTERNAL]"] }] },
            ],
          },
        ],
      },
    ]);
  });

  it("ignores ended steps and resolvers that throw", () => {
    installStepAwareContext();
    const t = new GenAITelemetry({ name: "step-test" }, { tracerProvider: h.tracerProvider });
    const off = registerStepResolver(() => {
      throw new Error("resolver bug");
    });
    try {
      const tool = t.start({ operation: "execute_tool", tool: { name: "x" } });
      tool.end();
      running = tool;
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      running = undefined;
      off();
    }
  });
});
