import { describe, expect, it } from 'vitest';
import { createFunctionAuthProvider, createOIDCAuthProvider, withTokenCache } from './auth-providers.js';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

describe('withTokenCache (client.md §4, P2)', () => {
  it('caches a JWT until exp minus the skew', async () => {
    let now = 1_000_000;
    let calls = 0;
    const token = jwt({ exp: 1_000 + 60 }); // exp = 1 060 000 ms
    const provider = withTokenCache(
      createOIDCAuthProvider(() => (calls++, token)),
      { clock: () => now, refreshSkewMs: 30_000 },
    );
    expect(provider.type).toBe('OPENID_CONNECT');
    await provider.getLatestAuthToken();
    now = 1_029_999;
    await provider.getLatestAuthToken();
    expect(calls).toBe(1);
    now = 1_030_000;
    await provider.getLatestAuthToken();
    expect(calls).toBe(2);
  });

  it('caches an opaque token for ttlMs, and the earlier of exp and ttl wins', async () => {
    let now = 0;
    let calls = 0;
    const opaque = withTokenCache(
      createFunctionAuthProvider(() => (calls++, 'custom-a')),
      { ttlMs: 100, clock: () => now },
    );
    await opaque.getLatestAuthToken();
    now = 99;
    await opaque.getLatestAuthToken();
    expect(calls).toBe(1);
    now = 100;
    await opaque.getLatestAuthToken();
    expect(calls).toBe(2);

    let jwtCalls = 0;
    const both = withTokenCache(
      createOIDCAuthProvider(() => (jwtCalls++, jwt({ exp: 3600 }))),
      { ttlMs: 10, clock: () => now },
    );
    await both.getLatestAuthToken();
    now = 111;
    await both.getLatestAuthToken();
    expect(jwtCalls).toBe(2);
  });

  it('caches nothing without exp or ttl', async () => {
    let calls = 0;
    const provider = withTokenCache(createFunctionAuthProvider(() => (calls++, 'custom-a')));
    await provider.getLatestAuthToken();
    await provider.getLatestAuthToken();
    expect(calls).toBe(2);
  });

  it('is single-flight for 10 concurrent calls', async () => {
    let calls = 0;
    let release!: (token: string) => void;
    const provider = withTokenCache(
      createFunctionAuthProvider(() => {
        calls++;
        return new Promise<string>((resolve) => (release = resolve));
      }),
      { ttlMs: 1000 },
    );
    const results = Array.from({ length: 10 }, () => provider.getLatestAuthToken());
    release('custom-x');
    expect(await Promise.all(results)).toEqual(Array(10).fill('custom-x'));
    expect(calls).toBe(1);
  });

  it('never caches errors or empty tokens', async () => {
    const answers: (() => string)[] = [
      () => {
        throw new Error('down');
      },
      () => '',
      () => 'custom-ok',
    ];
    let calls = 0;
    const provider = withTokenCache(
      createFunctionAuthProvider(() => answers[calls++]!()),
      { ttlMs: 10_000 },
    );
    await expect(provider.getLatestAuthToken()).rejects.toThrow('down');
    expect(await provider.getLatestAuthToken()).toBe('');
    expect(await provider.getLatestAuthToken()).toBe('custom-ok');
    expect(await provider.getLatestAuthToken()).toBe('custom-ok');
    expect(calls).toBe(3);
  });

  it('drops the cached token on invalidateToken and forwards it', async () => {
    let calls = 0;
    let invalidated = 0;
    const inner = createFunctionAuthProvider(() => `custom-${calls++}`);
    inner.invalidateToken = () => {
      invalidated++;
    };
    const provider = withTokenCache(inner, { ttlMs: 10_000 });
    expect(await provider.getLatestAuthToken()).toBe('custom-0');
    await provider.invalidateToken?.();
    expect(await provider.getLatestAuthToken()).toBe('custom-1');
    expect(invalidated).toBe(1);
  });

  it('rejects bad options naming them', () => {
    expect(() =>
      withTokenCache(
        createFunctionAuthProvider(() => 'x'),
        { ttlMs: -1 },
      ),
    ).toThrow('"ttlMs" must be a non-negative number.');
  });
});
