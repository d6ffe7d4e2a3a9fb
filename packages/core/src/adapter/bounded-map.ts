/**
 * A Map with a most-entries bound and the one eviction policy the adapters use: beyond `max`, the
 * oldest entry (insertion order; re-insert a key to make it the newest) is removed and handed to
 * `onEvict`, which ends or forgets whatever it stood for. Memory stays bounded under any event
 * order, including starts whose ends never come.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly max: number;
  private readonly onEvict: ((key: K, value: V) => void) | undefined;

  constructor(max: number, onEvict?: (key: K, value: V) => void) {
    super();
    // NaN and values below 1 keep one entry; Infinity means unbounded.
    this.max = max >= 1 ? Math.floor(max) : 1;
    this.onEvict = onEvict;
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    while (this.size > this.max) {
      const oldest = this.keys().next();
      if (oldest.done) break;
      const evicted = super.get(oldest.value) as V;
      super.delete(oldest.value);
      this.onEvict?.(oldest.value, evicted);
    }
    return this;
  }
}
