import { LANGCHAIN_ATTR } from "@otel-agents/core/adapter";
import { asRecord, asString, asStringArray, type Dict } from "./read.js";

// Which operation a LangChain chain run is. The rules (README "Mapping"):
// - a LangGraph graph built by `createAgent` (metadata `lc_agent_name` or `ls_integration:
//   langchain_create_agent`) is an agent: `invoke_agent {name}`;
// - any other LangGraph graph is a workflow, nested ones included (an orchestration the app
//   defined): `invoke_workflow {graph name}`, unnamed when the graph kept LangGraph's default name;
// - an LCEL chain is never a workflow, at the root or not: a pipeline around one operation (a
//   retrieval chain, a prompt-model-parser sequence) is no orchestration, and its name is often only
//   its class (`RunnableSequence`). It is a framework step;
// - graph nodes and every other chain are framework steps named by node or run name;
// - hidden runs (`langsmith:hidden`, `__start__`/`__end__`) are folded away, and so are
//   conditional-edge routers (decided at their end, see `isRouteOutput`).

export const HIDDEN_TAG = "langsmith:hidden";

export type ChainKind =
  | { kind: "agent"; name: string | undefined }
  | { kind: "workflow"; name: string | undefined }
  | { kind: "node"; name: string }
  | { kind: "chain"; name: string }
  | { kind: "hidden" }
  | { kind: "router"; name: string };

export interface ParentInfo {
  /** The parent run is a LangGraph graph. */
  isGraph: boolean;
  /** The LangGraph node the parent run is, if it is one. */
  node: string | undefined;
}

const GRAPH_CLASSES = new Set(["CompiledStateGraph", "CompiledGraph", "Pregel", "CompiledSubgraph"]);

export function isGraphClass(cls: string | undefined): boolean {
  return cls !== undefined && GRAPH_CLASSES.has(cls);
}

/** `createAgent` marks its graph (and, by inheritance, everything inside) with these. */
export function agentNameOf(metadata: Dict | undefined): string | undefined {
  return asString(metadata?.lc_agent_name);
}

function isAgentGraph(metadata: Dict | undefined): boolean {
  return agentNameOf(metadata) !== undefined || metadata?.ls_integration === "langchain_create_agent";
}

const HIDDEN: ChainKind = { kind: "hidden" };

/**
 * The kind of a chain run from its start event. Positional rather than one input object: it runs on
 * every chain start. `cls` is the serialized runnable's class (`serializedClass`), read once by the
 * caller; `tags` are as LangChain passed them, only checked for the hidden tag, so never copied;
 * `parent` is undefined for the outermost run we see.
 */
export function classifyChain(
  cls: string | undefined,
  runName: string | undefined,
  tags: unknown,
  metadata: Dict | undefined,
  parent: ParentInfo | undefined,
  keepHidden: boolean,
): ChainKind {
  const name = runName ?? cls ?? "chain";
  if (!keepHidden && ((Array.isArray(tags) && tags.includes(HIDDEN_TAG)) || name === "__start__" || name === "__end__")) {
    return HIDDEN;
  }
  const graph = isGraphClass(cls);
  if (graph && isAgentGraph(metadata)) {
    const agentName = agentNameOf(metadata) ?? (runName === "LangGraph" ? undefined : runName);
    return { kind: "agent", name: agentName };
  }
  const node = asString(metadata?.langgraph_node);
  if (parent?.isGraph && node !== undefined && node === runName) return { kind: "node", name: node };
  if (graph) return { kind: "workflow", name: workflowNameOf(runName, cls) };
  // LangGraph runs a conditional edge's path function as a RunnableLambda right inside the node
  // that precedes the edge, with the node's metadata.
  if (!keepHidden && parent?.node !== undefined && cls === "RunnableLambda" && node === parent.node) {
    return { kind: "router", name };
  }
  return { kind: "chain", name };
}

// LangGraph names a graph compiled without `name` "LangGraph": a constant, not the app's name.
const DEFAULT_GRAPH_NAME = "LangGraph";

// A runnable's class name (`RunnableLambda`, `RunnableSequence`, ...) given as a run name.
const RUNNABLE_CLASS = /^Runnable[A-Z]\w*$/;

/** The graph's own name (`compile({ name })` or `runName`), never a default or a class name. */
function workflowNameOf(runName: string | undefined, cls: string | undefined): string | undefined {
  if (
    runName === undefined ||
    runName === DEFAULT_GRAPH_NAME ||
    runName === cls ||
    GRAPH_CLASSES.has(runName) ||
    RUNNABLE_CLASS.test(runName)
  ) {
    return undefined;
  }
  return runName;
}

/** What a router returns: a node name, `__end__`, a list of them, or `Send` packets. */
export function isRouteOutput(outputs: unknown): boolean {
  const value = asRecord(outputs)?.output;
  if (typeof value === "string") return true;
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every((v) => typeof v === "string" || asString(asRecord(v)?.node) !== undefined);
}

/** LangGraph's per-node metadata, as `langgraph.*` span attributes. */
export function nodeAttributes(metadata: Dict | undefined): Record<string, string | number | string[] | undefined> {
  const step = metadata?.langgraph_step;
  return {
    [LANGCHAIN_ATTR.langgraphNode]: asString(metadata?.langgraph_node),
    [LANGCHAIN_ATTR.langgraphStep]: typeof step === "number" && Number.isFinite(step) ? step : undefined,
    [LANGCHAIN_ATTR.langgraphTriggers]: asStringArray(metadata?.langgraph_triggers),
  };
}

/** The conversation id a run belongs to: LangGraph copies `configurable.thread_id` into metadata. */
export function conversationIdOf(metadata: Dict | undefined): string | undefined {
  return idOf(metadata?.thread_id) ?? idOf(metadata?.session_id) ?? idOf(metadata?.conversation_id);
}

/**
 * An id the app gave: a string, or an integer (LangGraph accepts `thread_id: 12345` and copies the
 * number into metadata) as its decimal string. Nothing else is an id: no objects, booleans,
 * fractions, NaN or infinities.
 */
function idOf(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value).toString() : undefined;
  return asString(value);
}
