import type { Attributes } from "@opentelemetry/api";
import { installStepAwareContext } from "@otel-agents/core";
import { assertConformance } from "@otel-agents/testing/conformance";
import { createHarness, type ReadableSpan } from "@otel-agents/testing/harness";
import { spanTree, type TreeNode } from "@otel-agents/testing/span-tree";
import { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "../src/index.js";

export const h = createHarness();
// As core `setup()` does: every suite runs with the step-aware context manager, so the trees below
// are also the proof that it changes nothing outside step bodies.
installStepAwareContext();

export function makeHandler(options: OpenTelemetryCallbackHandlerOptions = {}): OpenTelemetryCallbackHandler {
  return new OpenTelemetryCallbackHandler({ tracerProvider: h.tracerProvider, meterProvider: h.meterProvider, ...options });
}

const RUN_ID = "otel_agents.framework.run_id";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The exported trees, checked for conformance first. LangChain run ids are random: each is checked
 * to be a UUID and shown as "<run-id>" so whole trees can be compared.
 */
export function tree(spans: readonly ReadableSpan[] = h.spans()): TreeNode[] {
  assertConformance(spans);
  const scrub = (node: TreeNode): TreeNode => {
    const attributes: Attributes = { ...node.attributes };
    const id = attributes[RUN_ID];
    if (id !== undefined) {
      if (typeof id !== "string" || !UUID.test(id)) throw new Error(`run id ${String(id)} is no UUID`);
      attributes[RUN_ID] = "<run-id>";
    }
    return { ...node, attributes, children: node.children.map(scrub) };
  };
  return spanTree(spans).map(scrub);
}

/** The framework identity every span carries. */
export const FW = { "otel_agents.framework.name": "langchain", "otel_agents.framework.run_id": "<run-id>" } as const;

type Kind = TreeNode["kind"];

/** A tree node for expectations: `n("chat", "CLIENT", {...}, [children])`. */
export function n(
  name: string,
  kind: Kind,
  attributes: Attributes,
  children: TreeNode[] = [],
  status: TreeNode["status"] = "UNSET",
): TreeNode {
  return { name, kind, status, attributes, children };
}
