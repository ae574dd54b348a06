import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isGatehouseError } from '@gatehouse/core';
import type { AuthRequest, ErrorCode, JWKSource, PublicJWK } from '@gatehouse/core';
import fc from 'fast-check';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOIDCProvider } from './oidc.js';
import type { OIDCProviderOptions } from './oidc.js';

const start = Date.UTC(2026, 10, 26, 12, 0, 0);
const startSeconds = start / 1000;

interface TestKey {
  privateKey: CryptoKey;
  jwk: PublicJWK;
  alg: string;
}

async function makeKey(alg: 'RS256' | 'ES256', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, alg, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } as PublicJWK };
}

/** A real identity provider on 127.0.0.1: discovery document and JWKS, both replaceable per test. */
let server: Server;
let issuer: string;
let discovery: (() => unknown) | undefined;
let published: PublicJWK[] = [];
const hits: string[] = [];

let rsaKey: TestKey;
let ecKey: TestKey;

beforeAll(async () => {
  [rsaKey, ecKey] = await Promise.all([makeKey('RS256', 'rsa-1'), makeKey('ES256', 'ec-1')]);
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body =
      req.url === '/.well-known/openid-configuration'
        ? (discovery ?? (() => ({ issuer, jwks_uri: `${issuer}/jwks.json` })))()
        : req.url === '/jwks.json'
          ? { keys: published }
          : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body === undefined ? '{}' : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  discovery = undefined;
  published = [rsaKey.jwk, ecKey.jwk];
  hits.length = 0;
});

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const base = {
    iss: issuer,
    sub: 'user-1',
    aud: 'web-client',
    iat: startSeconds - 30,
    exp: startSeconds + 300,
  };
  return Object.fromEntries(
    Object.entries({ ...base, ...overrides }).filter(([, value]) => value !== undefined),
  );
}

function sign(payload: JWTPayload, key: TestKey = rsaKey): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.jwk.kid ?? '' })
    .sign(key.privateKey);
}

function request(authorization: string): AuthRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { authorization },
    body: new Uint8Array(),
    sourceIp: ['127.0.0.1'],
    requestId: 'req-1',
  };
}

function setup(overrides: Partial<OIDCProviderOptions> = {}) {
  const clock = { now: start };
  const provider = createOIDCProvider({ issuer, now: () => clock.now, ...overrides });
  return { clock, provider };
}

