import type { SpanFacts } from "./span-facts.js";
import { earlier } from "./summarize.js";

/** rootOf()'s order: the earlier start, then the list order (the row key) among equal starts. */
function before(a: SpanFacts, b: SpanFacts): boolean {
  if (a.startNs !== b.startNs) return earlier(a.startNs, b.startNs);
  return a.key < b.key;
}

/**
 * The span a growing trace is named after (rootOf): a heap of the spans that arrived without their
 * parent, earliest first. A span stops being a root when its parent arrives and never becomes one
 * again, so those are dropped only when they reach the top.
 */
export class RootPicker {
  private readonly heap: SpanFacts[] = [];

  push(f: SpanFacts): void {
    const h = this.heap;
    let i = h.push(f) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(h[i]!, h[up]!)) break;
      [h[i], h[up]] = [h[up]!, h[i]!];
      i = up;
    }
  }

  earliest(isRoot: (f: SpanFacts) => boolean): SpanFacts | undefined {
    while (this.heap.length > 0 && !isRoot(this.heap[0]!)) this.pop();
    return this.heap[0];
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < h.length && before(h[l]!, h[top]!)) top = l;
      if (r < h.length && before(h[r]!, h[top]!)) top = r;
      if (top === i) return;
      [h[i], h[top]] = [h[top]!, h[i]!];
      i = top;
    }
  }
}
