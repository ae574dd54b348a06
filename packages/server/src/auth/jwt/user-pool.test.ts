import { createHmac } from 'node:crypto';
import { isGatehouseError } from '@gatehouse/core';
import type { AuthRequest, ErrorCode, JWKSource, Logger, PublicJWK, UserPoolIdentity } from '@gatehouse/core';
import fc from 'fast-check';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSource } from './remote-jwks.js';
import { createUserPoolProvider } from './user-pool.js';
import type { UserPoolProviderOptions } from './user-pool.js';

const poolId = 'us-east-1_Ab12Cd34E';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;
const clientId = '5tdcu4ip0bgk7l4ipk1gh0s4ia';
const start = Date.UTC(2026, 10, 26, 12, 0, 0);
const startSeconds = start / 1000;

let poolKey: { privateKey: CryptoKey; publicKey: CryptoKey; jwk: PublicJWK };
let otherKey: { privateKey: CryptoKey; publicKey: CryptoKey; jwk: PublicJWK };

async function makeKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } as PublicJWK;
  return { privateKey, publicKey, jwk };
}

beforeAll(async () => {
  poolKey = await makeKey('pool-key-1');
  otherKey = await makeKey('other-key-1');
});

function countingKeys(keys: () => readonly PublicJWK[]): JWKSource & { calls: number; refreshes: number } {
  const source = {
    calls: 0,
    refreshes: 0,
    async getKeys(options?: { refresh?: boolean }) {
      source.calls += 1;
      if (options?.refresh === true) source.refreshes += 1;
      return keys();
    },
  };
  return source;
}

function accessClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    sub: '7d8c5a8e-0000-4000-8000-000000000001',
    iss: issuer,
    client_id: clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: startSeconds - 60,
    iat: startSeconds - 60,
    exp: startSeconds + 3600,
    jti: 'a1b2',
    username: 'alice',
    'cognito:groups': ['admin'],
    ...overrides,
  };
}

function idClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    sub: '7d8c5a8e-0000-4000-8000-000000000001',
    iss: issuer,
    aud: clientId,
    token_use: 'id',
    auth_time: startSeconds - 60,
    iat: startSeconds - 60,
    exp: startSeconds + 3600,
    'cognito:username': 'alice',
    email: 'alice@example.com',
    ...overrides,
  };
}

/** Drops claims whose override is `undefined`. */
function withoutUndefined(claims: JWTPayload): JWTPayload {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

async function sign(
  claims: JWTPayload,
  options: { key?: CryptoKey; kid?: string | undefined; alg?: string } = {},
) {
  const header: Record<string, unknown> = { alg: options.alg ?? 'RS256' };
  const kid = 'kid' in options ? options.kid : poolKey.jwk.kid;
  if (kid !== undefined) header['kid'] = kid;
  return new SignJWT(withoutUndefined(claims))
    .setProtectedHeader(header as { alg: string })
    .sign(options.key ?? poolKey.privateKey);
}

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function request(authorization?: string): AuthRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers['authorization'] = authorization;
  return {
    method: 'POST',
    path: '/graphql',
    headers,
    body: new Uint8Array(),
    sourceIp: ['203.0.113.7'],
    requestId: 'req-1',
  };
}

function setup(overrides: Partial<UserPoolProviderOptions> = {}) {
  const clock = { now: start };
  const keys = countingKeys(() => [poolKey.jwk]);
  const provider = createUserPoolProvider({
    userPoolId: poolId,
    issuer,
    defaultAction: 'ALLOW',
    keys,
    now: () => clock.now,
    ...overrides,
  });
  return { clock, keys, provider };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeDefined();
  expect(isGatehouseError(error) ? error.code : error).toBe(code);
}

