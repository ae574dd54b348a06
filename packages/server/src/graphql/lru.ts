/**
 * A small bounded map that evicts the least recently used entry, approximately: a hit moves its
 * entry to the newest end only once at least half the capacity has been stored since the entry
 * was, so that the hit path of a hot key is a single lookup. An entry stored or read within the
 * last `max / 2` stores is therefore never the one evicted.
 */
export class LRUCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, { value: V; stamp: number }>();
  /** Counts stores (and moves); an entry's `stamp` is the count when it was last stored or moved. */
  #clock = 0;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('"max" must be a positive integer.');
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    if (this.#clock - entry.stamp >= this.#max / 2) {
      this.#map.delete(key);
      entry.stamp = ++this.#clock;
      this.#map.set(key, entry);
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, { value, stamp: ++this.#clock });
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#map.delete(key);
  }
}
