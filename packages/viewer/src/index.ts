export {
  type MatchRule,
  type ModelPrices,
  type Price,
  type PricedCall,
  type PriceMatch,
  PriceTable,
  type PriceTableData,
  PriceTableError,
  type PriceTableSource,
  type ProviderPrices,
  type TokenPrices,
} from "./analysis/prices.js";
export { defaultDatabasePath } from "./cache-dir.js";
export type { ReceivedMetricPoint } from "./otlp/metrics.js";
export { probeViewer, type ViewerInfo } from "./probe.js";
export type {
  Attrs,
  AttrTypeNote,
  AttrTypes,
  AttrValue,
  Convention,
  ConversationDetail,
  DurationRow,
  FilterValues,
  MetricsOverview,
  ServedSpan,
  SpanCost,
  TokenRow,
  TokenSeries,
  TraceDetail,
  TraceFilter,
  TraceListPage,
  TraceSummary,
  ViewerSpan,
} from "./shared/model.js";
export { PortInUseError, ViewerError } from "./store/errors.js";
export { type StoreOptions, TraceStore } from "./store/store.js";
export { DEFAULTS, type RunningViewer, startViewer, type ViewerOptions } from "./viewer.js";
