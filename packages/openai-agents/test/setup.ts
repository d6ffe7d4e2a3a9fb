import { setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { installStepAwareContext } from "@otel-agents/core";
import { assertConformance, assertMetricConformance } from "@otel-agents/testing/conformance";
import { createHarness } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { OpenTelemetryTracingProcessor, type OpenTelemetryTracingProcessorOptions } from "../src/index.js";

/**
 * The @openai/agents-core release under test (set by the vitest config): this package's pin, or
 * 0.17.x in tests/openai-agents-oldest. Only expectations where the SDK itself changed read it.
 */
export const agentsCoreVersion = process.env.AGENTS_CORE_VERSION ?? "";
export const onAgents017 = agentsCoreVersion.startsWith("0.17.");

/** One harness per test file; each test installs a fresh processor (replacing OpenAI's exporter). */
export const h = createHarness();
// What `setup()` from `@otel-agents/core/node` installs: tool bodies see their execute_tool span.
installStepAwareContext();

export function install(options: OpenTelemetryTracingProcessorOptions = {}): OpenTelemetryTracingProcessor {
  // vitest sets NODE_ENV=test, which turns Agents tracing off until this.
  setTracingDisabled(false);
  const processor = new OpenTelemetryTracingProcessor({
    tracerProvider: h.tracerProvider,
    meterProvider: h.meterProvider,
    ...options,
  });
  setTraceProcessors([processor]);
  return processor;
}

/** Every attribute except the Agents ids, which are random per run (asserted separately). */
export const withoutIds = (key: string): boolean => !key.startsWith("otel_agents.framework.");

/** The exported trees (Agents ids left out), after checking span and metric conformance. */
export async function checkedTrees(): Promise<TreeNode[]> {
  const spans = h.spans();
  assertConformance(spans);
  assertMetricConformance(await h.metrics());
  return spanTree(spans, withoutIds);
}
