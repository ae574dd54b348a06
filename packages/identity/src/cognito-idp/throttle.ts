/**
 * Sign-in protection (identity.md §8): Cognito's per-user lockout and per-address token buckets,
 * with counters in the shared store so every node sees the same ones. Time is injected.
 */
import type { Clock, DocumentStore, DocumentTable, Item } from '@gatehouse/core';
import { IdentityError } from '../errors.js';

/** Failures before the first lock; then `2^(n−5)` s, at most 15 min; 15 quiet minutes reset. */
export const lockoutThreshold = 5;
export const maximumLockSeconds = 900;
export const lockoutResetSeconds = 900;

export interface SignInThrottle {
  /** Throws `NotAuthorizedException` `Password attempts exceeded` while the user is locked. */
  assertNotLocked(userKey: string): Promise<void>;
  recordFailure(userKey: string): Promise<void>;
  recordSuccess(userKey: string): Promise<void>;
}

export async function createSignInThrottle(options: {
  store: DocumentStore;
  poolId: string;
  now: Clock;
}): Promise<SignInThrottle> {
  const table = await options.store.table('identity_signin_failures', { partitionKey: 'key' });
  const keyOf = (userKey: string) => `${options.poolId}\n${userKey}`;

  async function load(
    userKey: string,
  ): Promise<{ failures: number; lastFailureAt: number; lockedUntil: number }> {
    const item = await table.get({ key: keyOf(userKey) });
    const failures = typeof item?.['failures'] === 'number' ? item['failures'] : 0;
    const lastFailureAt = typeof item?.['lastFailureAt'] === 'number' ? item['lastFailureAt'] : 0;
    const lockedUntil = typeof item?.['lockedUntil'] === 'number' ? item['lockedUntil'] : 0;
    // Quiet for long enough: forgotten.
    if (failures > 0 && options.now() - lastFailureAt >= lockoutResetSeconds * 1000) {
      return { failures: 0, lastFailureAt: 0, lockedUntil: 0 };
    }
    return { failures, lastFailureAt, lockedUntil };
  }

  return {
    async assertNotLocked(userKey) {
      const state = await load(userKey);
      if (options.now() < state.lockedUntil) {
        throw new IdentityError('NotAuthorizedException', 'Password attempts exceeded');
      }
    },
    async recordFailure(userKey) {
      const state = await load(userKey);
      const time = options.now();
      const failures = state.failures + 1;
      const lockSeconds =
        failures >= lockoutThreshold ? Math.min(2 ** (failures - lockoutThreshold), maximumLockSeconds) : 0;
      await table.put({
        key: keyOf(userKey),
        failures,
        lastFailureAt: time,
        lockedUntil: lockSeconds > 0 ? time + lockSeconds * 1000 : 0,
      });
    },
    async recordSuccess(userKey) {
      const state = await load(userKey);
      if (state.failures > 0) await table.delete({ key: keyOf(userKey) });
    },
  };
}

export interface RateLimiter {
  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): Promise<boolean>;
}

export interface RateLimitOptions {
  /** Bucket size (burst). */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

/** Default per-address limit of the unauthenticated operations: bursts of 50, 10 a second after. */
export const defaultRateLimit: RateLimitOptions = { capacity: 50, refillPerSecond: 10 };

/** Token buckets keyed by a string (e.g. `<pool>\n<ip>`), kept in the store. */
export async function createRateLimiter(options: {
  store: DocumentStore;
  now: Clock;
  limit?: RateLimitOptions | undefined;
}): Promise<RateLimiter> {
  const limit = options.limit ?? defaultRateLimit;
  if (!(limit.capacity >= 1) || !(limit.refillPerSecond > 0)) {
    throw new RangeError('"limit" must have a capacity of at least 1 and a positive "refillPerSecond".');
  }
  const table: DocumentTable = await options.store.table('identity_rate_limits', { partitionKey: 'key' });
  return {
    async take(key) {
      const time = options.now();
      const item: Item | undefined = await table.get({ key });
      const stored = typeof item?.['tokens'] === 'number' ? item['tokens'] : limit.capacity;
      const updatedAt = typeof item?.['updatedAt'] === 'number' ? item['updatedAt'] : time;
      const tokens = Math.min(
        limit.capacity,
        stored + (Math.max(0, time - updatedAt) / 1000) * limit.refillPerSecond,
      );
      if (tokens < 1) {
        await table.put({ key, tokens, updatedAt: time });
        return false;
      }
      await table.put({ key, tokens: tokens - 1, updatedAt: time });
      return true;
    },
  };
}
