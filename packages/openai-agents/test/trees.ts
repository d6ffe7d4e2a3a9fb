import type { Attributes } from "@opentelemetry/api";
import type { TreeNode } from "@otel-agents/testing/span-tree";

/**
 * Builders for the exported span trees the tests expect: each returns the whole TreeNode (name, kind,
 * status, attributes, children) `checkedTrees()` gives, so `toStrictEqual(...)` still asserts all of it.
 * Only the attributes every span of that kind carries are filled in; the rest is passed by the test.
 */

/** The usage and finish reasons an agent or chat span carries after its turn(s). */
export const finished = (reasons: string[], input: number, output: number): Attributes => ({
  "gen_ai.response.finish_reasons": reasons,
  "gen_ai.usage.input_tokens": input,
  "gen_ai.usage.output_tokens": output,
});

/** An agent's tool names, as the agent span lists them. */
export const tools = (...names: string[]): Attributes => ({ "otel_agents.openai_agents.agent.tools": names });

/**
 * A workflow span: only for a run that coordinates agents (handoffs, agents as tools) or a `withTrace` the app
 * named (conventions #354). `name` is the app's workflow name or the entry agent's, never the SDK's "Agent workflow".
 */
export function workflow(children: TreeNode[], name: string, attributes: Attributes = {}): TreeNode {
  return {
    name: `invoke_workflow ${name}`,
    kind: "INTERNAL",
    status: "UNSET",
    attributes: { "gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": name, ...attributes },
    children,
  };
}

export function invokeAgent(name: string, attributes: Attributes, children: TreeNode[] = []): TreeNode {
  return {
    name: `invoke_agent ${name}`,
    kind: "INTERNAL",
    status: "UNSET",
    attributes: {
      "gen_ai.agent.name": name,
      "gen_ai.operation.name": "invoke_agent",
      "otel_agents.openai_agents.agent.output_type": "text",
      ...attributes,
    },
    children,
  };
}

/** A chat span; the provider is "unknown" (a custom Model) unless `attributes` say otherwise. */
export function chat(attributes: Attributes, name = "chat"): TreeNode {
  return {
    name,
    kind: "CLIENT",
    status: "UNSET",
    attributes: { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "unknown", ...attributes },
    children: [],
  };
}

/** A function tool's execute_tool span, run by `agentName`. */
export function executeTool(
  agentName: string,
  toolName: string,
  attributes: Attributes = {},
  children: TreeNode[] = [],
): TreeNode {
  return {
    name: `execute_tool ${toolName}`,
    kind: "INTERNAL",
    status: "UNSET",
    attributes: {
      "gen_ai.agent.name": agentName,
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": toolName,
      "gen_ai.tool.type": "function",
      ...attributes,
    },
    children,
  };
}

export function handoff(from: string, to: string): TreeNode {
  return {
    name: `handoff ${to}`,
    kind: "INTERNAL",
    status: "UNSET",
    attributes: {
      "otel_agents.handoff.from_agent": from,
      "otel_agents.handoff.to_agent": to,
      "otel_agents.step.type": "handoff",
    },
    children: [],
  };
}

export function guardrail(name: string, triggered: boolean): TreeNode {
  return {
    name: `guardrail ${name}`,
    kind: "INTERNAL",
    status: "UNSET",
    attributes: {
      "otel_agents.guardrail.name": name,
      "otel_agents.guardrail.triggered": triggered,
      "otel_agents.step.type": "guardrail",
    },
    children: [],
  };
}

/**
 * `span` as a failure: status ERROR and `error.type`. A failed model call whose finish reason never
 * arrived reports `error` for it (#363).
 */
export function failed(errorType: string, span: TreeNode): TreeNode {
  const lost =
    span.attributes["gen_ai.operation.name"] === "chat" && span.attributes["gen_ai.response.finish_reasons"] === undefined;
  const reasons: Attributes = lost ? { "gen_ai.response.finish_reasons": ["error"] } : {};
  return { ...span, status: "ERROR", attributes: { "error.type": errorType, ...reasons, ...span.attributes } };
}

/** What an agent whose only model call failed reports: that call's `error` finish reason. */
export const lostAnswer: Attributes = { "gen_ai.response.finish_reasons": ["error"] };

/** A one-agent run that fails: a standalone run has no workflow span, its agent is the root, ERROR with `errorType`. */
export function failedRun(errorType: string, agentName: string, attributes: Attributes, children: TreeNode[]): TreeNode {
  return failed(errorType, invokeAgent(agentName, attributes, children));
}
