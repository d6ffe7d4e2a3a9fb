import {
  checkAdapterVersions,
  checkFrameworkVersion,
  installedVersion,
  registeredApiVersion,
  warnOnce,
} from "@otel-agents/core/adapter";
import type { Telemetry } from "ai";

const ADAPTER = "@otel-agents/ai-sdk";

/**
 * The tested ranges, in one place. `ai` is the `peerDependencies` range of package.json (a test
 * keeps them equal): `ai` 7 through the `Telemetry` interface (this entry), `ai` 6 through `/v6`.
 */
export const SUPPORTED = {
  ai: ">=6.0.0 <7.0.0 || >=7.0.44 <8.0.0",
  "@opentelemetry/api": ">=1.9.0 <2.0.0",
} as const;
/**
 * The `ai` releases this entry (the `Telemetry` interface) is tested with. Before 7.0.44 the
 * model-call end event names the requested model where it should name the answering one, and
 * nothing else on it tells the two apart: those releases would get a wrong response model.
 */
export const SUPPORTED_TELEMETRY_INTERFACE = ">=7.0.44 <8.0.0";

/** Warns (once, through `diag` or the console) when the `@opentelemetry/api` in use is outside the tested range. */
export function checkApiVersion(): void {
  checkAdapterVersions(ADAPTER, SUPPORTED, { "@opentelemetry/api": registeredApiVersion() });
}

// Resolve from this file, so the copy read is the one next to this adapter (CJS build: __filename).
const here = (): string => (typeof __filename === "string" ? __filename : import.meta.url);

/**
 * `ai` stamps every event it sends integrations with its own version (`aiVersion`): the exact
 * release calling us, wherever it was bundled or resolved from. Releases before 7.0.154 stamp
 * none (among them those below the tested range): then the `ai` installed next to this adapter.
 */
export function checkAiVersion(
  aiVersion: unknown,
  installed: () => string | undefined = () => installedVersion("ai", here()),
): void {
  const version = typeof aiVersion === "string" ? aiVersion : installed();
  if (version === undefined) return;
  checkFrameworkVersion({ adapter: ADAPTER, framework: "ai", version, supported: SUPPORTED_TELEMETRY_INTERFACE });
}

/** The `ai` 6 release installed next to this adapter, if `ai` 6 is what is installed. */
export function installedAiSix(installed: () => string | undefined = () => installedVersion("ai", here())): string | undefined {
  const version = installed();
  return version !== undefined && /^6\./.test(version) ? version : undefined;
}

/**
 * `ai` 6 traces a call only when the call turns telemetry on: it has no switch for every call, so
 * `AiSdkInstrumentation` reaches only those calls there. Say so once, naming the setting.
 */
export function warnAiSixNeedsTelemetryOn(version: string): void {
  warnOnce(
    "ai-sdk:instrumentation-on-ai-6",
    `${ADAPTER}: ai ${version} is installed. AiSdkInstrumentation traces the ai 6 calls that turn telemetry on (experimental_telemetry: { isEnabled: true }, or in a ToolLoopAgent's settings): ai 6 has no switch for every call, so calls without it are not traced.`,
  );
}

/**
 * Whether `integration` is one of `@ai-sdk/otel`'s (`OpenTelemetry` or `LegacyOpenTelemetry`).
 * Recognised by shape as well as by class name, so that a minified bundle is still recognised.
 */
export function isAiSdkOtel(integration: unknown): boolean {
  if (typeof integration !== "object" || integration === null) return false;
  const i = integration as Record<string, unknown>;
  const name = (integration as { constructor?: { name?: unknown } }).constructor?.name;
  if (name === "OpenTelemetry" || name === "LegacyOpenTelemetry") return true;
  return (
    i.callStates instanceof Map &&
    typeof i.getCallState === "function" &&
    typeof i.cleanupCallState === "function" &&
    typeof i.tracer === "object"
  );
}

/**
 * When this integration and `@ai-sdk/otel` are both registered globally, every call not given its
 * own `integrations` reaches both, and each emits its own trace tree (two agent spans, two model-call
 * spans per model call). Warn once. Per-call `integrations` replace the global ones for that call, so
 * a global `@ai-sdk/otel` next to a per-call otel-agents (or the reverse) does not duplicate.
 */
export function warnIfAiSdkOtelRegistered(self: Telemetry): void {
  const registered = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS;
  if (!Array.isArray(registered) || !registered.includes(self)) return;
  if (!registered.some((i) => i !== self && isAiSdkOtel(i))) return;
  warnOnce(
    "ai-sdk:@ai-sdk/otel",
    "@otel-agents/ai-sdk: @ai-sdk/otel is registered with registerTelemetry() as well; both will emit a trace tree for every AI SDK call (each model call traced twice). Register only one of them.",
  );
}
