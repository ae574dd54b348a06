/**
 * A bounded expiring map for Lambda authorizer answers (appsync-auth.md §6, Cache). Keys are
 * digests; the raw token never enters it. Expired entries are dropped when met and swept when the
 * map is full; if it is still full, the oldest insertion goes.
 */
export interface ResultCache<V> {
  get(key: string, nowMs: number): V | undefined;
  set(key: string, value: V, expiresAtMs: number, nowMs: number): void;
  readonly size: number;
}

export function createResultCache<V>(maxEntries: number): ResultCache<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError('"maxEntries" must be a positive integer.');
  }
  const entries = new Map<string, { value: V; expiresAtMs: number }>();
  return {
    get(key, nowMs) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (nowMs >= entry.expiresAtMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, expiresAtMs, nowMs) {
      entries.delete(key);
      if (entries.size >= maxEntries) {
        // O(n), but only when full, and each miss already costs an authorizer invocation.
        for (const [k, entry] of entries) if (nowMs >= entry.expiresAtMs) entries.delete(k);
        if (entries.size >= maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done !== true) entries.delete(oldest.value);
        }
      }
      entries.set(key, { value, expiresAtMs });
    },
    get size() {
      return entries.size;
    },
  };
}
