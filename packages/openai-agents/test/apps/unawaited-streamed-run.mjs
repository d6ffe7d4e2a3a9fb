// An app that starts a streamed run and never handles its promise, run as a child process by
// unhandled-rejection.test.ts (vitest reports any unhandled rejection in its own process as a
// failure). With INSTRUMENT=1 it registers our Instrumentation first, as the README does. It prints
// one JSON line: the unhandled rejections Node reported to the app, and whether the runner was hooked.
import { Agent, Runner } from "@openai/agents";
import { Usage } from "@openai/agents-core";
import { assistantMessage, ScriptedModel } from "@openai/agents-core/testing";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

if (process.env.INSTRUMENT === "1") {
  const { OpenAIAgentsInstrumentation } = await import("../../dist/index.js");
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }),
  );
  new OpenAIAgentsInstrumentation();
}

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason?.message ?? reason)));

const usage = new Usage({ requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 });
const agent = new Agent({ name: "A", model: new ScriptedModel([{ usage, output: [assistantMessage("hi")] }]) });
// A session whose store is down: the streamed run's promise rejects before any stream exists.
const session = {
  getSessionId: async () => "s",
  getItems: async () => {
    throw new Error("session store is down");
  },
  addItems: async () => {},
  popItem: async () => undefined,
  clearSession: async () => {},
};
new Runner().run(agent, "hello", { stream: true, session });

setTimeout(() => {
  const hooked = Runner.prototype[Symbol.for("otel-agents.openai-agents.runner-hooks")] === true;
  process.stdout.write(`${JSON.stringify({ unhandled, hooked })}\n`);
}, 100);
