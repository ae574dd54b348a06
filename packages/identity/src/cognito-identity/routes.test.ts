import { describe, expect, it } from 'vitest';
import { createIdentityPool, type IdentityPoolOptions } from '../identity-pool.js';
import type { IdentityResponse } from '../http-routes.js';
import { createTestUserPool, strongPassword } from '../test-support/fixtures.js';
import { createCognitoIdentityRoutes, type CognitoIdentityRoutesOptions } from './routes.js';
import { maxRequestBodyBytes } from './wire.js';

const identityPoolId = 'us-east-1:0f9e8d7c-6b5a-4321-8fed-cba987654321';
const issuerProvider = '127.0.0.1:4000/us-east-1_Gatehouse1';
const cognitoProvider = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Gatehouse1';

async function setup(
  overrides: Partial<IdentityPoolOptions> = {},
  routeOptions: CognitoIdentityRoutesOptions = {},
) {
  const { pool: userPool, store, installKey, clock } = await createTestUserPool();
  const identityPool = await createIdentityPool({
    store,
    installKey,
    identityPoolId,
    region: 'us-east-1',
    accountId: '123456789012',
    userPool,
    now: clock.now,
    ...overrides,
  });
  await userPool.createUser('alice', { password: strongPassword });
  const routes = createCognitoIdentityRoutes({ identityPool }, routeOptions);
  const route = routes[0];
  if (!route) throw new Error('no route');
  let n = 0;
  const call = async (
    target: string | undefined,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<IdentityResponse & { json: Record<string, unknown> }> => {
    const bytes =
      body instanceof Uint8Array
        ? body
        : new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body));
    const response = await route.handle({
      method: 'POST',
      path: '/cognito-identity',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        ...(target === undefined ? {} : { 'x-amz-target': target }),
        ...headers,
      },
      body: bytes,
      // An X-Forwarded-For entry first, then the TCP peer.
      sourceIp: ['203.0.113.9', '127.0.0.1'],
      requestId: `req-${(n += 1)}`,
    });
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  const idToken = async () => (await userPool.issueTokens('alice')).idToken;
  return { routes, call, idToken, clock, userPool, identityPool };
}

const getId = 'AWSCognitoIdentityService.GetId';
const getCredentials = 'AWSCognitoIdentityService.GetCredentialsForIdentity';

