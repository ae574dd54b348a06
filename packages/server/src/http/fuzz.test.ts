/**
 * Property-based fuzzing of the request path (appsync-auth.md §9 items 5 and 8): random
 * credentials and bodies against an app with all five providers get a §7 request-level answer or
 * a 200 GraphQL answer, never a 500 or a thrown exception, and no message repeats a credential.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@gatehouse/core';
import {
  createFixture,
  oidcIssuer,
  userPoolIssuer,
  validAPIKey,
  type Fixture,
  type TestResponse,
} from '../test-support/gatehouse-fixture.js';
import { headerOf, isCatalogueAnswer } from '../test-support/expect-response.js';
import { ping, send } from '../test-support/http-client.js';
import { listen, type Listening } from './node-adapter.js';

const numRuns = 300;

let fixture: Fixture;
let validTokens: string[];
const logged: string[] = [];
beforeAll(async () => {
  fixture = await createFixture({
    logger: {
      info: () => undefined,
      warn: (message, fields) => logged.push(`${message} ${JSON.stringify(fields)}`),
      error: (message, fields) => logged.push(`${message} ${JSON.stringify(fields)}`),
    },
  });
  const body = JSON.stringify({ query: '{ whoami }' });
  validTokens = [
    await fixture.userPoolToken(),
    await fixture.oidcToken(),
    `Bearer ${await fixture.userPoolToken({ 'cognito:groups': ['admin'] })}`,
    fixture.signIAM(body)['authorization']!,
  ];
});
afterAll(() => fixture.close());

const b64url = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 0, maxLength: 70 });
const token = fc.string({ minLength: 1, maxLength: 60 });
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

const sigV4Header = fc
  .record({
    akid: fc.oneof(fc.constantFrom('AKIATESTKEY00001', 'AKIDEXAMPLE'), printable),
    date: fc.oneof(fc.constantFrom('20260301', '20260302'), printable),
    region: fc.oneof(fc.constantFrom('us-east-1', 'eu-west-1'), printable),
    service: fc.oneof(fc.constant('appsync'), printable),
    terminator: fc.oneof(fc.constant('aws4_request'), printable),
    signed: fc.oneof(fc.constant('host;x-amz-date'), fc.constant('content-type;host;x-amz-date'), printable),
    signature: fc.oneof(hex, printable),
    separator: fc.constantFrom(', ', ',', ' , '),
    drop: fc.option(fc.constantFrom('Credential', 'SignedHeaders', 'Signature')),
  })
  .map(({ akid, date, region, service, terminator, signed, signature, separator, drop }) => {
    const parts = [
      ['Credential', `${akid}/${date}/${region}/${service}/${terminator}`],
      ['SignedHeaders', signed],
      ['Signature', signature],
    ].filter(([name]) => name !== drop);
    return `AWS4-HMAC-SHA256 ${parts.map(([name, value]) => `${name}=${value}`).join(separator)}`;
  });

const jwtLike = fc
  .record({
    header: fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          alg: fc.oneof(fc.constantFrom('RS256', 'none', 'HS256', 'ES256'), fc.jsonValue()),
          kid: fc.oneof(fc.constantFrom('pool-key-1', 'oidc-key-1'), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    ),
    payload: fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          iss: fc.oneof(fc.constantFrom(userPoolIssuer, oidcIssuer, `${userPoolIssuer}/`), fc.jsonValue()),
          exp: fc.oneof(fc.integer(), fc.jsonValue()),
          iat: fc.oneof(fc.integer(), fc.jsonValue()),
          token_use: fc.oneof(fc.constantFrom('id', 'access'), fc.jsonValue()),
          'cognito:groups': fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    ),
    signature: fc.oneof(fc.uint8Array({ maxLength: 300 }).map(b64url), printable),
    rawHeader: fc.option(printable),
    bearer: fc.constantFrom('', 'Bearer ', 'bearer ', 'BEARER  '),
  })
  .map(({ header, payload, signature, rawHeader, bearer }) => {
    const first = rawHeader ?? b64url(JSON.stringify(header) ?? 'null');
    return `${bearer}${first}.${b64url(JSON.stringify(payload) ?? 'null')}.${signature}`;
  });

const authorization = fc.oneof(
  token,
  printable,
  token.map((value) => `Bearer ${value}`),
  sigV4Header,
  jwtLike,
  fc
    .constant('')
    .chain(() => fc.constantFrom(0, 1, 2, 3))
    .map((index) => validTokens[index]!),
  fc.constantFrom('deny-me', 'allow', 'Bearer ', 'AWS4-HMAC-SHA256 ', 'a'.repeat(2049)),
);

const queries = [
  '{ whoami }',
  '{ echo(value: "x") }',
  '{ secret }',
  '{ adminOnly }',
  '{ fail(kind: "util") }',
  '{ post(id: "1") { id title comments { id text author { name email } } } }',
  'mutation { write(value: "x") }',
  'query A { echo } query B { whoami }',
  '{ __schema { queryType { name } } }',
  '{ nope }',
  '{',
];

const jsonBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
  fc
    .record(
      {
        query: fc.oneof(fc.constantFrom(...queries), fc.string(), fc.jsonValue()),
        variables: fc.jsonValue(),
        operationName: fc.oneof(fc.constantFrom('A', 'B'), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);

const body = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  jsonBody.map((text) => new TextEncoder().encode(text)),
  fc.constantFrom(...queries).map((query) => new TextEncoder().encode(JSON.stringify({ query }))),
);

const headers = fc.record(
  {
    authorization,
    'x-api-key': fc.oneof(fc.constant(validAPIKey), fc.constant(''), token),
    'x-amz-date': fc.oneof(
      fc.constantFrom('20260301T120000Z', '20260301T110000Z', '20260401T000000Z'),
      printable,
    ),
    'x-amz-security-token': token,
    'x-amz-content-sha256': fc.oneof(hex, printable),
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=UTF-8',
        'text/plain',
        'application/x+json',
      ),
      printable,
    ),
    host: fc.constantFrom('api.test', '127.0.0.1:4100', ''),
  },
  { requiredKeys: [] },
);

const credentialHeaders = ['authorization', 'x-api-key', 'x-amz-security-token'] as const;

/** Messages a client can read: the request-level message or every GraphQL error's message. */
function messagesOf(response: TestResponse): string[] {
  const body = response.json as { errors?: { message?: unknown }[] } | undefined;
  return (body?.errors ?? []).map((error) => (typeof error.message === 'string' ? error.message : ''));
}

