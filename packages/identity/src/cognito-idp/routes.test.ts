import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@gatehouse/core';
import { createRequestHandler } from '@gatehouse/server';
import { openIdentity } from '../bootstrap.js';
import { createIdentityRoutes } from '../http-routes.js';
import { parseIdentityConfig } from '../identity-config.js';
import { createTestClock, createTestStore, reusedRSAKeyPairs } from '../test-support/fixtures.js';

async function handler(extra: { rateLimit?: { capacity: number; refillPerSecond: number } } = {}) {
  const identity = await openIdentity({
    ...extra,
    store: createTestStore(),
    dataDir: await mkdtemp(join(tmpdir(), 'gatehouse-cognito-idp-')),
    region: 'us-east-1',
    accountId: '123456789012',
    issuerBaseUrl: 'http://127.0.0.1:4000',
    now: createTestClock().now,
    unsafeFastHashingForTests: true,
    generateRSAKeyPair: reusedRSAKeyPairs,
    config: parseIdentityConfig({ allowedOrigins: ['https://app.example.com'] }),
  });
  const handle = createRequestHandler({
    graphql: () => Promise.reject(new Error('not used')),
    routes: createIdentityRoutes(identity),
    logger: silentLogger,
  });
  const post = (path: string, target: string, body: unknown) =>
    handle({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      body: new TextEncoder().encode(JSON.stringify(body)),
      sourceIp: ['127.0.0.1'],
    });
  return { identity, handle, post };
}

describe('Cognito mounts', () => {
  it('serves the user pool at /cognito-idp and at / by X-Amz-Target', async () => {
    const { identity, post } = await handler();
    const body = { ClientId: identity.settings.userPoolClientId, Username: 'nobody' };
    for (const path of ['/cognito-idp', '/']) {
      const response = await post(path, 'AWSCognitoIdentityProviderService.ForgotPassword', body);
      expect(response.status).toBe(200);
      expect(JSON.parse(String(response.body))).toHaveProperty('CodeDeliveryDetails');
    }
    const identityPool = await post('/', 'AWSCognitoIdentityService.GetId', {
      IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
    });
    expect(JSON.parse(String(identityPool.body))).toMatchObject({ __type: 'ResourceNotFoundException' });
  });

  it('answers preflight on every mount with the configured origins and Cognito’s exposed headers', async () => {
    const { handle } = await handler();
    for (const path of ['/cognito-idp', '/cognito-identity', '/']) {
      const response = await handle({
        method: 'OPTIONS',
        path,
        headers: { origin: 'https://app.example.com', 'access-control-request-headers': 'x-amz-target' },
        body: new Uint8Array(),
        sourceIp: ['127.0.0.1'],
      });
      expect(response.status).toBe(204);
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-expose-headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
      });
    }
    const refused = await handle({
      method: 'OPTIONS',
      path: '/cognito-idp',
      headers: { origin: 'http://localhost:3000' },
      body: new Uint8Array(),
      sourceIp: ['127.0.0.1'],
    });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('parseIdentityConfig', () => {
  it('names the bad field', () => {
    expect(() => parseIdentityConfig({ passwordPolicy: { minimumLength: 3 } })).toThrow(
      '"identity.passwordPolicy.minimumLength" must be an integer from 6 to 99.',
    );
    expect(() => parseIdentityConfig({ tokenLifetimes: { accessTokenSeconds: 10 } })).toThrow(
      '"identity.tokenLifetimes.accessTokenSeconds" must be an integer from 300 to 86400.',
    );
    expect(() => parseIdentityConfig({ shoe: 1 })).toThrow('"identity.shoe" is not a known field');
    expect(() => parseIdentityConfig({ preventUserExistenceErrors: 'OFF' })).toThrow(
      '"identity.preventUserExistenceErrors" must be "ENABLED" or "LEGACY".',
    );
    expect(() => parseIdentityConfig({ allowedOrigins: ['ftp://x'] })).toThrow(
      '"identity.allowedOrigins[0]"',
    );
    expect(parseIdentityConfig(undefined)).toEqual({});
  });
});

describe('Cognito mounts: the per-address limit', () => {
  it("limits guest GetId on both identity-pool mounts with the user pool's limiter", async () => {
    const { identity, post } = await handler({ rateLimit: { capacity: 2, refillPerSecond: 0.001 } });
    const body = { IdentityPoolId: identity.settings.identityPoolId };
    const answers = [];
    for (const path of ['/cognito-identity', '/', '/cognito-identity']) {
      const response = await post(path, 'AWSCognitoIdentityService.GetId', body);
      answers.push(
        response.status === 200 ? 'ok' : (JSON.parse(String(response.body)) as { __type: string }).__type,
      );
    }
    expect(answers).toEqual(['ok', 'ok', 'TooManyRequestsException']);
  });
});
