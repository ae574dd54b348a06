import type { Logger, PublicJWK } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { assertSecureURL, createOIDCDiscoveryJWKSource, createRemoteJWKSource } from './remote-jwks.js';

const start = Date.UTC(2026, 10, 26, 12, 0, 0);
const jwksUri = 'https://idp.example.com/.well-known/jwks.json';
const key: PublicJWK = { kty: 'RSA', kid: 'k1', use: 'sig', alg: 'RS256', n: 'AQAB', e: 'AQAB' };

function recordingLogger(): Logger & { entries: unknown[] } {
  const entries: unknown[] = [];
  return {
    entries,
    info: (...entry) => entries.push(entry),
    warn: (...entry) => entries.push(entry),
    error: (...entry) => entries.push(entry),
  };
}

function fakeFetch(respond: (url: string) => Response | Promise<Response>) {
  const calls: string[] = [];
  const fetchImpl = (async (input: URL | RequestInfo) => {
    const url = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url;
    calls.push(url);
    return respond(url);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const jwksResponse = (keys: unknown[]) => new Response(JSON.stringify({ keys }), { status: 200 });

describe('createRemoteJWKSource', () => {
  it('caches the keys for one hour', async () => {
    const clock = { now: start };
    const { calls, fetchImpl } = fakeFetch(() => jwksResponse([key]));
    const source = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now: () => clock.now });
    expect(await source.getKeys()).toEqual([key]);
    clock.now += 3_599_999;
    await source.getKeys();
    expect(calls).toHaveLength(1);
    clock.now += 1;
    await source.getKeys();
    expect(calls).toHaveLength(2);
  });

  it('refetches on refresh at most once per 60 s', async () => {
    const clock = { now: start };
    const { calls, fetchImpl } = fakeFetch(() => jwksResponse([key]));
    const source = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now: () => clock.now });
    await source.getKeys();
    await source.getKeys({ refresh: true });
    await source.getKeys({ refresh: true });
    clock.now += 59_999;
    await source.getKeys({ refresh: true });
    expect(calls).toHaveLength(2);
    clock.now += 1;
    await source.getKeys({ refresh: true });
    expect(calls).toHaveLength(3);
  });

  it('shares one fetch between concurrent lookups', async () => {
    const { calls, fetchImpl } = fakeFetch(() => jwksResponse([key]));
    const source = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now: () => start });
    await Promise.all([source.getKeys(), source.getKeys(), source.getKeys()]);
    expect(calls).toHaveLength(1);
  });

  it('keeps only the public members of each key', async () => {
    const { fetchImpl } = fakeFetch(() =>
      jwksResponse([{ ...key, d: 'private', p: 'private', x5c: ['cert'] }, { kid: 'no-kty' }, 'junk', null]),
    );
    const source = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now: () => start });
    expect(await source.getKeys()).toEqual([key]);
  });

  it('logs a failed fetch without response content and returns no keys', async () => {
    const failures: (() => Response | Promise<Response>)[] = [
      () => new Response('secret-body', { status: 500 }),
      () => new Response('secret-body{', { status: 200 }),
      () => new Response(JSON.stringify({ secret: 'body' }), { status: 200 }),
      () => Promise.reject(new TypeError('fetch failed')),
    ];
    for (const failure of failures) {
      const logger = recordingLogger();
      const { fetchImpl } = fakeFetch(failure);
      const source = createRemoteJWKSource({
        jwksUri: `${jwksUri}?token=hunter2`,
        fetch: fetchImpl,
        now: () => start,
        logger,
      });
      expect(await source.getKeys()).toEqual([]);
      expect(logger.entries).toHaveLength(1);
      const text = JSON.stringify(logger.entries);
      expect(text).not.toContain('secret');
      expect(text).not.toContain('hunter2');
    }
  });

  it('keeps fresh keys when a refresh fails, and backs off after a failed first fetch', async () => {
    const clock = { now: start };
    let fail = false;
    const { calls, fetchImpl } = fakeFetch(() =>
      fail ? new Response('', { status: 503 }) : jwksResponse([key]),
    );
    const source = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now: () => clock.now });
    await source.getKeys();
    fail = true;
    expect(await source.getKeys({ refresh: true })).toEqual([key]);

    const down = fakeFetch(() => new Response('', { status: 503 }));
    const other = createRemoteJWKSource({ jwksUri, fetch: down.fetchImpl, now: () => clock.now });
    await other.getKeys();
    await other.getKeys();
    expect(down.calls).toHaveLength(1);
    clock.now += 5_000;
    await other.getKeys();
    expect(down.calls).toHaveLength(2);
    expect(calls).toHaveLength(2);
  });

  it('drops the keys after an hour when they cannot be refetched', async () => {
    const clock = { now: start };
    let fail = false;
    const { fetchImpl } = fakeFetch(() => (fail ? new Response('', { status: 503 }) : jwksResponse([key])));
    const source = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now: () => clock.now });
    await source.getKeys();
    fail = true;
    clock.now += 3_600_000;
    expect(await source.getKeys()).toEqual([]);
  });
});