/** A 200 GraphQL answer: JSON with `data` and, if any, AppSync-shaped `errors`. */
function isGraphQLAnswer(response: TestResponse): boolean {
  if (response.status !== 200) return false;
  if (headerOf(response, 'content-type') !== 'application/json; charset=UTF-8') return false;
  const body = response.json as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || !('data' in body)) return false;
  const keys = Object.keys(body);
  if (!keys.every((key) => key === 'data' || key === 'errors')) return false;
  const errors = body['errors'];
  if (errors === undefined) return true;
  return (
    Array.isArray(errors) &&
    errors.every(
      (error: unknown) =>
        typeof error === 'object' &&
        error !== null &&
        Object.keys(error).join() === 'path,data,errorType,errorInfo,locations,message',
    )
  );
}

function checkAnswer(
  request: { headers: Record<string, string>; body: Uint8Array },
  response: TestResponse,
): void {
  expect(response.status).not.toBe(500);
  const ok = isCatalogueAnswer(response) || isGraphQLAnswer(response);
  if (!ok) expect.fail(`Not a §7 or GraphQL answer: ${response.status} ${response.text.slice(0, 300)}`);
  const bodyText = Buffer.from(request.body).toString('latin1');
  for (const name of credentialHeaders) {
    const credential = request.headers[name];
    if (credential === undefined || credential.trim().length < 8 || bodyText.includes(credential)) continue;
    for (const message of messagesOf(response)) expect(message).not.toContain(credential);
    if (response.status !== 200) expect(response.text).not.toContain(credential);
  }
}

describe('fuzzing the in-process handler', () => {
  it('answers random credentials with a §7 answer or GraphQL, never a 500', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(headers, fc.constantFrom(...queries), async (sent, query) => {
        const requestBody = new TextEncoder().encode(JSON.stringify({ query }));
        const request = { headers: sent, body: requestBody };
        const response = await fixture.request({ headers: sent, body: requestBody });
        checkAnswer(request, response);
        seen.add(`${response.status} ${headerOf(response, 'x-amzn-ErrorType') ?? ''}`.trim());
      }),
      { numRuns },
    );
    // The generators reach every kind of answer, not just one early rejection.
    for (const answer of [
      '200',
      '400 BadRequestException',
      '401 UnauthorizedException',
      '403 IncompleteSignatureException',
    ]) {
      expect(seen).toContain(answer);
    }
  });

  it('answers random bodies with a §7 answer or GraphQL, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(headers, fc.constant({ 'x-api-key': validAPIKey, 'content-type': 'application/json' })),
        body,
        async (sent, requestBody) => {
          checkAnswer(
            { headers: sent, body: requestBody },
            await fixture.request({ headers: sent, body: requestBody }),
          );
        },
      ),
      { numRuns },
    );
  });

  it('answers random JWT-looking tokens to a JWT-only app with §7 answers', async () => {
    const jwtOnly = await createFixture({ modes: ['AMAZON_COGNITO_USER_POOLS', 'OPENID_CONNECT'] });
    try {
      await fc.assert(
        fc.asyncProperty(jwtLike, async (value) => {
          const sent = { authorization: value, 'content-type': 'application/json' };
          const requestBody = new TextEncoder().encode('{"query":"{ whoami }"}');
          const response = await jwtOnly.request({ headers: sent, body: requestBody });
          checkAnswer({ headers: sent, body: requestBody }, response);
          expect(response.status).toBe(401);
        }),
        { numRuns },
      );
    } finally {
      await jwtOnly.close();
    }
  });

  it('never logs a credential', () => {
    for (const line of logged) {
      for (const value of validTokens) expect(line).not.toContain(value);
    }
  });
});

describe('fuzzing over a real port', () => {
  let server: Listening;
  beforeAll(async () => {
    server = await listen(fixture.app.handle, { host: '127.0.0.1', port: 0, logger: silentLogger });
  });
  afterAll(() => server.close());

  const wireHeaders = fc.record(
    {
      Authorization: fc.oneof(
        printable,
        sigV4Header,
        jwtLike.map((value) => value.replace(/[^\x20-\x7e]/g, '')),
      ),
      'X-Api-Key': fc.oneof(fc.constant(validAPIKey), printable),
      'X-Amz-Date': printable,
      'Content-Type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=UTF-8'),
    },
    { requiredKeys: [] },
  );

  it('keeps the process alive and serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        wireHeaders,
        body,
        fc.constantFrom('POST', 'GET', 'PUT', 'OPTIONS'),
        fc.constantFrom('/graphql', '/ping', '/x', '/graphql?x=1'),
        async (sent, requestBody, method, path) => {
          const cleaned = Object.fromEntries(Object.entries(sent).filter(([, value]) => value.trim() !== ''));
          const response = await send(server, { method, path, headers: cleaned, body: requestBody });
          expect([200, 204, 400, 401, 403, 404]).toContain(response.status);
        },
      ),
      { numRuns: 150 },
    );
    await ping(server);
  });
});
