import { errorType, isRecord } from "@otel-agents/core/adapter";

/**
 * The `error.type` for AI SDK errors whose class name says little, or undefined to let the core
 * derive it from the error. Every HTTP failure of every provider is one class, `APICallError`:
 * its kind is the HTTP status (as in the HTTP conventions), so a 429 and a 500 stay apart on spans
 * and in the metrics. A `RetryError` (all attempts failed) has the kind of its last attempt.
 */
export function aiSdkErrorType(error: unknown, depth = 0): string | undefined {
  try {
    if (!isRecord(error) || depth > 3) return undefined;
    if (error.name === "AI_APICallError" && typeof error.statusCode === "number" && Number.isInteger(error.statusCode)) {
      return String(error.statusCode);
    }
    if (error.name === "AI_RetryError" && error.lastError !== undefined) {
      return aiSdkErrorType(error.lastError, depth + 1) ?? errorType(error.lastError);
    }
    return undefined;
  } catch {
    return undefined;
  }
}
