/**
 * The API category against a real Gatehouse server (examples/multi-auth), one test per row of the
 * client.md §9 acceptance checklist (R*, P1, E*). Faults (5xx, 429, hangs) are injected with the
 * `fetch` option; everything else goes over a real port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AWSBaseHttpClient,
  AmplifyAPI,
  AmplifyAuthCognito,
  AmplifyClass,
  APIAuthorizationType,
  ApiOperationException,
  CancellationException,
  ConfigurationException,
  FunctionAuthProvider,
  GraphQLRequest,
  HttpStatusException,
  MissingCredentialsException,
  NetworkException,
  NoAuthProviderException,
  UnauthorizedException,
  createFunctionAuthProvider,
  createOIDCAuthProvider,
  withTokenCache,
  type AWSHttpRequest,
  type AmplifyAPIOptions,
  type AmplifyAuthCognitoOptions,
  type AWSCredentials,
  type InterceptorContext,
} from './index.js';
import { recordingFetch, startTestServer, type TestServer } from './test-support/server.js';

const POSTS = 'query Posts { posts { id title body } }';
const WHOAMI = '{ whoami { username groups } }';
const CREATE =
  'mutation Create($title: String!, $body: String) { createPost(title: $title, body: $body) { id title author } }';

let ts: TestServer;
let alice: { accessToken: string; idToken: string };
let bob: { accessToken: string; idToken: string };
let guest: AWSCredentials;
let oidcToken: string;

beforeAll(async () => {
  ts = await startTestServer();
  const pool = ts.server.identity.userPool;
  await pool.createUser('alice', {
    password: 'Passw0rd!alice',
    groups: ['admin'],
    attributes: { email: 'alice@example.com' },
  });
  await pool.createUser('bob', { password: 'Passw0rd!bob' });
  alice = await pool.issueTokens('alice');
  bob = await pool.issueTokens('bob');
  const { identityId } = await ts.server.identity.identityPool.getId();
  const got = await ts.server.identity.identityPool.getCredentialsForIdentity({ identityId });
  guest = {
    accessKeyId: got.credentials.accessKeyId,
    secretAccessKey: got.credentials.secretKey,
    sessionToken: got.credentials.sessionToken,
    expiration: new Date(got.credentials.expiration * 1000),
  };
  oidcToken = await ts.server.identity.oidcIssuer.issueIdToken('alice');
  // One post so reads return data.
  const amplify = await client({}, { tokenProvider: tokens(() => alice) });
  await amplify.API.mutate({
    document: CREATE,
    variables: { title: 'Hello', body: 'secret body' },
    apiName: 'blog',
  }).response;
});

afterAll(async () => {
  await ts?.close();
});

function tokens(get: () => { accessToken: string; idToken: string } | null, calls: boolean[] = []) {
  return {
    getTokens: async ({ forceRefresh }: { forceRefresh: boolean }) => {
      calls.push(forceRefresh);
      return get();
    },
  };
}

function credentials(get: () => AWSCredentials | null = () => guest) {
  return {
    getCredentialsAndIdentityId: async () => {
      const value = get();
      return value && { credentials: value };
    },
  };
}

async function client(
  api: AmplifyAPIOptions = {},
  auth: AmplifyAuthCognitoOptions | null = {
    tokenProvider: tokens(() => alice),
    credentialsProvider: credentials(),
  },
  config: object = ts.gen1,
): Promise<AmplifyClass> {
  const amplify = new AmplifyClass();
  await amplify.addPlugin(new AmplifyAPI({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...api }));
  if (auth) await amplify.addPlugin(new AmplifyAuthCognito(auth));
  await amplify.configure(config);
  return amplify;
}

const authHeaderNames = ['authorization', 'x-api-key', 'x-amz-date', 'x-amz-security-token'];
const authHeadersOf = (headers: Record<string, string>) => authHeaderNames.filter((name) => name in headers);

describe('requests per mode (client.md §3.1)', () => {
  it('R1: API_KEY sends only x-api-key, and field rules null the body for it', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const response = await amplify.API.query<{ posts: { body: string | null }[] }>({
      document: POSTS,
      apiName: 'blog_API_KEY',
    }).response;
    expect(authHeadersOf(rec.calls[0]!.headers)).toEqual(['x-api-key']);
    expect(rec.calls[0]!.headers['x-api-key']).toBe(ts.apiKey);
    expect(response.data?.posts[0]?.body).toBeNull();
    expect(response.errors[0]).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('R1: NONE sends no credential, so the server answers 401 and it is not retried', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const error = await amplify.API.query({
      document: POSTS,
      apiName: 'blog',
      authorizationMode: 'NONE',
    }).response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(error).toMatchObject({
      statusCode: 401,
      errorType: 'UnauthorizedException',
      code: 'ERR_API_UNAUTHORIZED',
    });
    expect(rec.calls).toHaveLength(1);
    expect(authHeadersOf(rec.calls[0]!.headers)).toEqual([]);
  });

  it('R2: user pools sends the raw access token without "Bearer"', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const response = await amplify.API.query<{ whoami: { username: string; groups: string[] } }>({
      document: WHOAMI,
      apiName: 'blog',
    }).response;
    expect(rec.calls[0]!.headers.authorization).toBe(alice.accessToken);
    expect(response.data?.whoami).toEqual({ username: 'alice', groups: ['admin'] });
  });

  it('R2: user pools sends the ID token when userPoolTokenType is "idToken"', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch, userPoolTokenType: 'idToken' });
    const response = await amplify.API.query<{ whoami: { username: string } }>({
      document: WHOAMI,
      apiName: 'blog',
    }).response;
    expect(rec.calls[0]!.headers.authorization).toBe(alice.idToken);
    expect(response.errors).toEqual([]);
    expect(response.data?.whoami.username).toBe('alice');
  });

  it('R3: OIDC and Lambda send the provider token, calling the provider once per attempt', async () => {
    let oidcCalls = 0;
    let lambdaCalls = 0;
    const rec = recordingFetch((_call, index) =>
      index === 0 ? new Response('{}', { status: 503 }) : undefined,
    );
    const amplify = await client({
      fetch: rec.fetch,
      authProviders: [
        createOIDCAuthProvider(() => {
          oidcCalls++;
          return oidcToken;
        }),
        createFunctionAuthProvider(async () => {
          lambdaCalls++;
          return 'custom-bob';
        }),
      ],
    });
    const oidc = await amplify.API.query<{ posts: { body: string | null }[] }>({
      document: POSTS,
      apiName: 'blog_OPENID_CONNECT',
    }).response;
    expect(oidcCalls).toBe(2);
    expect(rec.calls.map((call) => call.headers.authorization)).toEqual([oidcToken, oidcToken]);
    expect(oidc.data?.posts[0]?.body).toBe('secret body');
    const lambda = await amplify.API.mutate<{ createPost: { author: string } }>({
      document: CREATE,
      variables: { title: 'From Lambda' },
      authorizationMode: APIAuthorizationType.function,
    }).response;
    expect(lambdaCalls).toBe(1);
    expect(rec.calls[2]!.headers.authorization).toBe('custom-bob');
    expect(lambda.data?.createPost.author).toBe('bob');
  });

  it('R3: accepts subclassed providers', async () => {
    class BobProvider extends FunctionAuthProvider {
      async getLatestAuthToken() {
        return 'custom-bob';
      }
    }
    const amplify = await client({ authProviders: [new BobProvider()] });
    const response = await amplify.API.query({ document: POSTS, apiName: 'blog_AWS_LAMBDA' }).response;
    expect(response.data).not.toBeNull();
  });

  it('R4: the server verifies the IAM SigV4 (scope …/appsync/aws4_request, host with port)', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const response = await amplify.API.query<{ stats: { posts: number } }>({
      document: '{ stats { posts } }',
      apiName: 'blog_AWS_IAM',
    }).response;
    expect(response.errors).toEqual([]);
    expect(response.data?.stats.posts).toBeGreaterThan(0);
    const headers = rec.calls[0]!.headers;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIA\w+\/\d{8}\/us-east-1\/appsync\/aws4_request, SignedHeaders=[^,]*\bhost\b/,
    );
    expect(headers['x-amz-security-token']).toBe(guest.sessionToken);
    expect(headers['x-amz-content-sha256']).toBeUndefined();
    expect(headers.host).toBeUndefined(); // set by fetch from the URL, port included
  });

  it('R4: wrong IAM credentials get the 403 and one re-sign, then reject', async () => {
    const rec = recordingFetch();
    const amplify = await client(
      { fetch: rec.fetch },
      { credentialsProvider: credentials(() => ({ ...guest, secretAccessKey: 'x'.repeat(40) })) },
    );
    const error = await amplify.API.query({ document: POSTS, apiName: 'blog_AWS_IAM' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpStatusException);
    expect(error).toMatchObject({ statusCode: 403, errorType: 'InvalidSignatureException' });
    expect(rec.calls).toHaveLength(2);
  });

  it('the same query returns different data by mode', async () => {
    const amplify = await client({
      authProviders: [
        createFunctionAuthProvider(() => 'custom-bob'),
        createOIDCAuthProvider(() => oidcToken),
      ],
    });
    const bodies: Record<string, unknown> = {};
    for (const mode of [
      'API_KEY',
      'AMAZON_COGNITO_USER_POOLS',
      'AWS_IAM',
      'OPENID_CONNECT',
      'AWS_LAMBDA',
    ] as const) {
      const response = await amplify.API.query<{ posts: { body: string | null }[] }>({
        document: POSTS,
        authorizationMode: mode,
      }).response;
      bodies[mode] = response.data?.posts.find((post) => post.body !== null)?.body ?? null;
    }
    expect(bodies).toEqual({
      API_KEY: null,
      AMAZON_COGNITO_USER_POOLS: 'secret body',
      AWS_IAM: null,
      OPENID_CONNECT: 'secret body',
      AWS_LAMBDA: null,
    });
  });
});

describe('headers, body and interceptors (client.md §3.1, §3.3)', () => {
  it('R5: a caller Authorization disables auth, signing and the 401 retry', async () => {
    const rec = recordingFetch();
    const calls: boolean[] = [];
    const amplify = await client(
      { fetch: rec.fetch },
      { tokenProvider: tokens(() => alice, calls), credentialsProvider: credentials() },
    );
    const ok = await amplify.API.query({
      document: POSTS,
      apiName: 'blog_AWS_IAM',
      headers: { Authorization: 'custom-bob' },
    }).response;
    expect(ok.errors.length).toBeGreaterThan(0); // Lambda identity: body denied, not a signature
    expect(rec.calls[0]!.headers['x-amz-date']).toBeUndefined();
    expect(rec.calls[0]!.headers.authorization).toBe('custom-bob');
    const error = await amplify.API.query({
      document: POSTS,
      apiName: 'blog',
      headers: { authorization: 'not-a-token' },
    }).response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(rec.calls).toHaveLength(2);
    expect(calls).toEqual([]);
  });

  it('R5: a caller x-api-key wins in API_KEY mode', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const error = await amplify.API.query({
      document: POSTS,
      apiName: 'blog_API_KEY',
      headers: { 'X-Api-Key': 'da2-not-a-key' },
    }).response.catch((e: unknown) => e);
    expect(rec.calls[0]!.headers['x-api-key']).toBe('da2-not-a-key');
    expect(error).toBeInstanceOf(UnauthorizedException);
  });

  it('R6: the body is {"query":<verbatim>,"variables":…}, the bytes that were signed', async () => {
    const document = '  query   Posts {\n  posts { id title } # naïve ✓\n}\n';
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const response = await amplify.API.query({ document, variables: { x: 'ü' }, apiName: 'blog_AWS_IAM' })
      .response;
    expect(response.errors).toEqual([]);
    expect(rec.calls[0]!.body).toBe(JSON.stringify({ query: document, variables: { x: 'ü' } }));
    expect(rec.calls[0]!.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(rec.calls[0]!.headers['x-amz-user-agent']).toMatch(/^gatehouse\/\S+ api\/graphql$/);
  });

  it('R7: the interceptor sees auth headers; an added header keeps IAM valid', async () => {
    const seen: { headers: Record<string, string>; ctx: InterceptorContext }[] = [];
    const rec = recordingFetch();
    const amplify = await client({
      fetch: rec.fetch,
      interceptor: (request, ctx) => {
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => {
          headers[name] = value;
        });
        seen.push({ headers, ctx });
        request.headers.set('x-trace-id', 'abc');
        return request;
      },
    });
    const response = await amplify.API.query({ document: POSTS, apiName: 'blog_AWS_IAM' }).response;
    expect(response.data).not.toBeNull();
    expect(seen[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(seen[0]!.ctx).toMatchObject({ apiName: 'blog_AWS_IAM', authorizationMode: 'AWS_IAM', attempt: 1 });
    expect(seen[0]!.ctx.signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'content-type']),
    );
    expect(rec.calls[0]!.headers['x-trace-id']).toBe('abc');
  });

  it('R7: a changed signed part rejects before sending', async () => {
    const rec = recordingFetch();
    const amplify = await client({
      fetch: rec.fetch,
      interceptor: (request) => {
        request.headers.set('content-type', 'application/json');
        return request;
      },
    });
    const error = await amplify.API.query({ document: POSTS, apiName: 'blog_AWS_IAM' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiOperationException);
    expect((error as Error).message).toBe(
      'Interceptor modified signed request part "content-type", which invalidates the AWS_IAM signature.',
    );
    const body = await client({ interceptor: (request) => ({ ...request, body: request.body + ' ' }) });
    await expect(body.API.query({ document: POSTS, apiName: 'blog_AWS_IAM' }).response).rejects.toThrow(
      '"body"',
    );
    expect(rec.calls).toHaveLength(0);
  });

  it('R7: a baseHttpClient adds its own credential in NONE mode and sees every response', async () => {
    const statuses: number[] = [];
    class TokenClient extends AWSBaseHttpClient {
      override transformRequest(request: AWSHttpRequest): AWSHttpRequest {
        request.headers.set('Authorization', alice.accessToken);
        return request;
      }
      override transformResponse(response: Response): Response {
        statuses.push(response.status);
        return response;
      }
    }
    const amplify = await client({ baseHttpClient: new TokenClient() }, null);
    const response = await amplify.API.query<{ whoami: { username: string } }>({
      document: WHOAMI,
      apiName: 'blog',
      authorizationMode: 'NONE',
    }).response;
    expect(response.data?.whoami.username).toBe('alice');
    expect(statuses).toEqual([200]);
  });

  it('merges custom headers case-insensitively and sends them', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    await amplify.API.query({
      document: POSTS,
      apiName: 'blog_API_KEY',
      headers: { 'X-Custom': 'one', 'CONTENT-TYPE': 'application/json' },
    }).response;
    expect(rec.calls[0]!.headers['x-custom']).toBe('one');
    expect(rec.calls[0]!.headers['content-type']).toBe('application/json');
  });

  it('rejects a request the interceptor redirects to non-loopback http', async () => {
    const amplify = await client({
      interceptor: (request) => ({ ...request, url: new URL('http://10.0.0.5/graphql') }),
    });
    await expect(amplify.API.query({ document: POSTS, apiName: 'blog_API_KEY' }).response).rejects.toThrow(
      'http:// is allowed only for loopback hosts',
    );
  });
});

describe('API selection (client.md §3.2)', () => {
  it('R8: an unknown or ambiguous API throws synchronously', async () => {
    const amplify = await client();
    expect(() => amplify.API.query({ document: POSTS, apiName: 'nope' })).toThrow(ConfigurationException);
    expect(() => amplify.API.query({ document: POSTS, apiName: 'nope' })).toThrow(
      'No GraphQL API matches apiName "nope".',
    );
    expect(() => amplify.API.query({ document: POSTS })).toThrow(
      'Multiple GraphQL APIs are defined, so pass "apiName" to choose one.',
    );
    expect(() =>
      amplify.API.query({ document: POSTS, authorizationMode: 'BOGUS' as never, apiName: 'blog' }),
    ).toThrow(TypeError);
  });

  it('R8: picks the API by mode on a shared URL, falls back to a sibling key, and honours defaultApiName', async () => {
    const rec = recordingFetch();
    const amplify = await client({ fetch: rec.fetch });
    const byMode = await amplify.API.query({ document: POSTS, authorizationMode: 'API_KEY' }).response;
    expect(byMode.data).not.toBeNull();
    await amplify.API.query({ document: POSTS, apiName: 'blog', authorizationMode: 'API_KEY' }).response;
    expect(rec.calls[1]!.headers['x-api-key']).toBe(ts.apiKey);
    const withDefault = await client({ defaultApiName: 'blog_API_KEY' });
    const response = await withDefault.API.query({ document: POSTS }).response;
    expect(response.data).not.toBeNull();
  });

  it('R8: Gen 2 amplify_outputs.json gives one API named "data"', async () => {
    const amplify = await client(
      {},
      { tokenProvider: tokens(() => bob), credentialsProvider: credentials() },
      ts.gen2,
    );
    const response = await amplify.API.query<{ whoami: { username: string } }>({ document: WHOAMI }).response;
    expect(response.data?.whoami.username).toBe('bob');
    const byKey = await amplify.API.query({ document: POSTS, apiName: 'data', authorizationMode: 'API_KEY' })
      .response;
    expect(byKey.data).not.toBeNull();
  });
});

describe('decoding and cancellation', () => {
  it('R9: decodePath and modelType decode the data', async () => {
    class Post {
      constructor(readonly title: string) {}
      static fromJson(json: unknown) {
        return (json as { title: string }[]).map((item) => new Post(item.title));
      }
    }
    const amplify = await client();
    const response = await amplify.API.query(
      new GraphQLRequest({ document: POSTS, apiName: 'blog', decodePath: 'posts', modelType: Post }),
    ).response;
    expect(response.data?.[0]).toBeInstanceOf(Post);
    expect(() => new GraphQLRequest({ document: POSTS, modelType: Post })).toThrow(TypeError);
    await expect(
      amplify.API.query({ document: POSTS, apiName: 'blog', decodePath: 'missing.path' }).response,
    ).rejects.toBeInstanceOf(ApiOperationException);
  });

  it('R9: cancel() rejects with CancellationException and stops further attempts', async () => {
    const rec = recordingFetch(() => new Response('{}', { status: 503 }));
    const amplify = await client({
      fetch: rec.fetch,
      retry: { baseDelayMs: 200, maxDelayMs: 200 },
      random: () => 1,
    });
    const operation = amplify.API.query({ document: POSTS, apiName: 'blog_API_KEY' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    operation.cancel();
    operation.cancel();
    await expect(operation.response).rejects.toBeInstanceOf(CancellationException);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rec.calls).toHaveLength(1);
  });
});

describe('providers (client.md §4)', () => {
  it.each([
    ['null', () => null],
    ['empty', () => ''],
    [
      'throwing',
      () => {
        throw new Error('idp down');
      },
    ],
  ])('P1: a %s provider result gives MissingCredentialsException', async (_name, fn) => {
    const amplify = await client({ authProviders: [createOIDCAuthProvider(fn)] });
    const error = await amplify.API.query({ document: POSTS, apiName: 'blog_OPENID_CONNECT' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingCredentialsException);
    expect((error as Error).message).toBe(
      "The OPENID_CONNECT provider's getLatestAuthToken returned no token.",
    );
    if (_name === 'throwing') expect((error as Error).cause).toMatchObject({ message: 'idp down' });
  });

  it('P1: a missing provider throws NoAuthProviderException synchronously, naming the mode', async () => {
    const amplify = await client({}, null);
    for (const mode of ['OPENID_CONNECT', 'AWS_LAMBDA', 'AMAZON_COGNITO_USER_POOLS', 'AWS_IAM'] as const) {
      let thrown: unknown;
      try {
        void amplify.API.query({ document: POSTS, apiName: 'blog', authorizationMode: mode });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(NoAuthProviderException);
      expect(thrown).toMatchObject({
        authorizationMode: mode,
        message: `No auth provider exists for auth mode "${mode}".`,
      });
      expect((thrown as NoAuthProviderException).recoverySuggestion).toBeTruthy();
    }
    const noKey = await client({}, null, {
      version: '1',
      data: { url: ts.server.graphqlUrl, aws_region: 'us-east-1', default_authorization_type: 'AWS_LAMBDA' },
    });
    expect(() => noKey.API.query({ document: POSTS, authorizationMode: 'API_KEY' })).toThrow(
      'No auth provider exists for auth mode "API_KEY".',
    );
  });

  it('P1: signed out user pools give MissingCredentialsException with the cause', async () => {
    const amplify = await client({}, { tokenProvider: tokens(() => null) });
    const error = await amplify.API.query({ document: WHOAMI, apiName: 'blog' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingCredentialsException);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_AUTH_SIGNED_OUT' });
  });

  it('P2: a cached provider is invalidated on 401 and the retry gets a fresh token', async () => {
    const issued = ['custom-deny', 'custom-bob'];
    let calls = 0;
    const provider = withTokenCache(
      createFunctionAuthProvider(() => issued[calls++]),
      { ttlMs: 60_000 },
    );
    const amplify = await client({ authProviders: [provider] });
    const first = await amplify.API.query({ document: POSTS, apiName: 'blog_AWS_LAMBDA' }).response;
    expect(first.data).not.toBeNull();
    expect(calls).toBe(2);
    await amplify.API.query({ document: POSTS, apiName: 'blog_AWS_LAMBDA' }).response;
    expect(calls).toBe(2);
  });
});

describe('errors and retries (client.md §5, §6)', () => {
  it('E1: a 200 with data and errors resolves with both', async () => {
    const amplify = await client();
    const response = await amplify.API.query<{ posts: unknown[] }>({
      document: POSTS,
      apiName: 'blog_API_KEY',
    }).response;
    expect(response.data?.posts.length).toBeGreaterThan(0);
    expect(response.hasErrors).toBe(true);
    expect(response.errors[0]!.message).toMatch(/^Not Authorized to access body on type Post/);
  });

  it('E2: a 401 forces one refresh and retry, which can succeed', async () => {
    const calls: boolean[] = [];
    const rec = recordingFetch();
    const amplify = await client(
      { fetch: rec.fetch },
      {
        tokenProvider: tokens(
          () => (calls.length === 1 ? { accessToken: 'stale.jwt.x', idToken: 'x' } : alice),
          calls,
        ),
      },
    );
    const response = await amplify.API.query({ document: WHOAMI, apiName: 'blog' }).response;
    expect(response.errors).toEqual([]);
    expect(calls).toEqual([false, true]);
    expect(rec.calls).toHaveLength(2);
  });

  it('E2: a second 401 rejects with UnauthorizedException (x-amzn-ErrorType header)', async () => {
    const rec = recordingFetch();
    const amplify = await client(
      { fetch: rec.fetch },
      { tokenProvider: tokens(() => ({ accessToken: 'bad', idToken: 'bad' })) },
    );
    const error = await amplify.API.query({ document: WHOAMI, apiName: 'blog' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(error).toMatchObject({
      statusCode: 401,
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
    });
    expect((error as UnauthorizedException).graphQLErrors[0]).toMatchObject({
      errorType: 'UnauthorizedException',
    });
    expect(rec.calls).toHaveLength(2);
  });

  it('E2: a body-only errorType is enough', async () => {
    const rec2 = recordingFetch(
      () =>
        new Response(
          JSON.stringify({ errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] }),
          { status: 400 },
        ),
    );
    const amplify2 = await client({ fetch: rec2.fetch });
    const error2 = await amplify2.API.query({ document: WHOAMI, apiName: 'blog' }).response.catch(
      (e: unknown) => e,
    );
    expect(error2).toBeInstanceOf(UnauthorizedException);
    expect(rec2.calls).toHaveLength(2);
  });

  it('E3: 500 three times gives three attempts, then HttpStatusException; a mutation gets one', async () => {
    const rec = recordingFetch(() => new Response('{"errors":[{"message":"boom"}]}', { status: 500 }));
    const amplify = await client({ fetch: rec.fetch });
    const error = await amplify.API.query({ document: POSTS, apiName: 'blog_API_KEY' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpStatusException);
    expect(error).toMatchObject({ statusCode: 500, message: 'boom' });
    expect(rec.calls).toHaveLength(3);
    await amplify.API.mutate({ document: CREATE, variables: { title: 't' }, apiName: 'blog' }).response.catch(
      () => undefined,
    );
    expect(rec.calls).toHaveLength(4);
  });

  it('E3: Retry-After is honoured (capped), also for mutations on 429', async () => {
    const rec = recordingFetch((_call, index) =>
      index === 0 ? new Response('{}', { status: 429, headers: { 'retry-after': '1' } }) : undefined,
    );
    const amplify = await client({ fetch: rec.fetch, retry: { baseDelayMs: 1, maxDelayMs: 300 } });
    const started = Date.now();
    const response = await amplify.API.mutate({
      document: CREATE,
      variables: { title: 'after 429' },
      apiName: 'blog',
    }).response;
    expect(response.errors).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(rec.calls).toHaveLength(2);
  });

  it('E4: connection refused gives NetworkException after the retries', async () => {
    const url = new URL(ts.server.graphqlUrl);
    url.port = '1';
    const amplify = await client({}, null, {
      version: '1',
      data: { url: url.href, aws_region: 'us-east-1', api_key: 'k', default_authorization_type: 'API_KEY' },
    });
    const error = await amplify.API.query({ document: POSTS }).response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkException);
    expect(error).toMatchObject({ timedOut: false, code: 'ERR_API_NETWORK' });
  });

  it('E4: a timeout gives NetworkException with timedOut', async () => {
    const hanging = ((_input: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      )) as typeof fetch;
    const amplify = await client({ fetch: hanging, requestTimeoutMs: 30, retry: { maxAttempts: 1 } });
    const error = await amplify.API.query({ document: POSTS, apiName: 'blog_API_KEY' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkException);
    expect(error).toMatchObject({ timedOut: true });
  });

  it('R9: cancel() during a request aborts it and rejects with CancellationException', async () => {
    let aborted = false;
    const hanging = ((_input: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        }),
      )) as typeof fetch;
    const amplify = await client({ fetch: hanging });
    const operation = amplify.API.query({ document: POSTS, apiName: 'blog_API_KEY' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    operation.cancel();
    await expect(operation.response).rejects.toBeInstanceOf(CancellationException);
    expect(aborted).toBe(true);
  });

  it('S6 (part): ping is true for a healthy server and false when it cannot be reached', async () => {
    const amplify = await client();
    expect(await amplify.API.ping('blog')).toBe(true);
    const url = new URL(ts.server.graphqlUrl);
    url.port = '1';
    const down = await client({}, null, {
      version: '1',
      data: { url: url.href, aws_region: 'us-east-1', api_key: 'k', default_authorization_type: 'API_KEY' },
    });
    expect(await down.API.ping()).toBe(false);
  });
});

describe('options (client.md §2)', () => {
  it('throws TypeError/RangeError naming the option', () => {
    expect(() => new AmplifyAPI({ baseHttpClient: new AWSBaseHttpClient(), interceptor: (r) => r })).toThrow(
      TypeError,
    );
    expect(
      () =>
        new AmplifyAPI({
          authProviders: [createOIDCAuthProvider(() => 'a'), createOIDCAuthProvider(() => 'b')],
        }),
    ).toThrow('"authProviders" has more than one "OPENID_CONNECT" provider.');
    expect(
      () =>
        new AmplifyAPI({
          authProviders: [{ type: 'API_KEY', getLatestAuthToken: async () => 'x' } as never],
        }),
    ).toThrow(TypeError);
    expect(() => new AmplifyAPI({ requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new AmplifyAPI({ retry: { maxAttempts: 1.5 } })).toThrow('"retry.maxAttempts"');
  });
});
