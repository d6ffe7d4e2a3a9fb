import { byListOrder, type SpanFacts } from "./span-facts.js";
import { type CountedTotals, NO_TOTALS, plusCounted } from "./summarize.js";

/**
 * The token and cost totals of the spans a trace counts, added up in list order as summarize()
 * adds them: floating-point addition is not associative, so a running total in arrival order would
 * drift from the from-scratch row in the last digits. Spans join and leave anywhere in the order;
 * the totals are redone from the first place that changed, which is at or near the end when spans
 * arrive roughly in start order (as exporters send them).
 */
export class ListOrderSums {
  private readonly spans: SpanFacts[] = [];
  /** running[i]: the totals of spans[0..i]. */
  private readonly running: CountedTotals[] = [];
  /** running[i] is up to date for every i below this. */
  private upToDate = 0;

  add(f: SpanFacts): void {
    const i = this.placeOf(f);
    this.spans.splice(i, 0, f);
    this.running.splice(i, 0, NO_TOTALS);
    this.upToDate = Math.min(this.upToDate, i);
  }

  remove(f: SpanFacts): void {
    const i = this.placeOf(f);
    if (this.spans[i] !== f) throw new Error(`span ${f.key} is not counted`);
    this.spans.splice(i, 1);
    this.running.splice(i, 1);
    this.upToDate = Math.min(this.upToDate, i);
  }

  totals(): CountedTotals {
    for (let i = this.upToDate; i < this.spans.length; i++) {
      this.running[i] = plusCounted(i === 0 ? NO_TOTALS : this.running[i - 1]!, this.spans[i]!);
    }
    this.upToDate = this.spans.length;
    return this.running[this.spans.length - 1] ?? NO_TOTALS;
  }

  /** The first index whose span is not before f. */
  private placeOf(f: SpanFacts): number {
    let lo = 0;
    let hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byListOrder(this.spans[mid]!, f) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