describe('assertSecureURL', () => {
  it('accepts https anywhere and http on loopback hosts', () => {
    for (const url of [
      'https://idp.example.com/x',
      'http://127.0.0.1:4100/jwks.json',
      'http://127.9.8.7/',
      'http://localhost:9229/',
      'http://[::1]:8080/',
    ]) {
      expect(assertSecureURL(url, 'jwksUri').href).toBe(new URL(url).href);
    }
  });

  it('refuses http on other hosts, other schemes, credentials and relative URLs with a TypeError naming the option', () => {
    for (const url of [
      'http://idp.example.com/',
      'http://10.0.0.1/',
      'http://127.0.0.1.nip.io/',
      'http://[::ffff:127.0.0.1]/',
      'ftp://127.0.0.1/',
      'https://user:pass@idp.example.com/',
      '/jwks.json',
    ]) {
      expect(() => assertSecureURL(url, 'jwksUri')).toThrow(TypeError);
      expect(() => assertSecureURL(url, 'jwksUri')).toThrow(/"jwksUri"/);
    }
  });

  it('is applied by both factories at construction', () => {
    expect(() => createRemoteJWKSource({ jwksUri: 'http://idp.example.com/jwks', now: () => start })).toThrow(
      TypeError,
    );
    expect(() =>
      createOIDCDiscoveryJWKSource({ issuer: 'http://idp.example.com', now: () => start }),
    ).toThrow(TypeError);
    expect(() =>
      createOIDCDiscoveryJWKSource({ issuer: 'https://idp.example.com?x=1', now: () => start }),
    ).toThrow(TypeError);
  });
});

describe('createOIDCDiscoveryJWKSource', () => {
  it('strips one trailing slash from the issuer to build the discovery URL', async () => {
    const issuer = 'https://idp.example.com/tenant/';
    const { calls, fetchImpl } = fakeFetch((url) =>
      url.endsWith('openid-configuration')
        ? new Response(JSON.stringify({ issuer, jwks_uri: jwksUri }), { status: 200 })
        : jwksResponse([key]),
    );
    const source = createOIDCDiscoveryJWKSource({ issuer, fetch: fetchImpl, now: () => start });
    expect(await source.getKeys()).toEqual([key]);
    expect(calls).toEqual(['https://idp.example.com/tenant/.well-known/openid-configuration', jwksUri]);
  });

  it('refuses an insecure "jwks_uri" from discovery', async () => {
    const issuer = 'https://idp.example.com';
    const logger = recordingLogger();
    const { calls, fetchImpl } = fakeFetch(
      () =>
        new Response(JSON.stringify({ issuer, jwks_uri: 'http://idp.example.com/jwks' }), { status: 200 }),
    );
    const source = createOIDCDiscoveryJWKSource({ issuer, fetch: fetchImpl, now: () => start, logger });
    expect(await source.getKeys()).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(logger.entries).toHaveLength(1);
  });
});
