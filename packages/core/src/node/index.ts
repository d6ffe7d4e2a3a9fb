// @otel-agents/core/node: Node-only helpers (quick-start setup and the console trace tree).

export {
  ConsoleTreeExporter,
  type ConsoleTreeExporterOptions,
  type PrintableSpan,
  renderTraceTree,
} from "./console-tree-exporter.js";
export { type SetupOptions, type SetupResult, type SpanExporterLike, setup } from "./setup.js";
