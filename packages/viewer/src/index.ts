export { defaultDatabasePath } from "./cache-dir.js";
export type {
  Attrs,
  AttrValue,
  ConversationDetail,
  FilterValues,
  ServedSpan,
  TraceDetail,
  TraceFilter,
  TraceSummary,
  ViewerSpan,
} from "./shared/model.js";
export { ViewerError } from "./store/errors.js";
export { type StoreOptions, TraceStore } from "./store/store.js";
export { DEFAULTS, type RunningViewer, startViewer, type ViewerOptions } from "./viewer.js";