function expectWireError(
  response: IdentityResponse & { json: Record<string, unknown> },
  type: string,
  message?: string,
) {
  expect(response.status).toBe(type === 'InternalErrorException' ? 500 : 400);
  expect(response.headers['x-amzn-errortype']).toBe(`${type}:`);
  expect(response.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(response.json['__type']).toBe(type);
  expect(typeof response.json['message']).toBe('string');
  expect(response.headers['x-amzn-errormessage']).toBe(response.json['message']);
  if (message !== undefined) expect(response.json['message']).toBe(message);
}

describe('POST /cognito-identity', () => {
  it('is one POST route at /cognito-identity', async () => {
    const { routes } = await setup();
    expect(routes.map((route) => [route.method, route.path])).toEqual([['POST', '/cognito-identity']]);
  });

  it('gives a guest identity and credentials whose Expiration is in epoch seconds', async () => {
    const { call, clock } = await setup();
    const id = await call(getId, { IdentityPoolId: identityPoolId, Logins: {} });
    expect(id.status).toBe(200);
    expect(id.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(id.headers['x-amzn-requestid']).toBe('req-1');
    expect(id.json).toEqual({ IdentityId: expect.stringMatching(/^us-east-1:[0-9a-f-]{36}$/) as unknown });

    const credentials = await call(getCredentials, { IdentityId: id.json['IdentityId'] });
    expect(credentials.status).toBe(200);
    expect(credentials.json).toEqual({
      IdentityId: id.json['IdentityId'],
      Credentials: {
        AccessKeyId: expect.stringMatching(/^ASIA[A-Z0-9]{16}$/) as unknown,
        SecretKey: expect.stringMatching(/^.{40}$/) as unknown,
        SessionToken: expect.any(String) as unknown,
        Expiration: clock.seconds() + 3600,
      },
    });
  });

  it('gives a signed-in user one identity under either provider name, with credentials', async () => {
    const { call, idToken } = await setup();
    const token = await idToken();
    const first = await call(getId, { IdentityPoolId: identityPoolId, Logins: { [issuerProvider]: token } });
    const second = await call(getId, {
      IdentityPoolId: identityPoolId,
      Logins: { [cognitoProvider]: token },
    });
    expect(first.status).toBe(200);
    expect(second.json['IdentityId']).toBe(first.json['IdentityId']);
    const credentials = await call(getCredentials, {
      IdentityId: first.json['IdentityId'],
      Logins: { [issuerProvider]: token },
    });
    expect(credentials.status).toBe(200);
    expect(credentials.json['IdentityId']).toBe(first.json['IdentityId']);
  });

  it('refuses credentials for an authenticated identity without its login', async () => {
    const { call, idToken } = await setup();
    const id = await call(getId, {
      IdentityPoolId: identityPoolId,
      Logins: { [issuerProvider]: await idToken() },
    });
    expectWireError(
      await call(getCredentials, { IdentityId: id.json['IdentityId'] }),
      'NotAuthorizedException',
      "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    );
  });

  it('refuses an expired ID token', async () => {
    const { call, idToken, clock } = await setup();
    const token = await idToken();
    clock.advanceSeconds(3601);
    expectWireError(
      await call(getId, { IdentityPoolId: identityPoolId, Logins: { [issuerProvider]: token } }),
      'NotAuthorizedException',
      'Invalid login token. Token expired.',
    );
  });

  it('refuses guests when unauthenticated identities are off', async () => {
    const { call } = await setup({ allowUnauthenticated: false });
    expectWireError(
      await call(getId, { IdentityPoolId: identityPoolId }),
      'NotAuthorizedException',
      'Unauthenticated access is not supported for this identity pool.',
    );
  });

  it('answers another IdentityPoolId with ResourceNotFoundException', async () => {
    const { call } = await setup();
    const other = 'us-east-1:00000000-0000-4000-8000-000000000000';
    expectWireError(
      await call(getId, { IdentityPoolId: other }),
      'ResourceNotFoundException',
      `IdentityPool '${other}' not found.`,
    );
  });

  it('answers an unknown identity with ResourceNotFoundException', async () => {
    const { call } = await setup();
    expectWireError(
      await call(getCredentials, { IdentityId: 'us-east-1:00000000-0000-4000-8000-000000000000' }),
      'ResourceNotFoundException',
    );
  });

  it('refuses an unsupported provider', async () => {
    const { call, idToken } = await setup();
    expectWireError(
      await call(getId, {
        IdentityPoolId: identityPoolId,
        Logins: { 'accounts.google.com': await idToken() },
      }),
      'NotAuthorizedException',
      'Token is not from a supported provider of this identity pool.',
    );
  });

  it('refuses missing and malformed members with InvalidParameterException', async () => {
    const { call } = await setup();
    expectWireError(await call(getId, {}), 'InvalidParameterException');
    expectWireError(await call(getId, { IdentityPoolId: 'not an id' }), 'InvalidParameterException');
    expectWireError(
      await call(getId, { IdentityPoolId: identityPoolId, Logins: ['x'] }),
      'InvalidParameterException',
    );
    expectWireError(
      await call(getId, { IdentityPoolId: identityPoolId, Logins: { [issuerProvider]: 7 } }),
      'InvalidParameterException',
    );
    expectWireError(await call(getCredentials, { IdentityId: 42 }), 'InvalidParameterException');
    const id = await call(getId, { IdentityPoolId: identityPoolId });
    expectWireError(
      await call(getCredentials, { IdentityId: id.json['IdentityId'], CustomRoleArn: 'short' }),
      'InvalidParameterException',
    );
  });

  it('refuses a custom role that is not the identity’s role', async () => {
    const { call } = await setup();
    const id = await call(getId, { IdentityPoolId: identityPoolId });
    expectWireError(
      await call(getCredentials, {
        IdentityId: id.json['IdentityId'],
        CustomRoleArn: 'arn:aws:iam::123456789012:role/admin',
      }),
      'InvalidParameterException',
      'CustomRoleArn is not a role of this identity pool.',
    );
  });

  it('answers an unknown or missing target with UnknownOperationException', async () => {
    const { call } = await setup();
    expectWireError(
      await call('AWSCognitoIdentityService.Frobnicate', {}),
      'UnknownOperationException',
      'The operation in "X-Amz-Target" is not known.',
    );
    expectWireError(
      await call('AWSCognitoIdentityProviderService.InitiateAuth', {}),
      'UnknownOperationException',
    );
    expectWireError(await call(undefined, {}), 'UnknownOperationException');
  });

  it('answers other identity pool operations with UnsupportedOperationException', async () => {
    const { call } = await setup();
    expectWireError(
      await call('AWSCognitoIdentityService.ListIdentityPools', { MaxResults: 1 }),
      'UnsupportedOperationException',
      'Gatehouse does not support the operation "ListIdentityPools".',
    );
  });

  it('refuses bodies that are not JSON objects, too large, or of a CORS-simple type', async () => {
    const { call } = await setup();
    expectWireError(await call(getId, new TextEncoder().encode('{')), 'SerializationException');
    expectWireError(await call(getId, []), 'SerializationException');
    expectWireError(await call(getId, new Uint8Array(maxRequestBodyBytes + 1)), 'SerializationException');
    expectWireError(
      await call(getId, { IdentityPoolId: identityPoolId }, { 'content-type': 'text/plain' }),
      'SerializationException',
    );
  });

  it('lets allowed browser origins read responses and error headers', async () => {
    const { call } = await setup();
    const allowed = await call(
      getId,
      { IdentityPoolId: identityPoolId },
      { origin: 'http://localhost:5173' },
    );
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(allowed.headers['access-control-expose-headers']).toBe(
      'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
    );
    const other = await call(getId, { IdentityPoolId: identityPoolId }, { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps client input that is not printable ASCII out of the error message header', async () => {
    const { call } = await setup();
    const response = await call(getId, { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-00000000000a' });
    expect(response.headers['x-amzn-errormessage']).toMatch(/^[\x20-\x7e]*$/);
  });

  it('limits GetId per TCP peer address when given a rate limiter', async () => {
    const keys: string[] = [];
    let allowed = 1;
    const { call } = await setup(
      {},
      {
        rateLimiter: {
          take: async (key) => {
            keys.push(key);
            allowed -= 1;
            return allowed >= 0;
          },
        },
      },
    );
    expect((await call(getId, { IdentityPoolId: identityPoolId })).status).toBe(200);
    expectWireError(
      await call(getId, { IdentityPoolId: identityPoolId }),
      'TooManyRequestsException',
      'Rate exceeded',
    );
    expect(keys).toEqual([`${identityPoolId}\n127.0.0.1`, `${identityPoolId}\n127.0.0.1`]);
  });

  it('reports an unexpected failure as InternalErrorException without details', async () => {
    const seen: unknown[] = [];
    const broken = createCognitoIdentityRoutes(
      {
        identityPool: {
          getId: () => Promise.reject(new Error('database is on fire')),
        } as unknown as Parameters<typeof createCognitoIdentityRoutes>[0]['identityPool'],
      },
      { onInternalError: (error) => seen.push(error) },
    )[0];
    const response = await broken!.handle({
      method: 'POST',
      path: '/cognito-identity',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': getId },
      body: new TextEncoder().encode(JSON.stringify({ IdentityPoolId: identityPoolId })),
      sourceIp: ['127.0.0.1'],
      requestId: 'r',
    });
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      __type: 'InternalErrorException',
      message: 'An internal error occurred.',
    });
    expect(seen).toHaveLength(1);
  });
});
