import { SpanKind } from "@opentelemetry/api";
import { OPERATION, SPAN_TYPE, SPAN_TYPE_ATTRIBUTES, type SpanType } from "../semconv/names.js";
import type { OperationFacts, OperationKind, StartOptions } from "./types.js";
import { str } from "./values.js";

/** The registry span type an operation maps to; `undefined` for framework steps. */
export function spanTypeOf(operation: OperationKind, remote: boolean | undefined): SpanType | undefined {
  switch (operation) {
    case OPERATION.chat:
    case OPERATION.generateContent:
    case OPERATION.textCompletion:
      return SPAN_TYPE.inference;
    case OPERATION.embeddings:
      return SPAN_TYPE.embeddings;
    case OPERATION.retrieval:
      return SPAN_TYPE.retrieval;
    case OPERATION.fetchResponse:
      return SPAN_TYPE.fetchResponse;
    case OPERATION.createAgent:
      return SPAN_TYPE.createAgent;
    case OPERATION.invokeAgent:
      return remote ? SPAN_TYPE.invokeAgentClient : SPAN_TYPE.invokeAgentInternal;
    case OPERATION.executeTool:
      return SPAN_TYPE.executeTool;
    case OPERATION.invokeWorkflow:
      return SPAN_TYPE.invokeWorkflow;
    case OPERATION.plan:
      return SPAN_TYPE.plan;
    default:
      return undefined;
  }
}

export function allowedAttributes(type: SpanType | undefined): ReadonlySet<string> {
  return type ? SPAN_TYPE_ATTRIBUTES[type] : NO_GENAI_ATTRIBUTES;
}

const NO_GENAI_ATTRIBUTES: ReadonlySet<string> = new Set();

const CLIENT_TYPES: ReadonlySet<SpanType> = new Set<SpanType>([
  SPAN_TYPE.inference,
  SPAN_TYPE.embeddings,
  SPAN_TYPE.retrieval,
  SPAN_TYPE.fetchResponse,
  SPAN_TYPE.createAgent,
  SPAN_TYPE.invokeAgentClient,
]);

export function spanKindOf(type: SpanType | undefined): SpanKind {
  return type && CLIENT_TYPES.has(type) ? SpanKind.CLIENT : SpanKind.INTERNAL;
}

/** `{operation} {target}` per the registry's span-name patterns, with the registry's fallbacks. */
export function spanNameOf(start: Pick<StartOptions, "operation" | "step">, facts: OperationFacts): string {
  const op = start.operation;
  let target: string | undefined;
  switch (op) {
    case "step":
      return str(start.step?.name) ?? "step";
    case OPERATION.chat:
    case OPERATION.generateContent:
    case OPERATION.textCompletion:
    case OPERATION.embeddings:
      target = str(facts.requestModel);
      break;
    case OPERATION.retrieval:
      target = str(facts.dataSourceId);
      break;
    case OPERATION.executeTool:
      target = str(facts.tool?.name);
      break;
    case OPERATION.createAgent:
    case OPERATION.invokeAgent:
    case OPERATION.plan:
      target = str(facts.agent?.name);
      break;
    case OPERATION.invokeWorkflow:
      target = str(facts.workflowName);
      break;
  }
  return target ? `${op} ${target}` : op;
}
