/**
 * The execution time limit (appsync-auth.md §8: 30 s) for every request of an endpoint, kept by
 * one sweeping timer instead of a timer per request. Executions are kept in start order (a `Set`
 * iterates in insertion order), so a sweep stops at the first one still within its limit.
 */
export const timedOut = Symbol('timed out');

export interface Deadlines {
  /** Settles like `promise`, or with `timedOut` once it has run for the limit. */
  race<T>(promise: Promise<T>): Promise<T | typeof timedOut>;
  /** Executions not yet settled nor timed out. */
  readonly pending: number;
}

interface Entry {
  readonly startedAt: number;
  readonly expire: () => void;
}

/**
 * `limitMs` is the limit; a late execution times out between `limitMs` and `limitMs` plus one
 * sweep interval (a quarter of the limit, at most one second). The timer runs only while
 * executions are pending and never keeps the process alive.
 */
export function createDeadlines(limitMs: number, now: () => number = () => performance.now()): Deadlines {
  if (!Number.isFinite(limitMs) || limitMs <= 0) throw new RangeError('"limitMs" must be a positive number.');
  const sweepMs = Math.max(1, Math.min(1000, Math.floor(limitMs / 4)));
  const pending = new Set<Entry>();
  let timer: ReturnType<typeof setInterval> | undefined;

  function sweep(): void {
    const time = now();
    for (const entry of pending) {
      if (time - entry.startedAt < limitMs) break;
      pending.delete(entry);
      entry.expire();
    }
    if (pending.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    race<T>(promise: Promise<T>): Promise<T | typeof timedOut> {
      return new Promise((resolve, reject) => {
        const entry: Entry = { startedAt: now(), expire: () => resolve(timedOut) };
        pending.add(entry);
        if (timer === undefined) {
          timer = setInterval(sweep, sweepMs);
          timer.unref();
        }
        promise.then(
          (value) => {
            pending.delete(entry);
            resolve(value);
          },
          (error: unknown) => {
            pending.delete(entry);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    get pending() {
      return pending.size;
    },
  };
}
