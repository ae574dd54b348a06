import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSigningKeyRing } from './signing-keys.js';
import { createInstallKey, createTestClock, createTestStore } from './test-support/fixtures.js';

function setup() {
  const clock = createTestClock();
  const store = createTestStore();
  const installKey = createInstallKey();
  const open = (overrides: { installKey?: Uint8Array } = {}) =>
    createSigningKeyRing({
      store,
      installKey: overrides.installKey ?? installKey,
      poolId: 'us-east-1_Gatehouse1',
      now: clock.now,
      retiredKeyLifetimeSeconds: 3900,
    });
  return { clock, store, installKey, open };
}

async function verifies(jwks: { keys: object[] }, token: string): Promise<boolean> {
  const keySet = createLocalJWKSet(jwks);
  return compactVerify(token, keySet, { algorithms: ['RS256'] }).then(
    () => true,
    () => false,
  );
}

describe('createSigningKeyRing', () => {
  it('publishes one RS256 key for ID tokens and another for access tokens, with RFC 7638 kids', async () => {
    const ring = await setup().open();
    const { keys } = await ring.jwks();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ alg: 'RS256', e: 'AQAB', kty: 'RSA', use: 'sig' });
      expect(Buffer.from(key.n, 'base64url')).toHaveLength(256);
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(await ring.currentKid('id')).not.toBe(await ring.currentKid('access'));
  });

  it('signs with exactly the header {"kid","alg":"RS256"} and the claims in order', async () => {
    const ring = await setup().open();
    const token = await ring.sign('id', { sub: 'a', iss: 'b', exp: 1 });
    const [header, payload] = token.split('.');
    expect(Buffer.from(header ?? '', 'base64url').toString()).toBe(
      JSON.stringify({ kid: await ring.currentKid('id'), alg: 'RS256' }),
    );
    expect(Buffer.from(payload ?? '', 'base64url').toString()).toBe('{"sub":"a","iss":"b","exp":1}');
    expect(await verifies(await ring.jwks(), token)).toBe(true);
  });

  it('signs alike in every process that shares the store and install key', async () => {
    const { open } = setup();
    const [first, second] = await Promise.all([open(), open()]);
    // Both generate on first use at once; one conditional write wins and both adopt it.
    const [firstKid, secondKid] = await Promise.all([first.currentKid('id'), second.currentKid('id')]);
    expect(secondKid).toBe(firstKid);
    const token = await second.sign('access', { sub: 'x' });
    expect(await verifies(await first.jwks(), token)).toBe(true);
  });

  it('stores private keys encrypted under the install key', async () => {
    const { open, store } = setup();
    const ring = await open();
    await ring.jwks();
    const table = await store.table('identity_signing_keys', { partitionKey: 'poolId', sortKey: 'use' });
    const item = await table.get({ poolId: 'us-east-1_Gatehouse1', use: 'id' });
    const text = JSON.stringify(item);
    expect(text).not.toMatch(/PRIVATE KEY|"d":|"p":|"q":/);
    expect(text).toMatch(/"privateKey":"v1\./);
    const other = await open({ installKey: createInstallKey() });
    await expect(other.sign('id', { sub: 'x' })).rejects.toThrow(/does not authenticate/);
  });

  it('signs with a rotated key and keeps the old key published until its tokens can have expired', async () => {
    const { open, clock } = setup();
    const ring = await open();
    const oldKid = await ring.currentKid('id');
    const oldToken = await ring.sign('id', { sub: 'x' });
    const newKid = await ring.rotate('id');
    expect(newKid).not.toBe(oldKid);
    expect(await ring.currentKid('id')).toBe(newKid);
    const newToken = await ring.sign('id', { sub: 'x' });
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    expect(await verifies(await ring.jwks(), oldToken)).toBe(true);
    expect(await verifies(await ring.jwks(), newToken)).toBe(true);

    clock.advanceSeconds(3899);
    expect((await ring.getKeys({ refresh: true })).map((key) => key.kid)).toContain(oldKid);
    clock.advanceSeconds(1);
    const kids = (await ring.getKeys({ refresh: true })).map((key) => key.kid);
    expect(kids).not.toContain(oldKid);
    expect(kids).toContain(newKid);
    expect(kids).toHaveLength(2);
  });

  it('lets another process see a rotation when it re-reads the keys', async () => {
    const { open } = setup();
    const first = await open();
    const second = await open();
    await second.getKeys();
    const newKid = await first.rotate('access');
    expect((await second.getKeys({ refresh: true })).map((key) => key.kid)).toContain(newKid);
  });
});
