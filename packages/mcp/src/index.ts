export { instrumentMcpClient, instrumentMcpServer, type McpInstrumentOptions } from "./instrument.js";
export { McpInstrumentation, type McpInstrumentationConfig } from "./instrumentation.js";
export { VERSION } from "./version.js";
