/**
 * In-process tests of the whole request path (appsync-auth.md §2, §5, §6, §7): the handler from
 * `createGatehouseApp`, real providers of every mode, no open port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthMode } from '@gatehouse/core';
import {
  accountId,
  allModes,
  apiId,
  createFixture,
  iamKey,
  notInvocable,
  region,
  validAPIKey,
  type Fixture,
  type TestAuthorizer,
} from './test-support/gatehouse-fixture.js';
import {
  catalogue,
  expectRequestError,
  headerOf,
  type CatalogueRowName,
} from './test-support/expect-response.js';

const fixtures = new Map<string, Promise<Fixture>>();

/** One app per set of modes, shared by the tests of this file. */
function appWith(modes: readonly AuthMode[]): Promise<Fixture> {
  const key = modes.join(',');
  let fixture = fixtures.get(key);
  if (fixture === undefined) {
    fixture = createFixture({ modes });
    fixtures.set(key, fixture);
  }
  return fixture;
}

afterAll(async () => {
  for (const fixture of fixtures.values()) await (await fixture).close();
});

const whoami = { query: '{ whoami }' };
const whoamiBody = JSON.stringify(whoami);

/** The mode that answered, read from the `ctx.identity` shape a resolver saw (§3). */
function modeOfIdentity(text: string): AuthMode {
  const body = JSON.parse(text) as { data: { whoami: string } };
  const identity = JSON.parse(body.data.whoami) as Record<string, unknown> | null;
  if (identity === null) return 'API_KEY';
  if ('userArn' in identity) return 'AWS_IAM';
  if ('resolverContext' in identity) return 'AWS_LAMBDA';
  if ('username' in identity && 'defaultAuthStrategy' in identity) return 'AMAZON_COGNITO_USER_POOLS';
  if ('claims' in identity && 'issuer' in identity) return 'OPENID_CONNECT';
  throw new Error(`Unknown identity shape: ${text}`);
}

type Credential = (fixture: Fixture) => Promise<Record<string, string>> | Record<string, string>;

const userPoolJWT: Credential = async (f) => ({ authorization: await f.userPoolToken() });
const unknownIssuerJWT: Credential = async (f) => ({
  authorization: await f.userPoolToken({ iss: 'https://cognito-idp.evil' }),
});
const sigV4: Credential = (f) => f.signIAM(whoamiBody);

interface SelectionRow {
  readonly name: string;
  readonly modes: readonly AuthMode[];
  readonly headers: Credential;
  readonly expected: AuthMode | CatalogueRowName;
  /** Whether the Lambda authorizer is invoked (default: only when Lambda answers). */
  readonly authorizerToken?: string;
}

const noLambda: readonly AuthMode[] = ['AMAZON_COGNITO_USER_POOLS', 'API_KEY', 'AWS_IAM', 'OPENID_CONNECT'];

