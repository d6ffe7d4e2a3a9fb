import { asRecord, asString } from "./read.js";

/**
 * Why an OpenAI Responses API output ended, which that API does not say as a finish reason: from
 * the response's `status` and `incomplete_details`, as the provider would spell it (the core maps
 * it to the registry's value). `completed` is `tool_calls` when the output called tools, else
 * `stop`; `incomplete` is its reason (`max_output_tokens`, `content_filter`), or `incomplete`;
 * `failed` is `error`. Any other status (or none) says nothing.
 */
export function responsesFinishReason(status: unknown, incompleteDetails: unknown, calledTools: boolean): string | undefined {
  switch (asString(status)) {
    case "completed":
      return calledTools ? "tool_calls" : "stop";
    case "incomplete":
      return asString(asRecord(incompleteDetails)?.reason) ?? "incomplete";
    case "failed":
      return "error";
    default:
      return undefined;
  }
}
