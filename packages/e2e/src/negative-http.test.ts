/**
 * Every credential failure over real HTTP against one in-process dev server: the exact §7 status,
 * `x-amzn-ErrorType` and body (appsync-auth.md §7, §9), no resolver run (the probe API's only
 * mutation writes a row; its count never moves), and the server answering a valid request after.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CLICredentials } from './support/amplify.js';
import { adminCLI, type AdminCLI } from './support/cli.js';
import { writeConfig, writeProbeAPI } from './support/configs.js';
import {
  E1,
  E11,
  E12Expired,
  E12Invalid,
  E13,
  E14,
  E15,
  E16,
  E2,
  E3,
  E4,
  E5,
  E6,
  E8,
  badRequest,
  expectRequestError,
  post,
  type ErrorRow,
  type HTTPResult,
} from './support/http.js';
import { startInProcess, type InProcessServer } from './support/in-process.js';
import {
  decodeJWT,
  encodeSegment,
  generateRSAKey,
  jwkToPEM,
  signHS256,
  signRS256,
  startJWKSServer,
  unsignedJWT,
  type Claims,
  type JWKSServer,
  type RSAKey,
} from './support/jwt.js';
import { signGraphQLRequest } from './support/sigv4.js';
import { createTempDir, type TempDir } from './support/temp-dir.js';

const touch = { query: 'mutation Touch { touch }' };
const touchText = JSON.stringify(touch);
const restrictedKey = {
  accessKeyId: 'AKIAE2ERESTRICTED001',
  secretAccessKey: 'e2eRestrictedSecretKey0000000000000000000',
};
const poolBClient = 'client-b';

let dir: TempDir;
let jwks: JWKSServer;
let poolBKey: RSAKey;
let poolBIssuer: string;
let gatehouse: InProcessServer;
let cli: AdminCLI;
let url: string;
let apiKey: string;
let carol: { idToken: string; accessToken: string };
let guest: CLICredentials;
let shortLived: CLICredentials;
/** Started first, so the 10 s authorizer timeout overlaps the other tests. */
let slowAuthorizer: Promise<HTTPResult>;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Valid pool-B claims (ID token unless overridden). */
function poolBClaims(overrides: Claims = {}): Claims {
  const now = nowSeconds();
  return {
    sub: 'b-user-1',
    iss: poolBIssuer,
    aud: poolBClient,
    token_use: 'id',
    'cognito:username': 'b-user',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

function poolBToken(overrides: Claims = {}, header: Claims = { kid: poolBKey.kid }): string {
  return signRS256(header, poolBClaims(overrides), poolBKey.privateKey);
}

async function touches(): Promise<number> {
  const result = await post(url, { query: '{ touches }' }, { 'x-api-key': apiKey });
  expect(result.status, result.text).toBe(200);
  return (result.json as { data: { touches: number } }).data.touches;
}

/**
 * Asserts the §7 row, that the probe mutation wrote nothing, and that the server still serves.
 * The only row ever written is the positive control's, in beforeAll.
 */
async function expectRefused(result: HTTPResult, row: ErrorRow): Promise<void> {
  expectRequestError(result, row);
  expect(await touches()).toBe(1);
}

async function invocations(): Promise<string[]> {
  const text = await readFile(join(dir.path, 'invocations.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

async function signedTouch(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  options: Parameters<typeof signGraphQLRequest>[3] = {},
  body = touchText,
): Promise<Record<string, string>> {
  return signGraphQLRequest(url, body, credentials, options);
}

beforeAll(async () => {
  dir = await createTempDir();
  jwks = await startJWKSServer();
  poolBKey = generateRSAKey('pool-b-key-1');
  poolBIssuer = jwks.addIssuer('/us-east-1_PoolB0001', [poolBKey]);
  const probe = await writeProbeAPI(dir);
  const configPath = await writeConfig(dir, {
    name: 'probe',
    schema: probe.schema,
    resolvers: probe.resolvers,
    tables: { Touches: { partitionKey: 'id' } },
    apiId: 'e2eprobe',
    authenticationType: 'AMAZON_COGNITO_USER_POOLS',
    userPoolConfig: { userPoolId: 'local', defaultAction: 'ALLOW' },
    additionalAuthenticationProviders: [
      { authenticationType: 'API_KEY' },
      { authenticationType: 'AWS_IAM' },
      { authenticationType: 'OPENID_CONNECT', openIDConnectConfig: { issuer: 'local' } },
      {
        authenticationType: 'AMAZON_COGNITO_USER_POOLS',
        userPoolConfig: {
          userPoolId: 'us-east-1_PoolB0001',
          awsRegion: 'us-east-1',
          issuer: poolBIssuer,
          appIdClientRegex: poolBClient,
        },
      },
      {
        authenticationType: 'AWS_LAMBDA',
        lambdaAuthorizerConfig: {
          authorizerUri: probe.authorizer,
          authorizerResultTtlInSeconds: 0,
          identityValidationExpression: 'custom-[a-z-]+',
        },
      },
    ],
    iam: {
      accessKeys: [
        {
          ...restrictedKey,
          userArn: 'arn:aws:iam::123456789012:user/e2e-reader',
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'appsync:GraphQL',
                Resource: 'arn:aws:appsync:us-east-1:123456789012:apis/e2eprobe/types/Query/fields/*',
              },
            ],
          },
        },
      ],
    },
  });
  gatehouse = await startInProcess({ configPath });
  url = gatehouse.graphqlUrl;
  slowAuthorizer = post(url, touch, { authorization: 'custom-slow' });
  cli = adminCLI(gatehouse.dataDir);
  await cli.json('users', 'create', 'carol', '--password', 'Passw0rd!');
  let key: { id: string };
  [carol, guest, shortLived, key] = await Promise.all([
    cli.json<{ idToken: string; accessToken: string }>('token', 'carol'),
    cli.json<CLICredentials>('credentials', '--guest'),
    cli.json<CLICredentials>('credentials', '--guest', '--expires-in', '1'),
    cli.json<{ id: string }>('api-keys', 'create'),
  ]);
  apiKey = key.id;
  // The positive control: a valid caller's touch runs the resolver and writes the only row.
  const control = await post(url, touch, { authorization: carol.accessToken });
  expect(control.json).toEqual({ data: { touch: 1 } });
}, 60_000);

afterAll(async () => {
  await slowAuthorizer?.catch(() => undefined);
  await gatehouse?.close();
  await jwks?.close();
  await dir?.remove();
});

describe('JWT credentials', () => {
  it('accepts valid tokens of both user pools, the positive controls', async () => {
    const echo = { query: '{ echo }' };
    for (const token of [carol.accessToken, carol.idToken, poolBToken(), `Bearer ${carol.accessToken}`]) {
      const result = await post(url, echo, { authorization: token });
      expect(result.json, result.text).toEqual({ data: { echo: 'echo' } });
    }
    expect(jwks.fetches.get('/us-east-1_PoolB0001')).toBe(1);
  });

  it('refuses "alg: none" with the claims of a real token', async () => {
    const { header, payload } = decodeJWT(carol.accessToken);
    await expectRefused(await post(url, touch, { authorization: unsignedJWT(header, payload) }), E3);
  });

  it('refuses HS256 signed with the pool public key from its JWKS', async () => {
    const { header, payload } = decodeJWT(carol.accessToken);
    const poolId = gatehouse.server.identity.settings.userPoolId;
    const jwksResult = await fetch(`${gatehouse.baseUrl}/${poolId}/.well-known/jwks.json`);
    const { keys } = (await jwksResult.json()) as { keys: Record<string, unknown>[] };
    const jwk = keys.find((candidate) => candidate['kid'] === header['kid']);
    expect(jwk).toBeDefined();
    const forged = signHS256(header, payload, jwkToPEM(jwk as Record<string, unknown>));
    await expectRefused(await post(url, touch, { authorization: forged }), E3);
  });

  it('refuses a token signed with an unknown kid', async () => {
    const { payload } = decodeJWT(carol.accessToken);
    const stranger = generateRSAKey('not-a-pool-key');
    const forged = signRS256({ kid: stranger.kid }, payload, stranger.privateKey);
    await expectRefused(await post(url, touch, { authorization: forged }), E3);
  });

  it('refetches a pool JWKS at most once for a burst of unknown kids', async () => {
    const before = jwks.fetches.get('/us-east-1_PoolB0001') ?? 0;
    const stranger = generateRSAKey('rotated-away');
    for (let attempt = 0; attempt < 3; attempt++) {
      const forged = signRS256({ kid: `${stranger.kid}-${attempt}` }, poolBClaims(), stranger.privateKey);
      await expectRefused(await post(url, touch, { authorization: forged }), E3);
    }
    expect((jwks.fetches.get('/us-east-1_PoolB0001') ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it('refuses a real token whose payload was edited to add the admin group', async () => {
    const [header, , signature] = carol.accessToken.split('.');
    const { payload } = decodeJWT(carol.accessToken);
    const forged = `${header}.${encodeSegment({ ...payload, 'cognito:groups': ['admin'] })}.${signature}`;
    await expectRefused(await post(url, touch, { authorization: forged }), E3);
  });

  it('refuses an expired token with E4, also past the 60 s tolerance only', async () => {
    const now = nowSeconds();
    const withinTolerance = await post(
      url,
      { query: '{ echo }' },
      {
        authorization: poolBToken({ iat: now - 3600, exp: now - 30 }),
      },
    );
    expect(withinTolerance.status, withinTolerance.text).toBe(200);
    await expectRefused(
      await post(url, touch, { authorization: poolBToken({ iat: now - 3600, exp: now - 61 }) }),
      E4,
    );
  });

  it('refuses a token of the local pool once the server clock passes its expiry', async () => {
    gatehouse.clock.offsetMs = 3600_000 + 61_000;
    try {
      await expectRefused(await post(url, touch, { authorization: carol.accessToken }), E4);
    } finally {
      gatehouse.clock.reset();
    }
  });

  it('refuses a token that is not yet valid (nbf) or issued in the future (iat)', async () => {
    const now = nowSeconds();
    await expectRefused(await post(url, touch, { authorization: poolBToken({ nbf: now + 600 }) }), E3);
    await expectRefused(await post(url, touch, { authorization: poolBToken({ iat: now + 600 }) }), E3);
  });

  it('refuses a token without exp', async () => {
    await expectRefused(await post(url, touch, { authorization: poolBToken({ exp: undefined }) }), E3);
  });

  it('refuses a wrong token_use', async () => {
    await expectRefused(await post(url, touch, { authorization: poolBToken({ token_use: 'refresh' }) }), E3);
  });

  it('refuses a client id that appIdClientRegex does not match entirely, with E5', async () => {
    await expectRefused(await post(url, touch, { authorization: poolBToken({ aud: 'client-c' }) }), E5);
    const access = poolBToken({ aud: undefined, token_use: 'access', client_id: `${poolBClient}-2` });
    await expectRefused(await post(url, touch, { authorization: access }), E5);
  });

  it('refuses a JWT header without kid as unparseable (E2)', async () => {
    await expectRefused(await post(url, touch, { authorization: poolBToken({}, {}) }), E2);
  });

  it('refuses a token of another pool signed with that pool key under our issuer', async () => {
    const { payload } = decodeJWT(carol.accessToken);
    const forged = signRS256({ kid: poolBKey.kid }, payload, poolBKey.privateKey);
    await expectRefused(await post(url, touch, { authorization: forged }), E3);
  });

  it('sends JWTs of unknown issuers (wrong iss) to the Lambda authorizer, whose pre-check refuses them uninvoked', async () => {
    const before = await invocations();
    const trailingSlash = poolBToken({ iss: `${poolBIssuer}/` });
    const otherPool = poolBToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_NotOurs0' });
    await expectRefused(await post(url, touch, { authorization: trailingSlash }), E14);
    await expectRefused(await post(url, touch, { authorization: otherPool }), E14);
    expect(await invocations()).toEqual(before);
  });
});

describe('SigV4 credentials', () => {
  it('accepts a request signed with guest credentials, the positive control', async () => {
    const body = JSON.stringify({ query: '{ echo }' });
    const headers = await signGraphQLRequest(url, body, guest);
    const result = await post(url, body, headers);
    expect(result.json, result.text).toEqual({ data: { echo: 'echo' } });
  });

  it('refuses a tampered body with E8', async () => {
    const headers = await signedTouch(guest);
    await expectRefused(await post(url, touchText.replace('Touch', 'Tauch'), headers), E8);
  });

  it('refuses a tampered signed header with E8', async () => {
    const headers = await signedTouch(guest, { headers: { 'x-amz-user-agent': 'aws-amplify/6.22.1 api/1' } });
    headers['x-amz-user-agent'] = 'aws-amplify/6.22.1 api/2';
    await expectRefused(await post(url, touchText, headers), E8);
  });

  it('refuses an X-Amz-Date more than 15 minutes off with E9', async () => {
    const past = await signedTouch(guest, { signingDate: new Date(Date.now() - 16 * 60_000) });
    await expectRefused(await post(url, touchText, past), {
      status: 403,
      errorType: 'InvalidSignatureException',
      message:
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    });
    const future = await signedTouch(guest, { signingDate: new Date(Date.now() + 16 * 60_000) });
    await expectRefused(await post(url, touchText, future), {
      status: 403,
      errorType: 'InvalidSignatureException',
      message:
        /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/,
    });
  });

  it('refuses a credential scoped to another region or service with E10', async () => {
    await expectRefused(await post(url, touchText, await signedTouch(guest, { region: 'us-west-2' })), {
      status: 403,
      errorType: 'InvalidSignatureException',
      message: 'Credential should be scoped to a valid region.',
    });
    await expectRefused(await post(url, touchText, await signedTouch(guest, { service: 'execute-api' })), {
      status: 403,
      errorType: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'appsync'.",
    });
  });

  it('refuses an unknown access key id with E11', async () => {
    const unknown = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: restrictedKey.secretAccessKey };
    await expectRefused(await post(url, touchText, await signedTouch(unknown)), E11);
  });

  it('refuses temporary credentials without their session token, or with it unsigned (E12)', async () => {
    const withoutToken = { accessKeyId: guest.accessKeyId, secretAccessKey: guest.secretAccessKey };
    await expectRefused(await post(url, touchText, await signedTouch(withoutToken)), E12Invalid);
    const unsigned = await signedTouch(withoutToken);
    unsigned['x-amz-security-token'] = guest.sessionToken;
    await expectRefused(await post(url, touchText, unsigned), E12Invalid);
    const wrong = await signedTouch({ ...guest, sessionToken: shortLived.sessionToken });
    await expectRefused(await post(url, touchText, wrong), E12Invalid);
  });

  it('refuses a session token sent with a long-term access key (E12)', async () => {
    const withToken = { ...restrictedKey, sessionToken: guest.sessionToken };
    const body = JSON.stringify({ query: '{ echo }' });
    const result = await post(url, body, await signGraphQLRequest(url, body, withToken));
    await expectRefused(result, E12Invalid);
  });

  it('refuses expired temporary credentials with ExpiredTokenException', async () => {
    const wait = Date.parse(shortLived.expiration) + 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    await expectRefused(await post(url, touchText, await signedTouch(shortLived)), E12Expired);
  });

  it('refuses a root field the access key policy does not allow with E13, and allows one it does', async () => {
    await expectRefused(await post(url, touchText, await signedTouch(restrictedKey)), E13);
    const body = JSON.stringify({ query: '{ echo }' });
    const allowed = await post(url, body, await signGraphQLRequest(url, body, restrictedKey));
    expect(allowed.json, allowed.text).toEqual({ data: { echo: 'echo' } });
  });
});

describe('API keys', () => {
  it('refuses an unknown key and a deleted key with E6, the deleted one at once', async () => {
    await expectRefused(await post(url, touch, { 'x-api-key': 'da2-aaaaaaaaaaaaaaaaaaaaaaaaaa' }), E6);
    const key = await cli.json<{ id: string }>('api-keys', 'create', '--expires-in-days', '1');
    const echo = await post(url, { query: '{ echo }' }, { 'x-api-key': key.id });
    expect(echo.status).toBe(200);
    await cli.json('api-keys', 'delete', key.id.slice(0, 8));
    await expectRefused(await post(url, touch, { 'x-api-key': key.id }), E6);
  });

  it('accepts a key 1 s before its expiry and refuses it from its expiry on', async () => {
    const key = await cli.json<{ id: string; expires: number }>(
      'api-keys',
      'create',
      '--expires-in-days',
      '1',
    );
    try {
      gatehouse.clock.frozenAt = (key.expires - 1) * 1000;
      const valid = await post(url, { query: '{ echo }' }, { 'x-api-key': key.id });
      expect(valid.json, valid.text).toEqual({ data: { echo: 'echo' } });
      gatehouse.clock.frozenAt = key.expires * 1000;
      expectRequestError(await post(url, touch, { 'x-api-key': key.id }), E6);
    } finally {
      gatehouse.clock.reset();
    }
    expect(await touches()).toBe(1);
  });

  it('uses x-api-key alone and never falls back to the Authorization header', async () => {
    await expectRefused(
      await post(url, touch, {
        'x-api-key': 'da2-bbbbbbbbbbbbbbbbbbbbbbbbbb',
        authorization: carol.accessToken,
      }),
      E6,
    );
  });
});

describe('Lambda authorizer', () => {
  it('accepts an authorized token, the positive control', async () => {
    const result = await post(url, { query: '{ echo }' }, { authorization: 'custom-ok' });
    expect(result.json, result.text).toEqual({ data: { echo: 'echo' } });
  });

  it('refuses isAuthorized: false with E15', async () => {
    await expectRefused(await post(url, touch, { authorization: 'custom-deny' }), E15);
  });

  it('fails closed with E16 when the authorizer throws or answers garbage, and caches no failure', async () => {
    const before = (await invocations()).length;
    for (const token of ['custom-throw', 'custom-garbage', 'custom-wrong-type', 'custom-throw']) {
      await expectRefused(await post(url, touch, { authorization: token }), E16);
    }
    expect((await invocations()).length - before).toBe(4);
  });

  it('refuses a token the identityValidationExpression does not match without invoking (E14)', async () => {
    const before = await invocations();
    await expectRefused(await post(url, touch, { authorization: 'custom-Upper' }), E14);
    await expectRefused(await post(url, touch, { authorization: `custom-${'a'.repeat(2048)}` }), E14);
    expect(await invocations()).toEqual(before);
  });

  it('fails closed with E16 when the authorizer outlives the 10 s timeout', async () => {
    await expectRefused(await slowAuthorizer, E16);
  }, 30_000);
});

describe('request bodies', () => {
  it('refuses a request without any credential with E1', async () => {
    await expectRefused(await post(url, touch), E1);
  });

  it('refuses a body over 5 MiB with a 400', async () => {
    const big = JSON.stringify({ query: `mutation Touch { touch } # ${'x'.repeat(5 * 1024 * 1024)}` });
    await expectRefused(
      await post(url, big, { 'x-api-key': apiKey }),
      badRequest('The request body exceeds 5242880 bytes.'),
    );
  });

  it('refuses malformed JSON, a wrong content type, a batch and a missing query with a 400', async () => {
    const headers = { 'x-api-key': apiKey };
    await expectRefused(
      await post(url, '{"query": "mutation { touch }"', headers),
      badRequest('The request body is not valid JSON.'),
    );
    await expectRefused(
      await post(url, touchText, { ...headers, 'content-type': 'text/plain' }),
      badRequest('The "Content-Type" header must be "application/json".'),
    );
    await expectRefused(
      await post(url, [touch, touch], headers),
      badRequest('Batched requests are not supported.'),
    );
    await expectRefused(
      await post(url, { variables: {} } as never, headers),
      badRequest('The request body has no "query" string.'),
    );
  });
});
