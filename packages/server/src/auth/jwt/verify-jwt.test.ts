import { isGatehouseError } from '@gatehouse/core';
import type { ErrorCode, PublicJWK } from '@gatehouse/core';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJWTVerifier } from './verify-jwt.js';
import type { JWTVerifierOptions } from './verify-jwt.js';

const issuer = 'https://idp.example.com';
const start = Date.UTC(2026, 10, 26, 12, 0, 0);
const startSeconds = start / 1000;

let privateKey: CryptoKey;
let jwk: PublicJWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' } as PublicJWK;
});

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    iss: issuer,
    sub: 'user-1',
    iat: startSeconds,
    exp: startSeconds + 300,
    ...overrides,
  };
}

function sign(payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
}

/** Counts `getKeys` calls: a verification that reaches the crypto asks for keys first. */
function setup(overrides: Partial<JWTVerifierOptions> = {}) {
  const clock = { now: start };
  const keys = {
    calls: 0,
    async getKeys() {
      keys.calls += 1;
      return [jwk];
    },
  };
  const verifier = createJWTVerifier({
    issuer,
    keys,
    algorithms: ['RS256'],
    now: () => clock.now,
    ...overrides,
  });
  return { clock, keys, verifier };
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'other'> {
  return promise.then(
    () => 'resolved' as const,
    (error: unknown) => (isGatehouseError(error) ? error.code : 'other'),
  );
}

describe('createJWTVerifier', () => {
  it('verifies a repeated token once and serves later calls from the cache', async () => {
    const { keys, verifier } = setup();
    const token = await sign(claims());
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(keys.calls).toBe(1);
    expect(second.payload).toEqual(first.payload);
  });

  it('caches a token longer than 4 KiB under its digest, and a tampered one never hits', async () => {
    const { keys, verifier } = setup();
    const token = await sign(claims({ padding: 'x'.repeat(5000) }));
    expect(token.length).toBeGreaterThan(4096);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(keys.calls).toBe(1);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature?.slice(0, -2)}AA`;
    expect(await codeOf(verifier.verify(tampered))).toBe('ERR_AUTH_JWT_INVALID');
  });

  it('still refuses a cached token once it has expired', async () => {
    const { clock, keys, verifier } = setup();
    const token = await sign(claims());
    await verifier.verify(token);
    clock.now = (startSeconds + 300 + 60) * 1000;
    expect(await codeOf(verifier.verify(token))).toBe('ERR_AUTH_JWT_EXPIRED');
    expect(keys.calls).toBe(2);
  });

  it('runs the time checks on every cached hit', async () => {
    const { clock, verifier } = setup({ clockToleranceSeconds: 0 });
    const token = await sign(claims({ exp: startSeconds + 10 }));
    await verifier.verify(token);
    clock.now = (startSeconds + 10) * 1000;
    expect(await codeOf(verifier.verify(token))).toBe('ERR_AUTH_JWT_EXPIRED');
  });

  it('hands every call for one token the same deep-frozen claims, which no caller can change', async () => {
    const { verifier } = setup();
    const token = await sign(claims({ 'cognito:groups': ['reader'] }));
    const first = await verifier.verify(token);
    expect(Object.isFrozen(first.payload)).toBe(true);
    expect(() => (first.payload['cognito:groups'] as string[]).push('admin')).toThrow(TypeError);
    expect(() => {
      (first.payload as Record<string, unknown>)['sub'] = 'mallory';
    }).toThrow(TypeError);
    const second = await verifier.verify(token);
    expect(second.payload).toBe(first.payload);
    expect(second.payload['cognito:groups']).toEqual(['reader']);
    expect(second.payload['sub']).toBe('user-1');
  });

  it('never caches a failed verification', async () => {
    const { keys, verifier } = setup();
    const token = await sign(claims({ iss: 'https://other.example.com' }));
    expect(await codeOf(verifier.verify(token))).toBe('ERR_AUTH_JWT_INVALID');
    const [header, payload] = (await sign(claims())).split('.');
    const forged = `${header}.${payload}.${token.split('.')[2]}`;
    expect(await codeOf(verifier.verify(forged))).toBe('ERR_AUTH_JWT_INVALID');
    expect(await codeOf(verifier.verify(forged))).toBe('ERR_AUTH_JWT_INVALID');
    expect(keys.calls).toBe(2);
  });

  it('evicts the least recently used verification beyond "cacheSize"', async () => {
    const { keys, verifier } = setup({ cacheSize: 1 });
    const a = await sign(claims({ sub: 'a' }));
    const b = await sign(claims({ sub: 'b' }));
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a);
    expect(keys.calls).toBe(3);
    await verifier.verify(a);
    expect(keys.calls).toBe(3);
  });

  it('refuses "none", HS* and unknown algorithms in its allow-list', () => {
    const keys = { getKeys: async () => [] };
    for (const algorithms of [['none'], ['HS256'], ['RS256', 'HS512'], ['XS1'], []]) {
      expect(() => createJWTVerifier({ issuer, keys, algorithms, now: () => start })).toThrow(TypeError);
    }
  });

  it('accepts an ES256 token against a P-256 key and refuses it against a P-384 key', async () => {
    const pair = await generateKeyPair('ES256');
    const ecJWK = { ...(await exportJWK(pair.publicKey)), kid: 'ec' } as PublicJWK;
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: 'ec' })
      .sign(pair.privateKey);
    const good = createJWTVerifier({
      issuer,
      keys: { getKeys: async () => [ecJWK] },
      algorithms: ['ES256'],
      now: () => start,
    });
    await expect(good.verify(token)).resolves.toBeDefined();
    const wrongCurve = { ...ecJWK, crv: 'P-384' };
    const bad = createJWTVerifier({
      issuer,
      keys: { getKeys: async () => [wrongCurve] },
      algorithms: ['ES256'],
      now: () => start,
    });
    expect(await codeOf(bad.verify(token))).toBe('ERR_AUTH_JWT_INVALID');
  });
});
