import type { SpanData } from "@openai/agents-core";
import { asString, OPENAI_AGENTS_ATTR, type StartOptions } from "@otel-agents/core/adapter";

// Framework-specific attributes this adapter adds: named in the core's table, like every name we emit.
const AGENTS_ATTR = OPENAI_AGENTS_ATTR;

export const FRAMEWORK_NAME = "openai-agents";

const isString = (x: unknown): x is string => typeof x === "string";

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every(isString) ? v : undefined);

const SPAN_TYPE = /^[A-Za-z][\w.-]{0,63}$/;

/** Start options of the spans that map one to one (agent, function, guardrail, custom, MCP, audio). */
export function startOptionsOf(data: SpanData): StartOptions {
  switch (data.type) {
    case "agent":
      return { operation: "invoke_agent", agent: { name: asString(data.name) } };
    case "function":
      return { operation: "execute_tool", tool: { name: asString(data.name), type: "function" } };
    case "guardrail":
      return {
        operation: "step",
        step: { type: "guardrail", name: `guardrail ${asString(data.name) ?? ""}`.trim() },
        guardrail: { name: asString(data.name) },
      };
    case "custom":
      // Custom data is the app's own payload: never recorded, the name says what it was.
      return { operation: "step", step: { type: "custom", name: asString(data.name) ?? "custom" } };
    case "mcp_tools":
      return {
        operation: "step",
        step: { type: "mcp_list_tools", name: `mcp list_tools ${asString(data.server) ?? ""}`.trim() },
        attributes: { [AGENTS_ATTR.mcpServer]: asString(data.server) },
      };
    case "speech":
    case "transcription":
      return { operation: "step", step: { type: data.type, name: `${data.type} ${asString(data.model) ?? ""}`.trim() } };
    case "speech_group":
      return { operation: "step", step: { type: "speech_group", name: "speech_group" } };
    default: {
      // A span type this version does not know: kept as the step's type and name if it looks like
      // the SDK's identifiers (`otel_agents.step.type` is not length-capped like names are).
      const raw = (data as { type?: unknown }).type;
      const type = typeof raw === "string" && SPAN_TYPE.test(raw) ? raw : "span";
      return { operation: "step", step: { type, name: type } };
    }
  }
}

/**
 * Facts only known at the end (span data is filled in while the span runs). Content only when
 * `capture` is on: the core drops it otherwise, so its readers are not even made.
 */
export function endFactsOf(data: SpanData, capture: boolean): Omit<StartOptions, "operation"> {
  switch (data.type) {
    case "agent":
      return {
        attributes: {
          [AGENTS_ATTR.agentTools]: strings(data.tools)?.length ? data.tools : undefined,
          [AGENTS_ATTR.agentHandoffs]: strings(data.handoffs)?.length ? data.handoffs : undefined,
          [AGENTS_ATTR.agentOutputType]: asString(data.output_type),
        },
      };
    case "function": {
      // Most tools are not MCP tools: no attributes object just to hold an undefined.
      const mcpData = asString(data.mcp_data);
      return {
        attributes: mcpData === undefined ? undefined : { [AGENTS_ATTR.mcpData]: mcpData },
        // Blank is what the SDK leaves when it withholds them (`traceIncludeSensitiveData: false`):
        // nothing known, not an empty value.
        content: capture
          ? { toolArguments: () => data.input || undefined, toolResult: () => data.output || undefined }
          : undefined,
      };
    }
    case "guardrail":
      return { guardrail: { name: asString(data.name), triggered: data.triggered === true } };
    case "mcp_tools":
      return { attributes: { [AGENTS_ATTR.mcpTools]: strings(data.result) } };
    case "speech":
    case "transcription":
      return { attributes: { [AGENTS_ATTR.audioModel]: asString(data.model) } };
    default:
      return {};
  }
}