function staticKeys(keys: readonly PublicJWK[]): JWKSource {
  return { getKeys: async () => keys };
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'other'> {
  return promise.then(
    () => 'resolved' as const,
    (error: unknown) => (isGatehouseError(error) ? error.code : 'other'),
  );
}

describe('createOIDCProvider', () => {
  it('finds the keys through discovery on a real server and builds the AppSync OIDC identity', async () => {
    const { provider } = setup();
    const payload = claims({ email: 'user@example.com' });
    const result = await provider.authenticate(request(await sign(payload)));
    expect(provider).toMatchObject({ mode: 'OPENID_CONNECT', providerId: issuer });
    expect(result).toEqual({
      kind: 'authenticated',
      principal: { mode: 'OPENID_CONNECT', providerId: issuer },
      identity: { claims: payload, issuer, sub: 'user-1' },
    });
    expect(hits).toEqual(['/.well-known/openid-configuration', '/jwks.json']);
  });

  it('accepts an ES256 token', async () => {
    const { provider } = setup();
    await expect(
      provider.authenticate(request(`Bearer ${await sign(claims(), ecKey)}`)),
    ).resolves.toMatchObject({
      kind: 'authenticated',
    });
  });

  it('does not check "token_use"', async () => {
    const { provider } = setup();
    expect(await codeOf(provider.authenticate(request(await sign(claims({ token_use: 'refresh' })))))).toBe(
      'resolved',
    );
  });

  it('refuses every token with E3 when the discovery document names another issuer', async () => {
    discovery = () => ({ issuer: `${issuer}/`, jwks_uri: `${issuer}/jwks.json` });
    const { provider } = setup();
    expect(await codeOf(provider.authenticate(request(await sign(claims()))))).toBe('ERR_AUTH_JWT_INVALID');
    expect(hits).not.toContain('/jwks.json');
  });

  it('refuses every token with E3 when the discovery document has no "jwks_uri"', async () => {
    discovery = () => ({ issuer });
    const { provider } = setup();
    expect(await codeOf(provider.authenticate(request(await sign(claims()))))).toBe('ERR_AUTH_JWT_INVALID');
  });

  it('refuses an http issuer on a non-loopback host at construction', () => {
    expect(() => createOIDCProvider({ issuer: 'http://idp.example.com', now: () => start })).toThrow(
      TypeError,
    );
    expect(() => createOIDCProvider({ issuer: 'http://idp.example.com', now: () => start })).toThrow(
      '"issuer" must be an https URL; http is allowed only for loopback hosts.',
    );
  });

  it('picks up a rotated key after one refresh', async () => {
    const { provider } = setup();
    await provider.authenticate(request(await sign(claims())));
    const rotated = await makeKey('RS256', 'rsa-2');
    published = [rotated.jwk];
    hits.length = 0;
    expect(await codeOf(provider.authenticate(request(await sign(claims(), rotated))))).toBe('resolved');
    expect(hits).toEqual(['/jwks.json']);
  });

  it('refuses a token whose "iss" differs from the issuer byte for byte', async () => {
    const { provider } = setup();
    for (const iss of [`${issuer}/`, issuer.replace('127.0.0.1', 'localhost'), 'https://cognito-idp.evil']) {
      expect(await codeOf(provider.authenticate(request(await sign(claims({ iss })))))).toBe(
        'ERR_AUTH_JWT_INVALID',
      );
    }
  });

  it('refuses algorithms outside "allowedAlgorithms" and never allows "none" or HS*', async () => {
    const { provider } = setup({ allowedAlgorithms: ['ES256'] });
    expect(await codeOf(provider.authenticate(request(await sign(claims()))))).toBe('ERR_AUTH_JWT_INVALID');
    expect(await codeOf(provider.authenticate(request(await sign(claims(), ecKey))))).toBe('resolved');
    for (const allowedAlgorithms of [['none'], ['HS256'], ['RS256', 'HS384']]) {
      expect(() => createOIDCProvider({ issuer, now: () => start, allowedAlgorithms })).toThrow(
        /"allowedAlgorithms"/,
      );
    }
  });

  it('refuses expired tokens with E4 and missing "exp" with E3', async () => {
    const { provider, clock } = setup({ keys: staticKeys([rsaKey.jwk]) });
    const token = await sign(claims());
    clock.now = (startSeconds + 300 + 60) * 1000;
    expect(await codeOf(provider.authenticate(request(token)))).toBe('ERR_AUTH_JWT_EXPIRED');
    clock.now = start;
    expect(await codeOf(provider.authenticate(request(await sign(claims({ exp: undefined })))))).toBe(
      'ERR_AUTH_JWT_INVALID',
    );
  });

  describe('iatTTL and authTTL', () => {
    it('accepts a token exactly "iatTTL" ms old and refuses one a millisecond older with E4', async () => {
      const { provider, clock } = setup({ keys: staticKeys([rsaKey.jwk]), iatTTL: 60_000 });
      const token = await sign(claims({ iat: startSeconds }));
      clock.now = start + 60_000;
      expect(await codeOf(provider.authenticate(request(token)))).toBe('resolved');
      clock.now = start + 60_001;
      expect(await codeOf(provider.authenticate(request(token)))).toBe('ERR_AUTH_JWT_EXPIRED');
    });

    it('refuses a token without "iat" when "iatTTL" is set, with E3', async () => {
      const { provider } = setup({ keys: staticKeys([rsaKey.jwk]), iatTTL: 60_000 });
      expect(await codeOf(provider.authenticate(request(await sign(claims({ iat: undefined })))))).toBe(
        'ERR_AUTH_JWT_INVALID',
      );
    });

    it('accepts an authentication exactly "authTTL" ms old and refuses one a millisecond older with E4', async () => {
      const { provider, clock } = setup({ keys: staticKeys([rsaKey.jwk]), authTTL: 120_000 });
      const token = await sign(claims({ auth_time: startSeconds - 100 }));
      clock.now = start + 20_000;
      expect(await codeOf(provider.authenticate(request(token)))).toBe('resolved');
      clock.now = start + 20_001;
      expect(await codeOf(provider.authenticate(request(token)))).toBe('ERR_AUTH_JWT_EXPIRED');
    });

    it('refuses a token without "auth_time" when "authTTL" is set, with E3', async () => {
      const { provider } = setup({ keys: staticKeys([rsaKey.jwk]), authTTL: 120_000 });
      expect(await codeOf(provider.authenticate(request(await sign(claims()))))).toBe('ERR_AUTH_JWT_INVALID');
    });

    it('treats 0 as disabled and refuses negative or fractional values', async () => {
      const { provider, clock } = setup({ keys: staticKeys([rsaKey.jwk]), iatTTL: 0, authTTL: 0 });
      const token = await sign(claims());
      clock.now = start + 200_000;
      expect(await codeOf(provider.authenticate(request(token)))).toBe('resolved');
      expect(() => createOIDCProvider({ issuer, now: () => start, iatTTL: -1 })).toThrow(/"iatTTL"/);
      expect(() => createOIDCProvider({ issuer, now: () => start, authTTL: 1.5 })).toThrow(/"authTTL"/);
    });
  });

  describe('clientId', () => {
    it('matches an "aud" array value, "azp" or "client_id", entirely', async () => {
      const { provider } = setup({ keys: staticKeys([rsaKey.jwk]), clientId: 'web-client|mobile-[0-9]+' });
      const accepted = [
        claims({ aud: 'web-client' }),
        claims({ aud: ['https://api.example.com', 'mobile-42'] }),
        claims({ aud: 'https://api.example.com', azp: 'web-client' }),
        claims({ aud: undefined, client_id: 'mobile-7' }),
      ];
      for (const payload of accepted)
        expect(await codeOf(provider.authenticate(request(await sign(payload))))).toBe('resolved');
      const refused = [
        claims({ aud: 'other-client' }),
        claims({ aud: ['web-client-x', 'xmobile-1'] }),
        claims({ aud: undefined }),
        claims({ aud: 'api', azp: 'web-clientx', client_id: 'mobile-' }),
        claims({ aud: [7] }),
      ];
      for (const payload of refused) {
        expect(await codeOf(provider.authenticate(request(await sign(payload))))).toBe(
          'ERR_AUTH_CLIENT_MISMATCH',
        );
      }
    });

    it('refuses an invalid "clientId" pattern at construction', () => {
      expect(() => createOIDCProvider({ issuer, now: () => start, clientId: '[' })).toThrow(/"clientId"/);
    });
  });

  it('turns any string credential into a GatehouseError with a code from E1 to E5', async () => {
    const { provider } = setup({
      keys: staticKeys([rsaKey.jwk, ecKey.jwk]),
      clientId: 'web-client',
      iatTTL: 1000,
      authTTL: 1000,
    });
    const segment = fc.oneof(
      fc.string(),
      fc.json().map((json) => Buffer.from(json).toString('base64url')),
      fc.constant(Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'ec-1' })).toString('base64url')),
    );
    const token = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
    );
    const allowed = new Set<string>([
      'ERR_AUTH_NO_CREDENTIAL',
      'ERR_AUTH_JWT_UNPARSEABLE',
      'ERR_AUTH_JWT_INVALID',
      'ERR_AUTH_JWT_EXPIRED',
      'ERR_AUTH_CLIENT_MISMATCH',
    ]);
    await fc.assert(
      fc.asyncProperty(token, async (candidate) =>
        allowed.has(await codeOf(provider.authenticate(request(candidate)))),
      ),
      { numRuns: 500 },
    );
  });
});