const selectionRows: readonly SelectionRow[] = [
  {
    name: 'x-api-key wins over a valid Authorization JWT',
    modes: allModes,
    headers: async (f) => ({ 'x-api-key': validAPIKey, authorization: await f.userPoolToken() }),
    expected: 'API_KEY',
  },
  {
    name: 'a bad x-api-key fails with E6 even beside a valid JWT (no fallback)',
    modes: allModes,
    headers: async (f) => ({ 'x-api-key': 'da2-unknown', authorization: await f.userPoolToken() }),
    expected: 'E6',
  },
  {
    name: 'an empty x-api-key is no credential; Authorization decides',
    modes: allModes,
    headers: async (f) => ({ 'x-api-key': '', authorization: await f.userPoolToken() }),
    expected: 'AMAZON_COGNITO_USER_POOLS',
  },
  {
    name: 'x-api-key is ignored when API_KEY is disabled',
    modes: ['AMAZON_COGNITO_USER_POOLS', 'AWS_LAMBDA'],
    headers: () => ({ 'x-api-key': validAPIKey, authorization: 'opaque-token' }),
    expected: 'AWS_LAMBDA',
  },
  {
    name: 'x-api-key alone with API_KEY disabled is E1',
    modes: ['AMAZON_COGNITO_USER_POOLS', 'AWS_LAMBDA'],
    headers: () => ({ 'x-api-key': validAPIKey }),
    expected: 'E1',
  },
  { name: 'no credential at all is E1', modes: allModes, headers: () => ({}), expected: 'E1' },
  { name: 'SigV4 goes to AWS_IAM', modes: allModes, headers: sigV4, expected: 'AWS_IAM' },
  {
    name: 'SigV4 goes to AWS_LAMBDA when IAM is disabled, header unchanged',
    modes: ['API_KEY', 'AWS_LAMBDA'],
    headers: sigV4,
    expected: 'AWS_LAMBDA',
  },
  {
    name: 'SigV4 is E2 when neither IAM nor Lambda is enabled but a JWT mode is',
    modes: ['AMAZON_COGNITO_USER_POOLS', 'API_KEY'],
    headers: sigV4,
    expected: 'E2',
  },
  { name: 'SigV4 is E1 with no IAM, Lambda or JWT mode', modes: ['API_KEY'], headers: sigV4, expected: 'E1' },
  {
    name: 'a user-pool JWT goes to its pool even with Lambda enabled',
    modes: allModes,
    headers: userPoolJWT,
    expected: 'AMAZON_COGNITO_USER_POOLS',
  },
  {
    name: 'an OIDC JWT goes to its issuer even with Lambda enabled',
    modes: allModes,
    headers: async (f) => ({ authorization: await f.oidcToken() }),
    expected: 'OPENID_CONNECT',
  },
  {
    name: 'a JWT of an unknown issuer goes to Lambda when enabled',
    modes: allModes,
    headers: unknownIssuerJWT,
    expected: 'AWS_LAMBDA',
  },
  {
    name: 'an issuer with a trailing slash is an unknown issuer (byte-for-byte match)',
    modes: noLambda,
    headers: async (f) => ({
      authorization: await f.userPoolToken({
        iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test1/',
      }),
    }),
    expected: 'E3',
  },
  {
    name: 'a JWT of an unknown issuer is E3 without Lambda',
    modes: noLambda,
    headers: unknownIssuerJWT,
    expected: 'E3',
  },
  {
    name: 'an opaque token goes to Lambda',
    modes: allModes,
    headers: () => ({ authorization: 'opaque-token' }),
    expected: 'AWS_LAMBDA',
  },
  {
    name: 'an opaque token is E2 without Lambda when a JWT mode is enabled',
    modes: noLambda,
    headers: () => ({ authorization: 'opaque-token' }),
    expected: 'E2',
  },
  {
    name: 'an opaque token is E1 without Lambda or a JWT mode',
    modes: ['API_KEY', 'AWS_IAM'],
    headers: () => ({ authorization: 'opaque-token' }),
    expected: 'E1',
  },
  {
    name: 'JWT modes strip "Bearer "',
    modes: allModes,
    headers: async (f) => ({ authorization: `Bearer ${await f.userPoolToken()}` }),
    expected: 'AMAZON_COGNITO_USER_POOLS',
  },
  {
    name: 'JWT modes strip "bearer " in any case',
    modes: allModes,
    headers: async (f) => ({ authorization: `bEaReR ${await f.oidcToken()}` }),
    expected: 'OPENID_CONNECT',
  },
  {
    name: 'the Lambda authorizer gets "Bearer " unchanged',
    modes: allModes,
    headers: () => ({ authorization: 'Bearer opaque-token' }),
    expected: 'AWS_LAMBDA',
    authorizerToken: 'Bearer opaque-token',
  },
  {
    name: 'a refused Lambda token is E15',
    modes: allModes,
    headers: () => ({ authorization: 'deny-me' }),
    expected: 'E15',
    authorizerToken: 'deny-me',
  },
];

