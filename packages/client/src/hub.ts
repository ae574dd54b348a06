/** A tiny event bus: `Hub.listen('auth' | 'api', cb)` (client.md §2, §7). */

export interface HubPayload {
  readonly event: string;
  readonly data?: unknown;
}

export type HubCallback = (payload: HubPayload) => void;

export class HubClass {
  readonly #listeners = new Map<string, Set<HubCallback>>();

  /** Returns a function that removes the listener. */
  listen(channel: string, callback: HubCallback): () => void {
    let set = this.#listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(callback);
    return () => set.delete(callback);
  }

  dispatch(channel: string, payload: HubPayload): void {
    for (const callback of this.#listeners.get(channel) ?? []) {
      try {
        callback(payload);
      } catch {
        // A listener's failure must not break the dispatcher or other listeners.
      }
    }
  }
}
