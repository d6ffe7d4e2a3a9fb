import type { ServedSpan } from "../shared/model.js";

export interface Row {
  span: ServedSpan;
  depth: number;
  /**
   * A hop between processes: the span's service or process differs from its parent's, or the
   * exporter marked its parent remote (an MCP server under its client, an HTTP server under its call).
   */
  hop: boolean;
  /** Index of the parent's row (undefined for a root). */
  parent?: number;
  /** Rows below this one in its subtree: they follow it directly, in tree order. */
  size: number;
}

/** Resource keys that tell two processes of one service apart. */
const PROCESS_KEYS = ["service.instance.id", "process.pid"];

function crosses(parent: ServedSpan, child: ServedSpan): boolean {
  if (parent.service !== child.service || child.remoteParent === true) return true;
  return PROCESS_KEYS.some((k) => {
    const a = parent.resource[k];
    const b = child.resource[k];
    return a !== undefined && b !== undefined && a !== b;
  });
}

/**
 * Spans in tree order (parents before children, siblings by start time); orphans start their own
 * subtree, and so does a span whose parents loop back on themselves (A→B→A, C→C), so every span is drawn.
 */
export function treeRows(spans: readonly ServedSpan[]): Row[] {
  const byId = new Map<string, ServedSpan>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, ServedSpan[]>();
  const roots: ServedSpan[] = [];
  for (const s of spans) {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (parent && parent !== s) {
      const list = children.get(parent.key) ?? [];
      list.push(s);
      children.set(parent.key, list);
    } else roots.push(s);
  }
  const order = (a: ServedSpan, b: ServedSpan) => a.startUs - b.startUs || a.key.localeCompare(b.key);
  const rows: Row[] = [];
  const seen = new Set<string>();
  const walk = (root: ServedSpan) => {
    // An explicit stack: a 10,000-deep chain must not overflow the call stack.
    const stack: [ServedSpan, number, number | undefined][] = [[root, 0, undefined]];
    while (stack.length > 0) {
      const [span, depth, parent] = stack.pop()!;
      if (seen.has(span.key)) continue;
      seen.add(span.key);
      const parentRow = parent === undefined ? undefined : rows[parent];
      rows.push({
        span,
        depth,
        hop: parentRow !== undefined && crosses(parentRow.span, span),
        ...(parent !== undefined ? { parent } : {}),
        size: 0,
      });
      const at = rows.length - 1;
      const kids = (children.get(span.key) ?? []).sort(order);
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1, at]);
    }
  };
  for (const r of roots.sort(order)) walk(r);
  // What is left hangs in a parent cycle: each loop is entered at its earliest span.
  for (const s of [...spans].sort(order)) if (!seen.has(s.key)) walk(s);
  // Subtree sizes from the end: each row adds itself and its subtree to its parent.
  for (let i = rows.length - 1; i >= 0; i--) {
    const p = rows[i]!.parent;
    if (p !== undefined) rows[p]!.size += rows[i]!.size + 1;
  }
  return rows;
}
