import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError, errorCodes, pureHasher, signRequest, toWireError } from '@gatehouse/core';
import type { AuthRequest, ErrorCode, Hasher, IAMPolicy, TemporaryCredentialRecord } from '@gatehouse/core';
import { createIAMProvider } from './iam.js';
import { createIAMPrincipalResolver } from './iam-principals.js';

const region = 'us-east-1';
const accountId = '123456789012';
const apiId = 'api1';
/** The §3.4 vector's X-Amz-Date. */
const vectorTime = Date.parse('2026-11-26T12:24:21Z');
const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

const vectorCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FAKESESSIONTOKEN',
};
const longTerm = { accessKeyId: 'AKIALONGTERMKEY1', secretAccessKey: 'long-term-secret-key' };
const expired = {
  accessKeyId: 'ASIAEXPIREDKEY01',
  secretAccessKey: 'expired-secret',
  sessionToken: 'EXPIREDTOKEN',
};
const ciPolicy: IAMPolicy = { Statement: [{ Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' }] };

function temporaryRecord(
  credentials: typeof vectorCredentials,
  expiresAt: number,
): TemporaryCredentialRecord {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionTokenSha256: sha256Hex(credentials.sessionToken),
    expiresAt,
    identityPoolId: 'us-east-1:pool',
    identityId: 'us-east-1:identity',
    authType: 'unauthenticated',
    roleName: 'guest-role',
    roleId: 'AROAGUEST',
    accountId,
    userPoolProvider: null,
    sub: null,
  };
}

const resolver = createIAMPrincipalResolver({
  accountId,
  apiId,
  accessKeys: [
    { ...longTerm, userArn: 'arn:aws:iam::123456789012:user/ci', username: 'AIDAEXAMPLE', policy: ciPolicy },
  ],
  temporary: {
    async findTemporaryCredentials(id) {
      if (id === vectorCredentials.accessKeyId)
        return temporaryRecord(vectorCredentials, vectorTime / 1000 + 3600);
      if (id === expired.accessKeyId) return temporaryRecord(expired, vectorTime / 1000 - 1);
      return undefined;
    },
  },
});

function createProvider(options: { now?: number; hasher?: Hasher } = {}) {
  return createIAMProvider({
    region,
    accountId,
    apiId,
    resolver,
    now: () => options.now ?? vectorTime,
    hasher: options.hasher,
  });
}

const vectorBody = '{"query":"query Q {\\n  echo\\n}\\n","variables":{}}';

function request(headers: Record<string, string>, body: string = vectorBody, path = '/graphql'): AuthRequest {
  return {
    method: 'POST',
    path,
    headers,
    body: new TextEncoder().encode(body),
    sourceIp: ['203.0.113.7'],
    requestId: 'request-1',
  };
}

/** The exact request of the appsync-auth.md §3.4 vector. */
function vectorRequest(): AuthRequest {
  return request({
    host: '127.0.0.1:4100',
    'content-type': 'application/json; charset=UTF-8',
    'x-amz-user-agent': 'aws-amplify/6.22.1 api/1 framework/100',
    'x-amz-date': '20261126T122421Z',
    'x-amz-security-token': 'FAKESESSIONTOKEN',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/appsync/aws4_request, ' +
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-user-agent, ' +
      'Signature=1f1ccf18bfaafd09d0919b7d9708ab18cf556313c94be79e82aa01a9fc56306e',
  });
}

interface SignOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  headers?: Record<string, string>;
  body?: string;
  path?: string;
  date?: number;
  region?: string;
  service?: string;
}

/** Signs a request the way a client would and returns it as the server receives it. */
function signed(options: SignOptions = {}): AuthRequest {
  const headers = { host: 'api.example.com', 'content-type': 'application/json', ...options.headers };
  const body = options.body ?? vectorBody;
  const added = signRequest({
    method: 'POST',
    path: options.path ?? '/graphql',
    headers,
    body,
    region: options.region ?? region,
    service: options.service ?? 'appsync',
    credentials: options.credentials ?? longTerm,
    date: new Date(options.date ?? vectorTime),
  });
  return request({ ...headers, ...added }, body, options.path ?? '/graphql');
}

function withHeaders(base: AuthRequest, headers: Record<string, string | undefined>): AuthRequest {
  const merged: Record<string, string> = { ...base.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return { ...base, headers: merged };
}

async function expectRejected(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: string,
): Promise<GatehouseError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  expect((error as GatehouseError).code).toBe(code);
  if (message !== undefined) expect((error as GatehouseError).message).toBe(message);
  return error as GatehouseError;
}

describe('createIAMProvider', () => {
  it('identifies itself as the AWS_IAM mode', () => {
    const provider = createProvider();
    expect(provider.mode).toBe('AWS_IAM');
    expect(provider.providerId).toBe('AWS_IAM');
  });

  it('accepts the appsync-auth.md §3.4 vector request with temporary credentials', async () => {
    const result = await createProvider().authenticate(vectorRequest());
    expect(result).toEqual({
      kind: 'authenticated',
      principal: { mode: 'AWS_IAM', providerId: 'AWS_IAM', policy: expect.any(Object) as unknown },
      identity: {
        accountId,
        cognitoIdentityPoolId: 'us-east-1:pool',
        cognitoIdentityId: 'us-east-1:identity',
        sourceIp: ['203.0.113.7'],
        username: 'AROAGUEST:CognitoIdentityCredentials',
        userArn: 'arn:aws:sts::123456789012:assumed-role/guest-role/CognitoIdentityCredentials',
        cognitoIdentityAuthType: 'unauthenticated',
        cognitoIdentityAuthProvider: null,
      },
    });
  });

  it('accepts a long-term key and returns the spec identity with the policy as principal', async () => {
    const result = await createProvider().authenticate(signed());
    expect(result.principal).toEqual({ mode: 'AWS_IAM', providerId: 'AWS_IAM', policy: ciPolicy });
    expect(result.identity).toEqual({
      accountId: '123456789012',
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp: ['203.0.113.7'],
      username: 'AIDAEXAMPLE',
      userArn: 'arn:aws:iam::123456789012:user/ci',
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    });
  });

  it('hands every request of one credential the same frozen principal, and other credentials their own', async () => {
    const provider = createProvider();
    const first = await provider.authenticate(signed({ headers: { 'x-amz-user-agent': 'one' } }));
    const second = await provider.authenticate(signed({ headers: { 'x-amz-user-agent': 'two' } }));
    expect(second.principal).toBe(first.principal);
    expect(Object.isFrozen(first.principal)).toBe(true);
    expect(Object.isFrozen((first.principal as { policy: IAMPolicy }).policy)).toBe(true);
    expect(second.identity).not.toBe(first.identity);
    const other = await provider.authenticate(
      signed({ credentials: vectorCredentials, date: vectorTime, headers: { 'x-amz-user-agent': 'three' } }),
    );
    expect(other.principal).not.toBe(first.principal);
  });

  it('reads a repeated X-Amz-Date the same way, and a bad one after a good one is still refused', async () => {
    const provider = createProvider();
    await provider.authenticate(signed());
    await provider.authenticate(signed({ headers: { 'x-amz-user-agent': 'again' } }));
    await expectRejected(
      provider.authenticate(withHeaders(signed(), { 'x-amz-date': '20261131T122421Z' })),
      'ERR_SIGV4_INCOMPLETE',
    );
    await provider.authenticate(signed({ headers: { 'x-amz-user-agent': 'after' } }));
  });

  it('accepts a Flutter-style request: bare host, signed x-amz-content-sha256', async () => {
    const req = signed({
      headers: {
        host: 'api.example.com',
        'x-amz-content-sha256': sha256Hex(vectorBody),
        'x-amz-user-agent': 'aws-amplify-flutter/2.0',
      },
    });
    expect(req.headers['authorization']).toContain('x-amz-content-sha256');
    await expect(createProvider().authenticate(req)).resolves.toMatchObject({ kind: 'authenticated' });
  });

  it('retries once without the port when the client signed the bare host', async () => {
    const req = withHeaders(signed({ headers: { host: 'localhost' } }), { host: 'localhost:4100' });
    await expect(createProvider().authenticate(req)).resolves.toMatchObject({ kind: 'authenticated' });
    const ipv6 = withHeaders(signed({ headers: { host: '[::1]' } }), { host: '[::1]:4100' });
    await expect(createProvider().authenticate(ipv6)).resolves.toMatchObject({ kind: 'authenticated' });
  });

  it('rejects a host that differs in more than the port', async () => {
    const otherPort = withHeaders(signed({ headers: { host: 'localhost:4101' } }), {
      host: 'localhost:4100',
    });
    await expectRejected(createProvider().authenticate(otherPort), 'ERR_SIGV4_SIGNATURE_MISMATCH');
    const addedPort = withHeaders(signed({ headers: { host: 'localhost:4100' } }), { host: 'localhost' });
    await expectRejected(createProvider().authenticate(addedPort), 'ERR_SIGV4_SIGNATURE_MISMATCH');
  });

  it('accepts a change to an unsigned header', async () => {
    const req = withHeaders(signed(), { 'user-agent': 'changed', 'x-forwarded-for': '10.0.0.1' });
    await expect(createProvider().authenticate(req)).resolves.toMatchObject({ kind: 'authenticated' });
  });

  describe('signature mismatch (E8)', () => {
    it('rejects a tampered body with the AWS message', async () => {
      const req = { ...signed(), body: new TextEncoder().encode(vectorBody.replace('echo', 'drop')) };
      const error = await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
      expect(toWireError(error)).toEqual({
        status: 403,
        errorType: 'InvalidSignatureException',
        body: {
          errors: [
            {
              errorType: 'InvalidSignatureException',
              message:
                'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
            },
          ],
        },
      });
    });

    it('rejects a tampered signed header', async () => {
      const req = withHeaders(signed(), { 'content-type': 'text/plain' });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
    });

    it('rejects a signed header that is missing from the request', async () => {
      const req = withHeaders(signed(), { 'content-type': undefined });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
    });

    it('rejects a tampered path or query', async () => {
      const req = { ...signed({ path: '/graphql?a=1' }), path: '/graphql?a=2' };
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
      await expect(createProvider().authenticate(signed({ path: '/graphql?a=1' }))).resolves.toMatchObject({
        kind: 'authenticated',
      });
    });

    it('rejects an x-amz-content-sha256 that is not the body hash, even unsigned', async () => {
      const req = withHeaders(signed(), { 'x-amz-content-sha256': sha256Hex('other') });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
      const unsignedPayload = withHeaders(signed(), { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
      await expectRejected(createProvider().authenticate(unsignedPayload), 'ERR_SIGV4_SIGNATURE_MISMATCH');
    });

    it('rejects a signature made with another secret', async () => {
      const req = signed({ credentials: { ...longTerm, secretAccessKey: 'wrong' } });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
    });

    it('rejects a request signed for another method', async () => {
      const req = { ...vectorRequest(), method: 'PUT' };
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SIGNATURE_MISMATCH');
    });
  });

  describe('clock window (E9)', () => {
    it('accepts a request signed exactly 15 minutes ago or ahead', async () => {
      await expect(
        createProvider().authenticate(signed({ date: vectorTime - 15 * 60_000 })),
      ).resolves.toBeDefined();
      await expect(
        createProvider().authenticate(signed({ date: vectorTime + 15 * 60_000 })),
      ).resolves.toBeDefined();
    });

    it('rejects a request signed 16 minutes ago with the AWS expiry wording', async () => {
      const req = signed({ date: vectorTime - 16 * 60_000 });
      const error = await expectRejected(
        createProvider().authenticate(req),
        'ERR_SIGV4_DATE_OUT_OF_WINDOW',
        'Signature expired: 20261126T120821Z is now earlier than 20261126T120921Z (20261126T122421Z - 15 min.)',
      );
      expect(toWireError(error).errorType).toBe('InvalidSignatureException');
      expect(toWireError(error).status).toBe(403);
    });

    it('rejects a request signed 16 minutes ahead with the AWS wording', async () => {
      await expectRejected(
        createProvider().authenticate(signed({ date: vectorTime + 16 * 60_000 })),
        'ERR_SIGV4_DATE_OUT_OF_WINDOW',
        'Signature not yet current: 20261126T124021Z is still later than 20261126T123921Z (20261126T122421Z + 15 min.)',
      );
    });

    it('rejects a replay of the vector request 16 minutes later', async () => {
      await expectRejected(
        createProvider({ now: vectorTime + 16 * 60_000 }).authenticate(vectorRequest()),
        'ERR_SIGV4_DATE_OUT_OF_WINDOW',
      );
    });
  });

  describe('credential scope (E10)', () => {
    it('rejects another region', async () => {
      await expectRejected(
        createProvider().authenticate(signed({ region: 'eu-west-1' })),
        'ERR_SIGV4_BAD_SCOPE',
        'Credential should be scoped to a valid region.',
      );
    });

    it('rejects another service', async () => {
      await expectRejected(
        createProvider().authenticate(signed({ service: 'execute-api' })),
        'ERR_SIGV4_BAD_SCOPE',
        "Credential should be scoped to correct service: 'appsync'.",
      );
    });

    it('rejects a scope date that is not the X-Amz-Date day', async () => {
      const req = signed();
      const authorization = req.headers['authorization']!.replace('/20261126/', '/20261125/');
      await expectRejected(
        createProvider().authenticate(withHeaders(req, { authorization })),
        'ERR_SIGV4_BAD_SCOPE',
        'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
      );
    });

    it('rejects another terminator', async () => {
      const req = signed();
      const authorization = req.headers['authorization']!.replace('/aws4_request', '/aws5_request');
      await expectRejected(
        createProvider().authenticate(withHeaders(req, { authorization })),
        'ERR_SIGV4_BAD_SCOPE',
      );
    });
  });

  describe('access keys and session tokens (E11, E12)', () => {
    it('rejects an unknown access key id', async () => {
      const req = signed({ credentials: { accessKeyId: 'AKIAUNKNOWN00000', secretAccessKey: 'x' } });
      const error = await expectRejected(
        createProvider().authenticate(req),
        'ERR_SIGV4_UNKNOWN_ACCESS_KEY',
        'The security token included in the request is invalid.',
      );
      expect(toWireError(error).errorType).toBe('UnrecognizedClientException');
    });

    it('rejects temporary credentials without a session token', async () => {
      const req = signed({
        credentials: {
          accessKeyId: vectorCredentials.accessKeyId,
          secretAccessKey: vectorCredentials.secretAccessKey,
        },
      });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SESSION_TOKEN_INVALID');
    });

    it('rejects temporary credentials with another session token', async () => {
      const req = signed({ credentials: { ...vectorCredentials, sessionToken: 'OTHERTOKEN' } });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SESSION_TOKEN_INVALID');
    });

    it('rejects a session token that is not a signed header', async () => {
      const unsigned = signed({
        credentials: {
          accessKeyId: vectorCredentials.accessKeyId,
          secretAccessKey: vectorCredentials.secretAccessKey,
        },
      });
      const req = withHeaders(unsigned, { 'x-amz-security-token': vectorCredentials.sessionToken });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SESSION_TOKEN_INVALID');
    });

    it('rejects expired temporary credentials with ExpiredTokenException', async () => {
      const error = await expectRejected(
        createProvider().authenticate(signed({ credentials: expired })),
        'ERR_SIGV4_SESSION_TOKEN_EXPIRED',
        'The security token included in the request is expired',
      );
      expect(toWireError(error)).toMatchObject({ status: 403, errorType: 'ExpiredTokenException' });
    });

    it('rejects a session token sent with a long-term key', async () => {
      const req = signed({ credentials: { ...longTerm, sessionToken: 'ANYTOKEN' } });
      await expectRejected(createProvider().authenticate(req), 'ERR_SIGV4_SESSION_TOKEN_INVALID');
    });
  });

  describe('malformed headers (E7)', () => {
    const cases: [string, (req: AuthRequest) => AuthRequest, string][] = [
      [
        'no Signature',
        (req) =>
          withHeaders(req, {
            authorization: req.headers['authorization']!.replace(/, Signature=[0-9a-f]+/, ''),
          }),
        "Authorization header requires 'Signature' parameter.",
      ],
      [
        'no Credential',
        (req) =>
          withHeaders(req, {
            authorization: req.headers['authorization']!.replace(/Credential=[^,]+, /, ''),
          }),
        "Authorization header requires 'Credential' parameter.",
      ],
      [
        'no SignedHeaders',
        (req) =>
          withHeaders(req, {
            authorization: req.headers['authorization']!.replace(/SignedHeaders=[^,]+, /, ''),
          }),
        "Authorization header requires 'SignedHeaders' parameter.",
      ],
      [
        'no X-Amz-Date',
        (req) => withHeaders(req, { 'x-amz-date': undefined }),
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      ],
      [
        'a malformed X-Amz-Date',
        (req) => withHeaders(req, { 'x-amz-date': '2026-11-26T12:24:21Z' }),
        "'X-Amz-Date' must have the form YYYYMMDD'T'HHMMSS'Z'.",
      ],
      [
        'unsorted SignedHeaders',
        (req) =>
          withHeaders(req, {
            authorization: req.headers['authorization']!.replace('content-type;host', 'host;content-type'),
          }),
        "'SignedHeaders' must be sorted and list each header once.",
      ],
      [
        'uppercase SignedHeaders',
        (req) =>
          withHeaders(req, {
            authorization: req.headers['authorization']!.replace('content-type;host', 'Content-Type;host'),
          }),
        "'SignedHeaders' must list lowercase header names separated by ';'.",
      ],
      [
        'SignedHeaders without host',
        (req) =>
          withHeaders(req, {
            authorization: req.headers['authorization']!.replace('content-type;host;', 'content-type;'),
          }),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        'SignedHeaders without x-amz-date',
        (req) =>
          withHeaders(req, { authorization: req.headers['authorization']!.replace(';x-amz-date', '') }),
        "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        'no Authorization header',
        (req) => withHeaders(req, { authorization: undefined }),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
      ],
    ];

    it.each(cases)('rejects a request with %s', async (_name, mutate, message) => {
      const error = await expectRejected(
        createProvider().authenticate(mutate(signed())),
        'ERR_SIGV4_INCOMPLETE',
        message,
      );
      expect(toWireError(error)).toEqual({
        status: 403,
        errorType: 'IncompleteSignatureException',
        body: { errors: [{ errorType: 'IncompleteSignatureException', message }] },
      });
    });
  });

  it('derives the signing key once per key, secret and day', async () => {
    let hmacCalls = 0;
    const counting: Hasher = {
      sha256Hex: (data) => pureHasher.sha256Hex(data),
      hmacSha256: (key, data) => {
        hmacCalls++;
        return pureHasher.hmacSha256(key, data);
      },
    };
    const provider = createProvider({ hasher: counting });
    await provider.authenticate(signed());
    expect(hmacCalls).toBe(5);
    await provider.authenticate(signed({ body: '{"query":"{ a }"}' }));
    expect(hmacCalls).toBe(6);
  });

  it('does not reuse a cached signing key after the secret changes', async () => {
    let secret = 'first-secret';
    const rotating = {
      async find(id: string) {
        const base = await resolver.find(longTerm.accessKeyId);
        return id === longTerm.accessKeyId && base !== undefined
          ? { ...base, secretAccessKey: secret }
          : undefined;
      },
    };
    const provider = createIAMProvider({
      region,
      accountId,
      apiId,
      resolver: rotating,
      now: () => vectorTime,
    });
    await provider.authenticate(signed({ credentials: { ...longTerm, secretAccessKey: 'first-secret' } }));
    secret = 'second-secret';
    await expectRejected(
      provider.authenticate(signed({ credentials: { ...longTerm, secretAccessKey: 'first-secret' } })),
      'ERR_SIGV4_SIGNATURE_MISMATCH',
    );
    await expect(
      provider.authenticate(signed({ credentials: { ...longTerm, secretAccessKey: 'second-secret' } })),
    ).resolves.toBeDefined();
  });

  it('answers random Authorization, X-Amz-Date and Host values with an IAM catalogue error only', async () => {
    const sigv4Codes = errorCodes.filter((code) => code.startsWith('ERR_SIGV4_'));
    const provider = createProvider();
    const valid = signed();
    const authorization = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 200 }).map((rest) => `AWS4-HMAC-SHA256 ${rest}`),
      fc.tuple(fc.nat({ max: 400 }), fc.string({ maxLength: 20 })).map(([at, insert]) => {
        const base = valid.headers['authorization']!;
        const i = at % (base.length + 1);
        return base.slice(0, i) + insert + base.slice(i + insert.length);
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        authorization,
        fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constant('20261126T122421Z')), {
          nil: undefined,
        }),
        fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
        async (auth, amzDate, host) => {
          const req = withHeaders(valid, { authorization: auth, 'x-amz-date': amzDate, host });
          try {
            await provider.authenticate(req);
          } catch (error) {
            expect(error).toBeInstanceOf(GatehouseError);
            expect(sigv4Codes).toContain((error as GatehouseError).code);
            expect((error as GatehouseError).message).not.toContain(
              valid.headers['authorization']!.slice(-64),
            );
            return;
          }
          // Only an untouched, valid header may pass.
          expect(auth).toBe(valid.headers['authorization']);
        },
      ),
      { numRuns: 500 },
    );
  });
});
