import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";

/**
 * Registers a diag logger that keeps every warning and error as `warn: …` / `error: …`, and returns
 * the list it fills. Undo with `diag.disable()`.
 */
export function captureDiag(): string[] {
  const said: string[] = [];
  const logger: DiagLogger = {
    error: (message) => said.push(`error: ${message}`),
    warn: (message) => said.push(`warn: ${message}`),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return said;
}
