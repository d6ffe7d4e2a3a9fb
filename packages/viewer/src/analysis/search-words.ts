import type { SpanFacts } from "./span-facts.js";
import { searchWordsOf } from "./summarize.js";

/** Where a word first appears: the span (in list order), then its place among the span's words. */
interface Place {
  word: string;
  startUs: number;
  key: string;
  nth: number;
}

function before(a: Place, b: Place): boolean {
  if (a.startUs !== b.startUs) return a.startUs < b.startUs;
  if (a.key !== b.key) return a.key < b.key;
  return a.nth < b.nth;
}

/**
 * searchText() of a growing trace: the words of its spans, each once, in the order of the span
 * that first names it. The text is extended while new words come after the ones already in it
 * (spans arrive roughly in start order), and written again only when one lands earlier or the
 * row's own words change.
 */
export class SearchWords {
  private readonly first = new Map<string, Place>();
  private readonly ordered: Place[] = [];
  private text = "";
  private head: string | undefined;
  private headWords = new Set<string>();
  /** How many of `ordered` the text holds; -1 when it must be written again. */
  private written = -1;

  add(f: SpanFacts): void {
    searchWordsOf(f).forEach((word, nth) => {
      const place: Place = { word, startUs: f.startUs, key: f.key, nth };
      const known = this.first.get(word);
      if (known && !before(place, known)) return;
      if (known) {
        this.ordered.splice(this.indexOf(known), 1);
        this.written = -1;
      }
      this.first.set(word, place);
      const i = this.indexOf(place);
      if (i < this.written) this.written = -1;
      this.ordered.splice(i, 0, place);
    });
  }

  /** The text with the row's own words (searchHead) first. */
  textWith(head: readonly string[]): string {
    const headKey = JSON.stringify(head);
    if (this.written < 0 || headKey !== this.head) {
      const words = new Set(head);
      for (const p of this.ordered) words.add(p.word);
      this.text = [...words].join("\n").toLowerCase();
      this.head = headKey;
      this.headWords = new Set(head);
    } else {
      for (let i = this.written; i < this.ordered.length; i++) {
        const { word } = this.ordered[i]!;
        if (!this.headWords.has(word)) this.text += `\n${word.toLowerCase()}`;
      }
    }
    this.written = this.ordered.length;
    return this.text;
  }

  /** The first index whose place is not before p. */
  private indexOf(p: Place): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.ordered[mid]!, p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
