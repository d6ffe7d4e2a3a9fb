import type { SpanError } from "@openai/agents-core";
import { abortErrorType, ERROR_TYPE } from "@otel-agents/core/adapter";

// The runner stores `String(error)` ("BoomError: boom") in `data.error`; that leading class name
// is the only low-cardinality type an Agents span error carries.
const LEADING_NAME = /^([A-Za-z_$][\w$.]{0,63}):/;
// OpenAI client errors keep the generic name "Error" and start their message with the HTTP status
// ("Error: 429 Rate limit reached..."): the status is their kind, as in the HTTP conventions.
const GENERIC_WITH_STATUS = /^Error: ([1-5]\d\d) /;
// What a request cut off by its AbortSignal throws in the OpenAI client: `APIUserAbortError`,
// whose name is the generic "Error" (so the span says "Error: Request was aborted."). A cancellation.
const OPENAI_USER_ABORT = /^(?:Error|APIUserAbortError): Request was aborted\.?$/;

/** What an Agents span error says, as something the core's `fail()` can read. */
export interface AgentsFailure {
  name: string;
  message: string;
}

export function failureOf(error: SpanError | null | undefined): AgentsFailure | undefined {
  if (!error) return undefined;
  try {
    const detail = error.data?.error;
    const text = typeof detail === "string" && detail.length > 0 ? detail : String(error.message ?? "");
    const status = typeof detail === "string" ? GENERIC_WITH_STATUS.exec(detail) : null;
    if (status?.[1]) return { name: status[1], message: text };
    if (typeof detail === "string" && OPENAI_USER_ABORT.test(detail)) return { name: ERROR_TYPE.aborted, message: text };
    const match = typeof detail === "string" ? LEADING_NAME.exec(detail) : null;
    // Plain objects, not Errors: no stack from this processor ends up on the user's span.
    return { name: match?.[1] ?? ERROR_TYPE.other, message: text };
  } catch {
    return { name: ERROR_TYPE.other, message: "" };
  }
}

/** A failure that names no kind of its own (`Error`, or nothing readable): another cause may say more. */
export function isGeneric(failure: AgentsFailure): boolean {
  return failure.name === "Error" || failure.name === ERROR_TYPE.other;
}

/** Guardrail trips end the turn and the agent with an error, but no model call failed. */
export function isGuardrailTrip(failure: AgentsFailure | undefined): boolean {
  return failure !== undefined && /GuardrailTripwireTriggered$/.test(failure.name);
}

/**
 * A run cancelled through its AbortSignal (by the app, or by the SDK when the stream's consumer
 * cancels it): the reason's own kind when it names one (`TimeoutError` of `AbortSignal.timeout()`),
 * else `AbortError`, which is also what a non-streamed run's spans get from the SDK.
 */
export function cancellationOf(reason: unknown): AgentsFailure {
  const message = typeof (reason as { message?: unknown } | null)?.message === "string" ? String((reason as Error).message) : "";
  return { name: abortErrorType(reason), message };
}