describe('mode selection (appsync-auth.md §2)', () => {
  it.each(selectionRows)('$name', async (row) => {
    const fixture = await appWith(row.modes);
    const headers = await row.headers(fixture);
    const before = fixture.authorizerEvents.length;
    const response = await fixture.graphql(whoamiBody, headers);
    const events = fixture.authorizerEvents.slice(before);
    if (row.expected in catalogue) {
      expectRequestError(response, catalogue[row.expected as CatalogueRowName]);
    } else {
      expect(response.status).toBe(200);
      expect(modeOfIdentity(response.text)).toBe(row.expected);
    }
    const token =
      row.authorizerToken ?? (row.expected === 'AWS_LAMBDA' ? headers['authorization'] : undefined);
    expect(events.map((event) => event.authorizationToken)).toEqual(token === undefined ? [] : [token]);
  });
});

describe('no fallback after a failed verification', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await appWith(allModes);
  });

  it('rejects a forged user-pool JWT with E3 and never asks the Lambda authorizer', async () => {
    const token = await fixture.userPoolToken();
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    const before = fixture.authorizerEvents.length;
    expectRequestError(await fixture.graphql(whoami, { authorization: forged }), catalogue.E3);
    expect(fixture.authorizerEvents.length).toBe(before);
  });

  it('rejects an expired user-pool JWT with E4', async () => {
    const token = await fixture.userPoolToken({ exp: 1_000_000 });
    expectRequestError(await fixture.graphql(whoami, { authorization: token }), catalogue.E4);
  });

  it('rejects a wrong SigV4 signature with E8 and never asks the Lambda authorizer', async () => {
    const headers = fixture.signIAM(whoamiBody, { secret: 'not-the-secret' });
    const before = fixture.authorizerEvents.length;
    expectRequestError(await fixture.graphql(whoamiBody, headers), catalogue.E8);
    expect(fixture.authorizerEvents.length).toBe(before);
  });

  it('rejects an unknown access key with E11', async () => {
    const headers = fixture.signIAM(whoamiBody, { accessKeyId: 'AKIAUNKNOWN000000' });
    expectRequestError(await fixture.graphql(whoamiBody, headers), catalogue.E11);
  });

  it('rejects a SigV4 header missing its signature with E7', async () => {
    const headers = fixture.signIAM(whoamiBody);
    headers['authorization'] = headers['authorization']!.replace(/, Signature=[0-9a-f]+/, '');
    expectRequestError(
      await fixture.graphql(whoamiBody, headers),
      catalogue.E7,
      "Authorization header requires 'Signature' parameter.",
    );
  });

  it('rejects a signed body that was changed with E8', async () => {
    const headers = fixture.signIAM(whoamiBody);
    expectRequestError(await fixture.graphql({ query: '{ echo }' }, headers), catalogue.E8);
  });
});

