import { diag } from "@opentelemetry/api";
import type { FrameworkRegistration, GenAIInstrumentationConfig } from "@otel-agents/core";
import { GenAIInstrumentation, McpTelemetry } from "@otel-agents/core";
import { installAiSdkClientHooks } from "./ai-sdk-client-hooks.js";
import { checkVersions } from "./compat.js";
import type { McpInstrumentOptions } from "./instrument.js";
import { SCOPE } from "./instrument.js";
import { installHooks } from "./protocol-hooks.js";
import { findPatchTargets, type PatchTarget } from "./sdk-targets.js";
import { VERSION } from "./version.js";

/** The explicit functions' options (the SDK supplies the providers) plus `enabled` and `stepAwareContext`. */
export type McpInstrumentationConfig = Omit<McpInstrumentOptions, "tracerProvider" | "meterProvider"> &
  GenAIInstrumentationConfig;

/**
 * One holder per patched prototype, kept on it, so that each is patched once however many
 * Instrumentations (or copies of this adapter) come and go; the hooks read the telemetry of the one
 * enabled now, and do nothing while none is.
 */
const HOLDER = Symbol.for("otel-agents.mcp.holder");
type Holder = { telemetry: McpTelemetry | undefined; patched: boolean };
type WithHolder = { [HOLDER]?: Holder };

function holderOf(target: PatchTarget): Holder | undefined {
  const proto = target.prototype as WithHolder;
  let holder = Object.hasOwn(proto, HOLDER) ? proto[HOLDER] : undefined;
  if (!holder) {
    holder = { telemetry: undefined, patched: false };
    Object.defineProperty(proto, HOLDER, { value: holder, enumerable: false });
  }
  if (!holder.patched) {
    const h = holder;
    const source = () => h.telemetry;
    holder.patched =
      target.kind === "ai-sdk-client"
        ? installAiSdkClientHooks(target.prototype, source)
        : installHooks(target.prototype, target.kind === "protocol-client" ? "client" : "server", source);
    if (!holder.patched) {
      diag.warn(
        `@otel-agents/mcp: this ${target.label} has no methods to trace; use instrumentMcp${target.kind === "protocol-server" ? "Server" : "Client"}`,
      );
      return undefined;
    }
  }
  return holder;
}

/**
 * MCP as an OpenTelemetry instrumentation:
 *
 *   new NodeSDK({ instrumentations: [new McpInstrumentation()] }).start();
 *
 * Enabling traces every MCP client and server in the process, created before or after: the v1 SDK's
 * `Client` and `Server` (so every `McpServer`), the v2 packages' (`@modelcontextprotocol/client`,
 * `@modelcontextprotocol/server`), and the AI SDK's MCP client (`createMCPClient`); whichever are
 * installed, imported as ES modules or CommonJS. `disable()` stops it. A client or server also given
 * to `instrumentMcpClient` / `instrumentMcpServer` is traced once, by that call's options.
 */
export class McpInstrumentation extends GenAIInstrumentation<McpInstrumentationConfig> {
  private targets: PatchTarget[] | undefined;

  constructor(config?: McpInstrumentationConfig) {
    super("@otel-agents/mcp", VERSION, config);
  }

  protected attach(options: McpInstrumentOptions): FrameworkRegistration {
    checkVersions();
    const telemetry = new McpTelemetry(SCOPE, options);
    this.targets ??= findPatchTargets();
    if (this.targets.length === 0) {
      diag.warn(
        "@otel-agents/mcp: McpInstrumentation found no MCP SDK (@modelcontextprotocol/sdk, @modelcontextprotocol/client or /server, @ai-sdk/mcp) beside it; nothing will be traced. Install it where @otel-agents/mcp can resolve it, or use instrumentMcpClient/instrumentMcpServer",
      );
    }
    const holders = this.targets.map(holderOf).filter((h): h is Holder => h !== undefined);
    for (const holder of holders) holder.telemetry = telemetry;
    return {
      detach: () => {
        for (const holder of holders) if (holder.telemetry === telemetry) holder.telemetry = undefined;
      },
    };
  }
}
