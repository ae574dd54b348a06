import { randomBytes } from 'node:crypto';
import { createSQLiteDocumentStore } from '@gatehouse/server';
import type { DocumentStore } from '@gatehouse/core';
import { generateRSAKeyPair, type RSAKeyPairGenerator } from '../signing-keys.js';
import { createLocalUserPool, type LocalUserPool, type LocalUserPoolOptions } from '../user-pool.js';

const reusedKeys: Awaited<ReturnType<RSAKeyPairGenerator>>[] = [];
let nextReused = 0;

/**
 * Hands out RSA key pairs from a small per-worker set, in turn, so suites do not pay for RSA
 * generation in every test. Successive calls give distinct keys (up to 8 in a row).
 */
export const reusedRSAKeyPairs: RSAKeyPairGenerator = async () => {
  const index = nextReused % 8;
  nextReused += 1;
  reusedKeys[index] ??= await generateRSAKeyPair();
  return reusedKeys[index];
};

/** A settable clock, epoch ms; starts at 2026-01-01T00:00:00Z. */
export function createTestClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  return {
    now: () => time,
    set(ms: number) {
      time = ms;
    },
    advanceSeconds(seconds: number) {
      time += seconds * 1000;
    },
    seconds: () => Math.floor(time / 1000),
  };
}

export function createTestStore(): DocumentStore {
  return createSQLiteDocumentStore({ filename: ':memory:' });
}

export function createInstallKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export const strongPassword = 'Correct-Horse-9';

export async function createTestUserPool(overrides: Partial<LocalUserPoolOptions> = {}): Promise<{
  pool: LocalUserPool;
  store: DocumentStore;
  installKey: Uint8Array;
  clock: ReturnType<typeof createTestClock>;
}> {
  const clock = createTestClock();
  const store = overrides.store ?? createTestStore();
  const installKey = overrides.installKey ?? createInstallKey();
  const pool = await createLocalUserPool({
    store,
    installKey,
    userPoolId: 'us-east-1_Gatehouse1',
    clientId: 'testclient0000000000000000',
    region: 'us-east-1',
    issuer: 'http://127.0.0.1:4000/us-east-1_Gatehouse1',
    now: clock.now,
    unsafeFastHashingForTests: true,
    generateRSAKeyPair: reusedRSAKeyPairs,
    ...overrides,
  });
  return { pool, store, installKey, clock };
}