describe('request validation (E18)', () => {
  let fixture: Fixture;
  const auth = { 'x-api-key': validAPIKey };
  beforeAll(async () => {
    fixture = await appWith(allModes);
  });

  const cases: readonly { name: string; method?: string; contentType?: string; body: string | Uint8Array }[] =
    [
      { name: 'a GET request', method: 'GET', body: whoamiBody },
      { name: 'a PUT request', method: 'PUT', body: whoamiBody },
      { name: 'a text/plain body', contentType: 'text/plain', body: whoamiBody },
      { name: 'no content type', contentType: '', body: whoamiBody },
      { name: 'malformed JSON', body: '{"query": ' },
      { name: 'an empty body', body: '' },
      { name: 'a body that is not UTF-8', body: new Uint8Array([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]) },
      { name: 'a batch array', body: JSON.stringify([whoami, whoami]) },
      { name: 'a JSON string', body: '"{ whoami }"' },
      { name: 'JSON null', body: 'null' },
      { name: 'no query', body: '{"variables":{}}' },
      { name: 'a blank query', body: '{"query":"   "}' },
      { name: 'a query that is not a string', body: '{"query":42}' },
      { name: 'array variables', body: '{"query":"{ whoami }","variables":[1]}' },
      { name: 'string variables', body: '{"query":"{ whoami }","variables":"{}"}' },
      { name: 'an operationName that is not a string', body: '{"query":"{ whoami }","operationName":7}' },
      { name: 'an unknown operationName', body: '{"query":"query A { whoami }","operationName":"B"}' },
      { name: 'several operations without a name', body: '{"query":"query A { whoami } query B { echo }"}' },
    ];

  it.each(cases)('answers 400 BadRequestException to $name', async ({ method, contentType, body }) => {
    const headers: Record<string, string> = { ...auth };
    if (contentType !== '') headers['content-type'] = contentType ?? 'application/json';
    const response = await fixture.request({ method: method ?? 'POST', headers, body });
    const message = expectRequestError(response, catalogue.E18);
    expect(message).toMatch(/^[A-Z"].*\.$/);
  });

  it('accepts application/json with parameters and +json types', async () => {
    for (const type of ['application/json; charset=UTF-8', 'APPLICATION/JSON', 'application/graphql+json']) {
      const response = await fixture.request({
        headers: { ...auth, 'content-type': type },
        body: whoamiBody,
      });
      expect(response.status).toBe(200);
    }
  });

  it('runs the named operation of several', async () => {
    const response = await fixture.graphql(
      { query: 'query A { whoami } query B { echo(value: "b") }', operationName: 'B' },
      auth,
    );
    expect(response.text).toBe('{"data":{"echo":"b"}}');
  });

  it('answers GraphQL validation errors with 200, data null and AppSync-shaped errors', async () => {
    const response = await fixture.graphql({ query: '{ nope }' }, auth);
    expect(response.status).toBe(200);
    const body = response.json as { data: null; errors: Record<string, unknown>[] };
    expect(body.data).toBeNull();
    expect(Object.keys(body.errors[0]!)).toEqual([
      'path',
      'data',
      'errorType',
      'errorInfo',
      'locations',
      'message',
    ]);
  });
});

describe('field authorization (appsync-auth.md §5)', () => {
  const workedSDL = `
type Query {
  feed: [Post]
  post(id: ID!): Post @aws_api_key @aws_cognito_user_pools
  stats: Stats @aws_cognito_user_pools(cognito_groups: ["admin"]) @aws_iam
}
type Post @aws_api_key @aws_cognito_user_pools {
  id: ID!
  title: String
  body: String @aws_cognito_user_pools
  author: Author
}
type Author { name: String }
type Stats @aws_cognito_user_pools(cognito_groups: ["admin"]) @aws_iam { total: Int }
`;
  let worked: Fixture;
  beforeAll(async () => {
    worked = await createFixture({
      modes: ['AMAZON_COGNITO_USER_POOLS', 'API_KEY', 'AWS_IAM'],
      sdl: workedSDL,
      resolvers: {
        'Query.post': (ctx) => ({ id: ctx.args['id'], title: 'T', author: { name: 'Ann' } }),
        'Post.body': () => 'Body',
        'Author.name': () => 'Ann',
        'Query.stats': () => ({ total: 3 }),
        'Query.feed': () => [],
      },
    });
  });
  afterAll(() => worked.close());

  it('answers the worked example for an API-key caller byte for byte', async () => {
    const query = 'query {\n  post(id: "1") {\n    id\n    body\n    author { name }\n  }\n}\n';
    const response = await worked.graphql({ query }, { 'x-api-key': validAPIKey });
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '{"data":{"post":{"id":"1","body":null,"author":{"name":null}}},' +
        '"errors":[{"path":["post","body"],"data":null,"errorType":"Unauthorized","errorInfo":null,' +
        '"locations":[{"line":4,"column":5,"sourceName":null}],"message":"Not Authorized to access body on type Post"},' +
        '{"path":["post","author","name"],"data":null,"errorType":"Unauthorized","errorInfo":null,' +
        '"locations":[{"line":5,"column":14,"sourceName":null}],"message":"Not Authorized to access name on type Author"}]}',
    );
    expect(worked.calls.get('Post.body')).toBeUndefined();
    expect(worked.calls.get('Author.name')).toBeUndefined();
    expect(worked.calls.get('Query.post')).toBe(1);
  });

  it('lets a pool user read what the API key may not', async () => {
    const query = '{ post(id: "1") { id body author { name } } }';
    const response = await worked.graphql({ query }, { authorization: await worked.userPoolToken() });
    expect(response.text).toBe('{"data":{"post":{"id":"1","body":"Body","author":{"name":"Ann"}}}}');
  });

  it('denies Query.stats to a pool user outside "admin" and grants it to an admin', async () => {
    const denied = await worked.graphql(
      { query: '{ stats { total } }' },
      { authorization: await worked.userPoolToken() },
    );
    expect(denied.json).toMatchObject({
      data: { stats: null },
      errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access stats on type Query' }],
    });
    const admin = await worked.userPoolToken({ 'cognito:groups': ['admin'] });
    const granted = await worked.graphql({ query: '{ stats { total } }' }, { authorization: admin });
    expect(granted.text).toBe('{"data":{"stats":{"total":3}}}');
  });

  it('denies Query.feed to IAM and the API key (default provider only)', async () => {
    const body = JSON.stringify({ query: '{ feed { id } }' });
    const iam = await worked.graphql(body, worked.signIAM(body));
    expect(iam.text).toBe(
      '{"data":{"feed":null},"errors":[{"path":["feed"],"data":null,"errorType":"Unauthorized","errorInfo":null,' +
        '"locations":[{"line":1,"column":3,"sourceName":null}],"message":"Not Authorized to access feed on type Query"}]}',
    );
    expect(worked.calls.get('Query.feed')).toBeUndefined();
  });
});

describe('resolvers', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await appWith(allModes);
  });
  const apiKey = { 'x-api-key': validAPIKey };

  it('never runs a denied field resolver and answers F1 beside its siblings', async () => {
    const response = await fixture.graphql({ query: '{ secret echo(value: "x") }' }, apiKey);
    expect(response.text).toBe(
      '{"data":{"secret":null,"echo":"x"},"errors":[{"path":["secret"],"data":null,"errorType":"Unauthorized",' +
        '"errorInfo":null,"locations":[{"line":1,"column":3,"sourceName":null}],' +
        '"message":"Not Authorized to access secret on type Query"}]}',
    );
    expect(fixture.calls.get('Query.secret')).toBeUndefined();
  });

  it('passes errorType, errorInfo and data of ctx.util.error', async () => {
    const response = await fixture.graphql({ query: '{ fail(kind: "util") }' }, apiKey);
    expect(response.text).toBe(
      '{"data":{"fail":null},"errors":[{"path":["fail"],"data":{"a":1},"errorType":"CustomError",' +
        '"errorInfo":{"b":2},"locations":[{"line":1,"column":3,"sourceName":null}],"message":"Custom failure."}]}',
    );
  });

  it('passes errorType, errorInfo and data of a thrown error that has them', async () => {
    const response = await fixture.graphql({ query: '{ fail(kind: "thrown") }' }, apiKey);
    expect(response.json).toEqual({
      data: { fail: null },
      errors: [
        {
          path: ['fail'],
          data: { c: 3 },
          errorType: 'ThrownError',
          errorInfo: { d: 4 },
          locations: [{ line: 1, column: 3, sourceName: null }],
          message: 'Thrown failure.',
        },
      ],
    });
  });

  it('answers a plain thrown error with null errorType, data and errorInfo', async () => {
    const response = await fixture.graphql({ query: '{ fail(kind: "plain") }' }, apiKey);
    expect((response.json as { errors: unknown[] }).errors[0]).toEqual({
      path: ['fail'],
      data: null,
      errorType: null,
      errorInfo: null,
      locations: [{ line: 1, column: 3, sourceName: null }],
      message: 'Plain failure.',
    });
  });

  it('gives resolvers ctx.request.headers', async () => {
    const response = await fixture.graphql(
      { query: '{ header(name: "x-custom") }' },
      { ...apiKey, 'x-custom': 'v1' },
    );
    expect(response.text).toBe('{"data":{"header":"v1"}}');
  });

  it('gives resolvers ctx.identity in each mode’s shape', async () => {
    const identity = async (headers: Record<string, string>, body = whoamiBody): Promise<unknown> => {
      const response = await fixture.graphql(body, headers);
      return JSON.parse((response.json as { data: { whoami: string } }).data.whoami);
    };
    expect(await identity(apiKey)).toBeNull();
    expect(
      await identity({ authorization: await fixture.userPoolToken({ 'cognito:groups': ['g1'] }) }),
    ).toEqual({
      sub: 'user-sub-1',
      issuer: `https://cognito-idp.${region}.amazonaws.com/us-east-1_Test1`,
      username: 'alice',
      claims: expect.objectContaining({ sub: 'user-sub-1', token_use: 'access' }) as unknown,
      sourceIp: ['203.0.113.7'],
      defaultAuthStrategy: 'ALLOW',
      groups: ['g1'],
    });
    expect(await identity({ authorization: await fixture.oidcToken() })).toEqual({
      claims: expect.objectContaining({ sub: 'oidc-sub-1', aud: 'oidc-client' }) as unknown,
      issuer: 'https://idp.example.com',
      sub: 'oidc-sub-1',
    });
    expect(await identity(fixture.signIAM(whoamiBody))).toEqual({
      accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp: ['203.0.113.7'],
      username: iamKey.username,
      userArn: iamKey.userArn,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    });
    expect(await identity({ authorization: 'lambda-token' })).toEqual({ resolverContext: { tenant: 't1' } });
  });
});

