/**
 * The execution time limit (appsync-auth.md §8: 30 s) for every request of an endpoint, kept by
 * one sweeping timer instead of a timer per request. Pending executions form a doubly linked list
 * in start order, so that adding and removing one is a few pointer writes (a `Set` costs several
 * times more per request) and a sweep stops at the first execution still within its limit.
 */
export const timedOut = Symbol('timed out');

export interface Deadlines {
  /** Settles like `promise`, or with `timedOut` once it has run for the limit. */
  race<T>(promise: Promise<T>): Promise<T | typeof timedOut>;
  /** Executions not yet settled nor timed out. */
  readonly pending: number;
}

/** One pending execution: how to settle its race, and its neighbours in start order. */
class Pending {
  previous: Pending | null = null;
  next: Pending | null = null;

  constructor(
    readonly startedAt: number,
    /** Settles the race with `timedOut`; cleared once the race is settled, either way. */
    public expire: ((value: typeof timedOut) => void) | null,
  ) {}
}

/**
 * `limitMs` is the limit; a late execution times out between `limitMs` and `limitMs` plus one
 * sweep interval (a quarter of the limit, at most one second). The timer runs only while
 * executions are pending and never keeps the process alive.
 */
export function createDeadlines(limitMs: number, now: () => number = () => performance.now()): Deadlines {
  if (!Number.isFinite(limitMs) || limitMs <= 0) throw new RangeError('"limitMs" must be a positive number.');
  const sweepMs = Math.max(1, Math.min(1000, Math.floor(limitMs / 4)));
  let oldest: Pending | null = null;
  let newest: Pending | null = null;
  let count = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  function append(entry: Pending): void {
    if (newest === null) oldest = entry;
    else {
      newest.next = entry;
      entry.previous = newest;
    }
    newest = entry;
    count++;
    if (timer === undefined) {
      timer = setInterval(sweep, sweepMs);
      timer.unref();
    }
  }

  /** Takes `entry` out of the list; false when its race was already settled. */
  function remove(entry: Pending): boolean {
    if (entry.expire === null) return false;
    entry.expire = null;
    if (entry.previous === null) oldest = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === null) newest = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = entry.next = null;
    count--;
    return true;
  }

  function sweep(): void {
    const time = now();
    while (oldest !== null && time - oldest.startedAt >= limitMs) {
      const entry = oldest;
      const expire = entry.expire;
      remove(entry);
      expire?.(timedOut);
    }
    if (count === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    race<T>(promise: Promise<T>): Promise<T | typeof timedOut> {
      return new Promise<T | typeof timedOut>((resolve, reject) => {
        const entry = new Pending(now(), resolve);
        append(entry);
        promise.then(
          (value) => {
            if (remove(entry)) resolve(value);
          },
          (error: unknown) => {
            if (remove(entry)) reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    get pending() {
      return count;
    },
  };
}
