// Micro-benchmark of the core alone: a chat operation (start + end with usage) vs a bare span.
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { GenAITelemetry } from "@otel-agents/core";

const exporter = { export: (_spans, cb) => cb({ code: 0 }), shutdown: async () => {} };
const provider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100000, maxExportBatchSize: 5000 })],
});
const tracer = provider.getTracer("floor");
const t = new GenAITelemetry({ name: "perf" }, { tracerProvider: provider, metrics: process.env.METRICS === "1" });

function floor() {
  const agent = tracer.startSpan("invoke_agent A", {
    kind: 0,
    attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "A" },
  });
  const span = tracer.startSpan("chat gpt-4o", {
    kind: 2,
    attributes: { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o" },
  });
  span.setAttributes({
    "gen_ai.response.model": "gpt-4o-2024",
    "gen_ai.response.id": "r1",
    "gen_ai.response.finish_reasons": ["stop"],
    "gen_ai.usage.input_tokens": 10,
    "gen_ai.usage.output_tokens": 5,
  });
  span.end();
  agent.setAttributes({
    "gen_ai.usage.input_tokens": 10,
    "gen_ai.usage.output_tokens": 5,
    "gen_ai.response.finish_reasons": ["stop"],
  });
  agent.end();
}
function ours() {
  const agent = t.start({ operation: "invoke_agent", agent: { name: "A" } });
  const op = t.start({ operation: "chat", provider: "openai", requestModel: "gpt-4o", parent: agent });
  op.end({
    responseModel: "gpt-4o-2024",
    responseId: "r1",
    finishReasons: ["stop"],
    usage: { inputTokens: 10, outputTokens: 5 },
  });
  agent.end();
}
function time(fn, n) {
  const s = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - s) * 1000) / n;
}
for (let r = 0; r < 3; r++) {
  time(floor, 20000);
  time(ours, 20000);
}
const res = [];
for (let r = 0; r < 5; r++) res.push([time(floor, 20000), time(ours, 20000)]);
const med = (xs) => xs.sort((a, b) => a - b)[2];
const f = med(res.map((x) => x[0])),
  o = med(res.map((x) => x[1]));
console.log(`floor ${f.toFixed(2)} µs/op  ours ${o.toFixed(2)} µs/op  ratio ${(o / f).toFixed(2)}`);
if (process.env.PROFILE) {
  for (let i = 0; i < 300000; i++) ours();
}
await provider.shutdown();