describe('IAM root-field policies (appsync-auth.md §3.4 step 7)', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await appWith(allModes);
  });
  const signed = async (query: string): Promise<ReturnType<Fixture['graphql']>> => {
    const body = JSON.stringify({ query });
    return fixture.graphql(body, fixture.signIAM(body));
  };

  it('answers E13 to a denied root field and runs no resolver', async () => {
    const before = fixture.calls.get('Query.echo') ?? 0;
    expectRequestError(await signed('{ echo adminOnly }'), catalogue.E13);
    expect(fixture.calls.get('Query.adminOnly')).toBeUndefined();
    expect(fixture.calls.get('Query.echo') ?? 0).toBe(before);
  });

  it('answers E13 to a denied root field behind a fragment spread or inline fragment', async () => {
    expectRequestError(await signed('query { ...F } fragment F on Query { adminOnly }'), catalogue.E13);
    expectRequestError(await signed('query { ... on Query { ... { adminOnly } } }'), catalogue.E13);
    expectRequestError(await signed('query { a: adminOnly }'), catalogue.E13);
  });

  it('answers E13 to a root type the policy does not allow', async () => {
    expectRequestError(await signed('mutation { write(value: "x") }'), catalogue.E13);
    expect(fixture.calls.get('Mutation.write')).toBeUndefined();
  });

  it('runs allowed root fields, introspection fields aside', async () => {
    const response = await signed(
      'query { __typename echo(value: "ok") ...F } fragment F on Query { e2: echo }',
    );
    expect(response.text).toBe('{"data":{"__typename":"Query","echo":"ok","e2":"echo"}}');
  });
});

