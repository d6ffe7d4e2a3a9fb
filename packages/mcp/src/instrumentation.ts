import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { diag } from "@opentelemetry/api";
import type { FrameworkRegistration, GenAIInstrumentationConfig } from "@otel-agents/core";
import { GenAIInstrumentation, McpTelemetry } from "@otel-agents/core";
import { checkVersions } from "./compat.js";
import type { McpInstrumentOptions } from "./instrument.js";
import { SCOPE } from "./instrument.js";
import { installHooks } from "./protocol-hooks.js";
import { VERSION } from "./version.js";

/** The explicit functions' options (the SDK supplies the providers) plus `enabled` and `stepAwareContext`. */
export type McpInstrumentationConfig = Omit<McpInstrumentOptions, "tracerProvider" | "meterProvider"> &
  GenAIInstrumentationConfig;

/**
 * One holder per copy of the SDK's classes, kept on the class, so that the prototypes are patched
 * once however many Instrumentations (or copies of this adapter) come and go; the hooks read the
 * telemetry of the one enabled now, and do nothing while none is.
 */
const HOLDER = Symbol.for("otel-agents.mcp.holder");
type Holder = { telemetry: McpTelemetry | undefined; patched: boolean };
type WithHolder = { [HOLDER]?: Holder; prototype: object };

function holderOf(cls: WithHolder, side: "client" | "server"): Holder {
  let holder = cls[HOLDER];
  if (!holder) {
    holder = { telemetry: undefined, patched: false };
    Object.defineProperty(cls, HOLDER, { value: holder, enumerable: false });
  }
  if (!holder.patched) {
    const h = holder;
    holder.patched = installHooks(cls.prototype, side, () => h.telemetry);
    if (!holder.patched)
      diag.warn(
        `@otel-agents/mcp: this @modelcontextprotocol/sdk ${side === "client" ? "Client" : "Server"} has no methods to trace; use instrumentMcp${side === "client" ? "Client" : "Server"}`,
      );
  }
  return holder;
}

/**
 * The v1 MCP SDK as an OpenTelemetry instrumentation:
 *
 *   new NodeSDK({ instrumentations: [new McpInstrumentation()] }).start();
 *
 * Enabling traces every `Client` and `Server` (so every `McpServer`) of `@modelcontextprotocol/sdk`
 * in the process, created before or after; `disable()` stops it. A client or server also given to
 * `instrumentMcpClient` / `instrumentMcpServer` is traced once, by that call's options.
 */
export class McpInstrumentation extends GenAIInstrumentation<McpInstrumentationConfig> {
  constructor(config?: McpInstrumentationConfig) {
    super("@otel-agents/mcp", VERSION, config);
  }

  protected attach(options: McpInstrumentOptions): FrameworkRegistration {
    checkVersions();
    const telemetry = new McpTelemetry(SCOPE, options);
    const holders = [holderOf(Client as unknown as WithHolder, "client"), holderOf(Server as unknown as WithHolder, "server")];
    for (const holder of holders) holder.telemetry = telemetry;
    return {
      detach: () => {
        for (const holder of holders) if (holder.telemetry === telemetry) holder.telemetry = undefined;
      },
    };
  }
}
