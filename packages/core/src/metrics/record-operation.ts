import type { Attributes } from "@opentelemetry/api";
import type { OperationKind, TokensByModality, Usage } from "../operation/types.js";
import { count } from "../operation/values.js";
import { ATTR, INFERENCE_OPERATIONS, METRIC, OPERATION, TOKEN_MODALITY } from "../semconv/names.js";
import type { Instruments } from "./instruments.js";

/** What the metrics of one finished operation need, already normalised. */
export interface FinishedOperation {
  operation: OperationKind;
  durationS: number;
  errorType: string | undefined;
  provider: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  serverAddress: string | undefined;
  serverPort: number | undefined;
  agentName: string | undefined;
  toolName: string | undefined;
  toolType: string | undefined;
  workflowName: string | undefined;
  usage: Usage | undefined;
  timeToFirstChunkS: number | undefined;
  chunkIntervalsS: readonly number[] | undefined;
  agentCalls: { inference: number; tools: number } | undefined;
}

const CLIENT_OPERATIONS: ReadonlySet<string> = new Set([
  OPERATION.embeddings,
  OPERATION.retrieval,
  OPERATION.fetchResponse,
  OPERATION.createAgent,
]);

export function recordOperationMetrics(instruments: Instruments, op: FinishedOperation): void {
  const common: Attributes = {
    [ATTR.operationName]: op.operation,
    [ATTR.providerName]: op.provider,
    [ATTR.requestModel]: op.requestModel,
    [ATTR.responseModel]: op.responseModel,
    [ATTR.serverAddress]: op.serverAddress,
    [ATTR.serverPort]: op.serverAddress !== undefined ? op.serverPort : undefined,
    [ATTR.errorType]: op.errorType,
  };
  if (INFERENCE_OPERATIONS.has(op.operation)) {
    instruments.record(METRIC.inferenceDuration, op.durationS, common);
    if (op.timeToFirstChunkS !== undefined) instruments.record(METRIC.inferenceTimeToFirstChunk, op.timeToFirstChunkS, common);
    if (op.chunkIntervalsS) for (const s of op.chunkIntervalsS) instruments.record(METRIC.inferenceTimePerOutputChunk, s, common);
    if (op.usage) recordTokens(instruments, op.usage, common);
    return;
  }
  switch (op.operation) {
    case OPERATION.invokeAgent: {
      const agent: Attributes = {
        [ATTR.agentName]: op.agentName,
        [ATTR.requestModel]: op.requestModel,
        [ATTR.errorType]: op.errorType,
      };
      instruments.record(METRIC.invokeAgentDuration, op.durationS, agent);
      if (op.agentCalls) {
        instruments.record(METRIC.invokeAgentInferenceCalls, op.agentCalls.inference, agent);
        instruments.record(METRIC.invokeAgentToolCalls, op.agentCalls.tools, agent);
      }
      return;
    }
    case OPERATION.executeTool:
      instruments.record(METRIC.executeToolDuration, op.durationS, {
        [ATTR.toolName]: op.toolName,
        [ATTR.toolType]: op.toolType,
        [ATTR.agentName]: op.agentName,
        [ATTR.errorType]: op.errorType,
      });
      return;
    case OPERATION.invokeWorkflow:
      instruments.record(METRIC.invokeWorkflowDuration, op.durationS, {
        [ATTR.workflowName]: op.workflowName,
        [ATTR.errorType]: op.errorType,
      });
      return;
    default:
      if (CLIENT_OPERATIONS.has(op.operation)) instruments.record(METRIC.clientOperationDuration, op.durationS, common);
  }
}

function recordTokens(instruments: Instruments, usage: Usage, common: Attributes): void {
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  if (input !== undefined) {
    instruments.record(METRIC.operationInputTokens, input, common);
    recordByModality(instruments, METRIC.usageInputTokens, input, usage.inputByModality, common);
  }
  if (output !== undefined) {
    instruments.record(METRIC.operationOutputTokens, output, common);
    recordByModality(instruments, METRIC.usageOutputTokens, output, usage.outputByModality, common);
  }
  const cacheRead = count(usage.cacheReadInputTokens);
  if (cacheRead !== undefined)
    recordByModality(instruments, METRIC.usageCacheReadInputTokens, cacheRead, usage.cacheReadByModality, common);
  const cacheWrite = count(usage.cacheWriteInputTokens);
  if (cacheWrite !== undefined) recordByModality(instruments, METRIC.usageCacheWriteInputTokens, cacheWrite, undefined, common);
  const reasoning = count(usage.reasoningOutputTokens);
  if (reasoning !== undefined) recordByModality(instruments, METRIC.usageReasoningOutputTokens, reasoning, undefined, common);
}

type TokenCounter =
  | typeof METRIC.usageInputTokens
  | typeof METRIC.usageOutputTokens
  | typeof METRIC.usageCacheReadInputTokens
  | typeof METRIC.usageCacheWriteInputTokens
  | typeof METRIC.usageReasoningOutputTokens;

// Counters carry `gen_ai.token.modality`: split by modality when the provider does, and report
// whatever the split leaves over (or everything, without one) as `unknown`.
function recordByModality(
  instruments: Instruments,
  name: TokenCounter,
  total: number,
  split: TokensByModality | undefined,
  common: Attributes,
): void {
  let rest = total;
  if (split) {
    for (const modality of [TOKEN_MODALITY.text, TOKEN_MODALITY.image, TOKEN_MODALITY.audio] as const) {
      const n = count(split[modality]);
      if (n === undefined || n === 0 || n > rest) continue;
      instruments.record(name, n, { ...common, [ATTR.tokenModality]: modality });
      rest -= n;
    }
  }
  if (rest > 0 || (rest === 0 && total === 0))
    instruments.record(name, rest, { ...common, [ATTR.tokenModality]: TOKEN_MODALITY.unknown });
}