describe('Lambda authorizer (appsync-auth.md §6)', () => {
  const deniedAuthorizer: TestAuthorizer = (event) => ({
    isAuthorized: !event.authorizationToken.startsWith('deny'),
    resolverContext: { tenant: 't2' },
    deniedFields: [
      'Author.email',
      `arn:aws:appsync:${region}:${accountId}:apis/${apiId}/types/Comment/fields/text`,
      `arn:aws:appsync:${region}:${accountId}:apis/otherapi/types/Post/fields/title`,
      'Post.*',
    ],
  });
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await createFixture({ authorizer: deniedAuthorizer });
  });
  afterAll(() => fixture.close());

  it('nulls deniedFields at any depth without running their resolvers', async () => {
    const query = '{ post(id: "1") { id title comments { id text author { name email } } } }';
    const response = await fixture.graphql({ query }, { authorization: 'token-1' });
    const body = response.json as {
      data: unknown;
      errors: { path: unknown; message: string; errorType: string }[];
    };
    expect(body.data).toEqual({
      post: {
        id: '1',
        title: 'Hello',
        comments: [{ id: 'c1', text: null, author: { name: 'Ann', email: null } }],
      },
    });
    expect(body.errors.map((e) => [e.path, e.errorType, e.message])).toEqual([
      [['post', 'comments', 0, 'text'], 'Unauthorized', 'Not Authorized to access text on type Comment'],
      [
        ['post', 'comments', 0, 'author', 'email'],
        'Unauthorized',
        'Not Authorized to access email on type Author',
      ],
    ]);
    expect(fixture.calls.get('Author.email')).toBeUndefined();
    expect(fixture.calls.get('Comment.author')).toBe(1);
  });

  it('sends the event with the document, operation name, variables and headers', async () => {
    const before = fixture.authorizerEvents.length;
    const response = await fixture.graphql(
      { query: 'query Q($v: String) { echo(value: $v) }', operationName: 'Q', variables: { v: 'x' } },
      { authorization: 'token-2', 'x-custom': 'c' },
    );
    expect(response.text).toBe('{"data":{"echo":"x"}}');
    const event = fixture.authorizerEvents[before]!;
    expect(event.authorizationToken).toBe('token-2');
    expect(event.requestContext).toMatchObject({
      apiId,
      accountId,
      queryString: 'query Q($v: String) { echo(value: $v) }',
      operationName: 'Q',
      variables: { v: 'x' },
    });
    expect(event.requestHeaders['x-custom']).toBe('c');
  });

  it('uses the response request id as the event requestId', async () => {
    const before = fixture.authorizerEvents.length;
    const response = await fixture.graphql(whoami, { authorization: 'deny-1' });
    expectRequestError(response, catalogue.E15);
    expect(fixture.authorizerEvents[before]!.requestContext.requestId).toBe(
      headerOf(response, 'x-amzn-RequestId'),
    );
  });

  it('does not leak validation errors to a caller the authorizer refuses', async () => {
    const response = await fixture.graphql({ query: '{ noSuchField { x } }' }, { authorization: 'deny-2' });
    expectRequestError(response, catalogue.E15);
    expect(response.text).not.toContain('noSuchField');
    const garbage = await fixture.graphql({ query: '{ {{ ' }, { authorization: 'deny-3' });
    expectRequestError(garbage, catalogue.E15);
  });

  it('answers E14 without invoking for a token over 2048 characters', async () => {
    const before = fixture.authorizerEvents.length;
    expectRequestError(await fixture.graphql(whoami, { authorization: 'a'.repeat(2049) }), catalogue.E14);
    expect(fixture.authorizerEvents.length).toBe(before);
  });
});

describe('Lambda authorizer failures', () => {
  it('answers E16 to an invalid answer and E17 with no message when not invocable', async () => {
    const fixture = await createFixture({
      authorizer: (event) => {
        if (event.authorizationToken === 'invalid') return { isAuthorized: 'yes' };
        if (event.authorizationToken === 'missing') return notInvocable;
        throw new Error('The authorizer crashed.');
      },
    });
    try {
      expectRequestError(await fixture.graphql(whoami, { authorization: 'invalid' }), catalogue.E16);
      expectRequestError(await fixture.graphql(whoami, { authorization: 'crash' }), catalogue.E16);
      expectRequestError(await fixture.graphql(whoami, { authorization: 'missing' }), catalogue.E17);
    } finally {
      await fixture.close();
    }
  });
});