describe('createUserPoolProvider', () => {
  it('accepts a valid access token and builds the AppSync user-pool identity', async () => {
    const { provider } = setup();
    const claims = accessClaims();
    const result = await provider.authenticate(request(await sign(claims)));
    expect(provider.mode).toBe('AMAZON_COGNITO_USER_POOLS');
    expect(provider.providerId).toBe(issuer);
    expect(result).toEqual({
      kind: 'authenticated',
      principal: { mode: 'AMAZON_COGNITO_USER_POOLS', providerId: issuer, groups: ['admin'] },
      identity: {
        sub: claims.sub,
        issuer,
        username: 'alice',
        claims,
        sourceIp: ['203.0.113.7'],
        defaultAuthStrategy: 'ALLOW',
        groups: ['admin'],
      },
    });
  });

  it('accepts an ID token, taking the username from "cognito:username" and null groups when absent', async () => {
    const { provider } = setup({ appIdClientRegex: clientId, defaultAction: 'DENY' });
    const result = await provider.authenticate(request(await sign(idClaims())));
    expect(result.identity).toMatchObject({ username: 'alice', groups: null, defaultAuthStrategy: 'DENY' });
    expect(result.principal).toEqual({ mode: 'AMAZON_COGNITO_USER_POOLS', providerId: issuer, groups: [] });
  });

  it('shares one frozen principal and claims per token, with sourceIp and time checks per request', async () => {
    const { clock, provider } = setup();
    const token = await sign(accessClaims({ exp: startSeconds + 120 }));
    const first = await provider.authenticate(request(token));
    const second = await provider.authenticate({ ...request(token), sourceIp: ['198.51.100.4'] });
    expect(second.principal).toBe(first.principal);
    expect(Object.isFrozen(first.principal)).toBe(true);
    const [firstIdentity, secondIdentity] = [first.identity, second.identity] as UserPoolIdentity[];
    expect(secondIdentity?.claims).toBe(firstIdentity?.claims);
    expect(() => (firstIdentity?.groups as string[]).push('root')).toThrow(TypeError);
    expect(firstIdentity?.sourceIp).toEqual(['203.0.113.7']);
    expect(secondIdentity?.sourceIp).toEqual(['198.51.100.4']);
    clock.now = (startSeconds + 120 + 60) * 1000;
    await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_EXPIRED');
  });

  it('refuses a token whose claims fail the mode checks on every request, not only the first', async () => {
    const { provider } = setup({ appIdClientRegex: 'other-client' });
    const token = await sign(accessClaims());
    for (let i = 0; i < 3; i += 1)
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_CLIENT_MISMATCH');
    const wrongUse = await sign(accessClaims({ token_use: 'refresh' }));
    for (let i = 0; i < 3; i += 1)
      await expectCode(setup().provider.authenticate(request(wrongUse)), 'ERR_AUTH_JWT_INVALID');
  });

  it('strips one leading "Bearer " in any case', async () => {
    const { provider } = setup();
    const token = await sign(accessClaims());
    for (const prefix of ['Bearer ', 'bearer ', 'BEARER ']) {
      await expect(provider.authenticate(request(prefix + token))).resolves.toMatchObject({
        kind: 'authenticated',
      });
    }
    await expectCode(provider.authenticate(request(`Bearer Bearer ${token}`)), 'ERR_AUTH_JWT_UNPARSEABLE');
  });

  it('refuses a request without an authorization header with E1', async () => {
    const { provider } = setup();
    await expectCode(provider.authenticate(request()), 'ERR_AUTH_NO_CREDENTIAL');
    await expectCode(provider.authenticate(request('')), 'ERR_AUTH_NO_CREDENTIAL');
  });

  describe('refuses forged and invalid tokens (§9.1)', () => {
    it('refuses an "alg: none" token with E3', async () => {
      const { provider, keys } = setup();
      const token = `${b64({ alg: 'none', kid: poolKey.jwk.kid })}.${b64(accessClaims())}.`;
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
      expect(keys.calls).toBe(0);
    });

    it("refuses an HS256 token keyed with the pool's RSA public key as the secret", async () => {
      const { provider } = setup();
      const secrets = [
        Buffer.from(await exportSPKI(poolKey.publicKey)),
        Buffer.from(JSON.stringify(poolKey.jwk)),
        Buffer.from(poolKey.jwk.n ?? '', 'base64url'),
      ];
      for (const secret of secrets) {
        const input = `${b64({ alg: 'HS256', kid: poolKey.jwk.kid })}.${b64(accessClaims())}`;
        const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
        await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
      }
    });

    it("refuses a token signed by another key under the pool key's kid", async () => {
      const { provider } = setup();
      const token = await sign(accessClaims(), { key: otherKey.privateKey });
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
    });

    it('refuses a tampered payload', async () => {
      const { provider } = setup();
      const [header, , signature] = (await sign(accessClaims())).split('.');
      const tampered = `${header}.${b64(accessClaims({ username: 'mallory' }))}.${signature}`;
      await expectCode(provider.authenticate(request(tampered)), 'ERR_AUTH_JWT_INVALID');
    });

    it('refuses a token whose "iss" names another pool id or a look-alike host', async () => {
      const { provider } = setup();
      for (const iss of [
        'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000',
        'https://cognito-idp.evil',
        `${issuer}/`,
        `https://cognito-idp.evil/${poolId}`,
        undefined,
      ]) {
        await expectCode(
          provider.authenticate(request(await sign(accessClaims({ iss })))),
          'ERR_AUTH_JWT_INVALID',
        );
      }
    });

    it("refuses a token of another pool signed with that pool's own key", async () => {
      const otherIssuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000';
      const { provider } = setup({ keys: countingKeys(() => [poolKey.jwk, otherKey.jwk]) });
      const token = await sign(accessClaims({ iss: otherIssuer }), {
        key: otherKey.privateKey,
        kid: otherKey.jwk.kid,
      });
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
    });

    it('refuses an expired token from exactly exp + tolerance with E4', async () => {
      const { provider, clock } = setup();
      const exp = startSeconds + 10;
      const token = await sign(accessClaims({ exp }));
      clock.now = (exp + 60) * 1000 - 1;
      await expect(provider.authenticate(request(token))).resolves.toMatchObject({ kind: 'authenticated' });
      clock.now = (exp + 60) * 1000;
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_EXPIRED');
    });

    it('honours a configured clock tolerance of zero', async () => {
      const { provider, clock } = setup({ clockToleranceSeconds: 0 });
      const token = await sign(accessClaims({ exp: startSeconds + 10 }));
      clock.now = (startSeconds + 10) * 1000;
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_EXPIRED');
    });

    it('refuses a future "nbf" beyond the tolerance with E3', async () => {
      const { provider } = setup();
      await expect(
        provider.authenticate(request(await sign(accessClaims({ nbf: startSeconds + 60 })))),
      ).resolves.toBeDefined();
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ nbf: startSeconds + 61 })))),
        'ERR_AUTH_JWT_INVALID',
      );
    });

    it('refuses an "iat" in the future beyond the tolerance, or a missing "iat", with E3', async () => {
      const { provider } = setup();
      await expect(
        provider.authenticate(request(await sign(accessClaims({ iat: startSeconds + 60 })))),
      ).resolves.toBeDefined();
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ iat: startSeconds + 61 })))),
        'ERR_AUTH_JWT_INVALID',
      );
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ iat: undefined })))),
        'ERR_AUTH_JWT_INVALID',
      );
    });

    it('refuses a token without "exp", or with a non-numeric one, with E3', async () => {
      const { provider } = setup();
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ exp: undefined })))),
        'ERR_AUTH_JWT_INVALID',
      );
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ exp: String(startSeconds + 3600) })))),
        'ERR_AUTH_JWT_INVALID',
      );
    });

    it('refuses a "token_use" other than "id" or "access" with E3', async () => {
      const { provider } = setup();
      for (const tokenUse of ['refresh', 'ID', undefined, 1]) {
        await expectCode(
          provider.authenticate(request(await sign(accessClaims({ token_use: tokenUse })))),
          'ERR_AUTH_JWT_INVALID',
        );
      }
    });

    it('refuses a client id that "appIdClientRegex" does not match entirely with E5', async () => {
      const { provider } = setup({ appIdClientRegex: '5tdcu4ip0bgk7l4ipk1gh0s4i[a-z]' });
      await expect(provider.authenticate(request(await sign(accessClaims())))).resolves.toBeDefined();
      await expect(provider.authenticate(request(await sign(idClaims())))).resolves.toBeDefined();
      const cases = [
        accessClaims({ client_id: 'someotherclient' }),
        accessClaims({ client_id: `x${clientId}` }),
        accessClaims({ client_id: `${clientId}x` }),
        accessClaims({ client_id: undefined, aud: clientId }),
        idClaims({ aud: 'someotherclient' }),
        idClaims({ aud: [clientId] }),
        idClaims({ aud: undefined, client_id: clientId }),
      ];
      for (const claims of cases) {
        await expectCode(provider.authenticate(request(await sign(claims))), 'ERR_AUTH_CLIENT_MISMATCH');
      }
    });

    it('anchors an alternation in "appIdClientRegex"', async () => {
      const { provider } = setup({ appIdClientRegex: 'abc|def' });
      await expect(
        provider.authenticate(request(await sign(accessClaims({ client_id: 'def' })))),
      ).resolves.toBeDefined();
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ client_id: 'abcx' })))),
        'ERR_AUTH_CLIENT_MISMATCH',
      );
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ client_id: 'xdef' })))),
        'ERR_AUTH_CLIENT_MISMATCH',
      );
    });

    it('refuses algorithms other than RS256, even when correctly signed', async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS384');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'rs384' } as PublicJWK;
      const { provider } = setup({ keys: countingKeys(() => [jwk]) });
      const token = await sign(accessClaims(), { key: privateKey, kid: 'rs384', alg: 'RS384' });
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
    });

    it('refuses a JWK whose "kty", "use" or "alg" does not fit the token', async () => {
      const token = await sign(accessClaims());
      const unfit: PublicJWK[] = [
        { ...poolKey.jwk, use: 'enc' },
        { ...poolKey.jwk, alg: 'RS512' },
        { kty: 'EC', kid: poolKey.jwk.kid, crv: 'P-256', x: 'AAAA', y: 'AAAA' },
        { kty: 'oct', kid: poolKey.jwk.kid },
      ];
      for (const jwk of unfit) {
        const { provider } = setup({ keys: countingKeys(() => [jwk]) });
        await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
      }
    });

    it('refuses malformed tokens with E2', async () => {
      const { provider } = setup();
      const valid = await sign(accessClaims());
      const [header, payload, signature] = valid.split('.') as [string, string, string];
      const malformed = [
        'not-a-jwt',
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/appsync/aws4_request',
        `${header}.${payload}`,
        `${valid}.${signature}`,
        `${b64('not json')}.${payload}.${signature}`,
        `${b64([1, 2])}.${payload}.${signature}`,
        `${header}.${b64('null')}.${signature}`,
        `${header}.${b64('"string"')}.${signature}`,
        `${b64({ kid: 'pool-key-1' })}.${payload}.${signature}`,
        `${b64({ alg: 7, kid: 'pool-key-1' })}.${payload}.${signature}`,
        `${header}.${payload}.${signature}!`,
        `${header}=.${payload}.${signature}`,
        `${header.slice(0, -1)}+.${payload}.${signature}`,
        `.${payload}.${signature}`,
        `${header}..${signature}`,
        ' ',
      ];
      for (const token of malformed)
        await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_UNPARSEABLE');
    });

    it('refuses a token whose header has no "kid" with E2', async () => {
      const { provider } = setup();
      await expectCode(
        provider.authenticate(request(await sign(accessClaims(), { kid: undefined }))),
        'ERR_AUTH_JWT_UNPARSEABLE',
      );
    });

    it('never lets forged "cognito:groups" reach an identity', async () => {
      const { provider } = setup();
      const forgedClaims = accessClaims({ 'cognito:groups': ['admin', 'superuser'] });
      const [realHeader, , realSignature] = (await sign(accessClaims({ 'cognito:groups': undefined }))).split(
        '.',
      );
      const forged = [
        `${b64({ alg: 'none', kid: poolKey.jwk.kid })}.${b64(forgedClaims)}.`,
        await sign(forgedClaims, { key: otherKey.privateKey }),
        `${realHeader}.${b64(forgedClaims)}.${realSignature}`,
      ];
      for (const token of forged) {
        const outcome = await provider.authenticate(request(token)).catch((error: unknown) => error);
        expect(isGatehouseError(outcome)).toBe(true);
      }
    });

    it('refuses a "cognito:groups" claim that is not a list of strings', async () => {
      const { provider } = setup();
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ 'cognito:groups': 'admin' })))),
        'ERR_AUTH_JWT_INVALID',
      );
      await expectCode(
        provider.authenticate(request(await sign(accessClaims({ 'cognito:groups': [1] })))),
        'ERR_AUTH_JWT_INVALID',
      );
    });
  });

  describe('keys', () => {
    function jwksFetch(keys: () => readonly PublicJWK[]) {
      const counter = { calls: 0 };
      const fetchImpl = (async () => {
        counter.calls += 1;
        return new Response(JSON.stringify({ keys: keys() }), { status: 200 });
      }) as typeof fetch;
      return { counter, fetchImpl };
    }

    it('refetches the JWKS exactly once for an unknown kid, then not again within 60 s', async () => {
      const clock = { now: start };
      const { counter, fetchImpl } = jwksFetch(() => [poolKey.jwk]);
      const keys = createRemoteJWKSource({
        jwksUri: `${issuer}/.well-known/jwks.json`,
        fetch: fetchImpl,
        now: () => clock.now,
      });
      const provider = createUserPoolProvider({
        userPoolId: poolId,
        issuer,
        defaultAction: 'ALLOW',
        keys,
        now: () => clock.now,
      });
      const unknown = await sign(accessClaims(), { key: otherKey.privateKey, kid: 'unknown-kid' });

      await expectCode(provider.authenticate(request(unknown)), 'ERR_AUTH_JWT_INVALID');
      expect(counter.calls).toBe(2);
      clock.now += 59_999;
      await expectCode(provider.authenticate(request(unknown)), 'ERR_AUTH_JWT_INVALID');
      await expectCode(provider.authenticate(request(unknown)), 'ERR_AUTH_JWT_INVALID');
      expect(counter.calls).toBe(2);
      clock.now += 1;
      await expectCode(provider.authenticate(request(unknown)), 'ERR_AUTH_JWT_INVALID');
      expect(counter.calls).toBe(3);
      await expect(provider.authenticate(request(await sign(accessClaims())))).resolves.toBeDefined();
      expect(counter.calls).toBe(3);
    });

    it('refuses with E3 and logs without the token when no keys are obtainable', async () => {
      const logged: unknown[] = [];
      const logger: Logger = {
        info: (...entry) => logged.push(entry),
        warn: (...entry) => logged.push(entry),
        error: (...entry) => logged.push(entry),
      };
      const fetchImpl = (async () => new Response('oops', { status: 503 })) as typeof fetch;
      const keys = createRemoteJWKSource({
        jwksUri: `${issuer}/.well-known/jwks.json`,
        fetch: fetchImpl,
        now: () => start,
        logger,
      });
      const provider = createUserPoolProvider({
        userPoolId: poolId,
        issuer,
        defaultAction: 'ALLOW',
        keys,
        now: () => start,
        logger,
      });
      const token = await sign(accessClaims());
      await expectCode(provider.authenticate(request(token)), 'ERR_AUTH_JWT_INVALID');
      expect(logged.length).toBeGreaterThan(0);
      const text = JSON.stringify(logged);
      for (const part of token.split('.')) expect(text).not.toContain(part);
    });

    it('refuses with E3 when the key source throws', async () => {
      const { provider } = setup({
        keys: {
          getKeys: () => Promise.reject(new Error('down')),
        },
      });
      await expectCode(provider.authenticate(request(await sign(accessClaims()))), 'ERR_AUTH_JWT_INVALID');
    });
  });

  it('never puts the token into an error message', async () => {
    const { provider, clock } = setup({ appIdClientRegex: 'nomatch' });
    const token = await sign(accessClaims());
    const tokens = [token, `${token}x`, token.split('.').slice(0, 2).join('.')];
    clock.now = start;
    for (const candidate of tokens) {
      const error = await provider.authenticate(request(candidate)).catch((caught: unknown) => caught);
      expect(isGatehouseError(error)).toBe(true);
      for (const part of candidate.split('.')) expect((error as Error).message).not.toContain(part);
    }
  });

  it('turns any string credential into a GatehouseError with a code from E1 to E5, never another exception', async () => {
    const { provider } = setup({ appIdClientRegex: clientId });
    const valid = await sign(accessClaims());
    const [header] = valid.split('.') as [string];
    const segment = fc.oneof(
      fc.string(),
      fc.base64String().map((value) => value.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
      fc.json().map((json) => Buffer.from(json).toString('base64url')),
      fc.constant(header),
      fc
        .dictionary(fc.string(), fc.jsonValue())
        .map((claims) => Buffer.from(JSON.stringify({ ...claims, iss: issuer })).toString('base64url')),
    );
    const token = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
      fc.tuple(fc.constantFrom('Bearer ', 'bearer ', ''), segment).map(([prefix, rest]) => prefix + rest),
    );
    const allowed = new Set<ErrorCode>([
      'ERR_AUTH_NO_CREDENTIAL',
      'ERR_AUTH_JWT_UNPARSEABLE',
      'ERR_AUTH_JWT_INVALID',
      'ERR_AUTH_JWT_EXPIRED',
      'ERR_AUTH_CLIENT_MISMATCH',
    ]);
    await fc.assert(
      fc.asyncProperty(token, async (candidate) => {
        const error = await provider.authenticate(request(candidate)).then(
          () => new Error('accepted'),
          (caught: unknown) => caught,
        );
        return isGatehouseError(error) && allowed.has(error.code);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses invalid options with errors naming the option', () => {
    const keys = countingKeys(() => []);
    const base = { userPoolId: poolId, issuer, defaultAction: 'ALLOW' as const, keys, now: () => start };
    expect(() => createUserPoolProvider({ ...base, appIdClientRegex: '(' })).toThrow(/"appIdClientRegex"/);
    expect(() => createUserPoolProvider({ ...base, clockToleranceSeconds: 301 })).toThrow(RangeError);
    expect(() => createUserPoolProvider({ ...base, userPoolId: '' })).toThrow(/"userPoolId"/);
    expect(() => createUserPoolProvider({ ...base, defaultAction: 'MAYBE' as 'ALLOW' })).toThrow(
      /"defaultAction"/,
    );
  });
});
