/**
 * Test support: a whole Gatehouse app (createGatehouseApp) with cheap, real providers of every
 * mode, an in-memory SQLite store and resolvers whose behaviour each test supplies. Requests go to
 * the in-process `RequestHandler`; nothing listens on a port unless a test calls `listen` itself.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { signRequest, silentLogger } from '@gatehouse/core';
import type {
  AdditionalAuthenticationProvider,
  AuthMode,
  GatehouseConfig,
  IAMPolicy,
  Logger,
  PlainRequest,
} from '@gatehouse/core';
import { createGatehouseApp, type GatehouseApp } from '../app.js';
import { createIAMPrincipalResolver } from '../auth/iam-principals.js';
import type { LambdaAuthorizerEvent } from '../auth/lambda/event.js';
import type { ResolverContext } from '../graphql/resolver-context.js';
import type { PlainResponse } from '../http/types.js';
import { createSQLiteDocumentStore } from '../storage/sqlite.js';

export const region = 'us-east-1';
export const accountId = '123456789012';
export const apiId = 'testapi';
/** The fixed wall clock of every fixture. */
export const now = Date.parse('2026-03-01T12:00:00Z');
export const nowSeconds = Math.floor(now / 1000);

export const validAPIKey = 'da2-abcdefghijklmnopqrstuvwxyz';
export const userPoolId = 'us-east-1_Test1';
export const userPoolIssuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
export const oidcIssuer = 'https://idp.example.com';
export const authorizerURL = 'http://127.0.0.1:9/authorize';
export const iamKey = {
  accessKeyId: 'AKIATESTKEY00001',
  secretAccessKey: 'test-secret-access-key',
  userArn: `arn:aws:iam::${accountId}:user/ci`,
  username: 'AIDATESTUSER',
};

export const allModes: readonly AuthMode[] = [
  'AMAZON_COGNITO_USER_POOLS',
  'API_KEY',
  'AWS_IAM',
  'OPENID_CONNECT',
  'AWS_LAMBDA',
];

const everyMode = '@aws_api_key @aws_iam @aws_oidc @aws_lambda @aws_cognito_user_pools';

/** A schema where every mode may reach most fields; `secret` is for user pools only. */
export const testSDL = `
type Query {
  echo(value: String): String ${everyMode}
  whoami: String ${everyMode}
  header(name: String!): String ${everyMode}
  fail(kind: String!): String ${everyMode}
  post(id: ID!): Post ${everyMode}
  secret: String @aws_cognito_user_pools
  adminOnly: String ${everyMode}
}
type Mutation {
  write(value: String): String ${everyMode}
}
type Post ${everyMode} {
  id: ID!
  title: String
  comments: [Comment]
}
type Comment ${everyMode} {
  id: ID!
  text: String
  author: Author
}
type Author ${everyMode} {
  name: String
  email: String
}
`;

/** Allows every Query root field but `adminOnly`; Mutation is not allowed. */
export const testIAMPolicy: IAMPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'appsync:GraphQL',
      Resource: `arn:aws:appsync:${region}:${accountId}:apis/${apiId}/types/Query/fields/*`,
    },
    {
      Effect: 'Deny',
      Action: 'appsync:GraphQL',
      Resource: `arn:aws:appsync:${region}:${accountId}:apis/${apiId}/types/Query/fields/adminOnly`,
    },
  ],
};

export type TestResolver = (ctx: ResolverContext) => unknown;
export type TestAuthorizer = (event: LambdaAuthorizerEvent) => unknown;

/** An authorizer answer that makes the endpoint answer HTTP 404: no function to call (E17). */
export const notInvocable = Symbol('notInvocable');

/** Refuses tokens starting with `deny`, authorizes the rest with a small `resolverContext`. */
export const defaultAuthorizer: TestAuthorizer = (event) => ({
  isAuthorized: !event.authorizationToken.startsWith('deny'),
  resolverContext: { tenant: 't1' },
});

export const defaultResolvers: Readonly<Record<string, TestResolver>> = {
  'Query.echo': (ctx) => (typeof ctx.args['value'] === 'string' ? ctx.args['value'] : 'echo'),
  'Query.whoami': (ctx) => JSON.stringify(ctx.identity),
  'Query.header': (ctx) => ctx.request.headers[String(ctx.args['name'])] ?? null,
  'Query.fail': (ctx) => {
    if (ctx.args['kind'] === 'util') ctx.util.error('Custom failure.', 'CustomError', { a: 1 }, { b: 2 });
    if (ctx.args['kind'] === 'thrown') {
      throw Object.assign(new Error('Thrown failure.'), {
        errorType: 'ThrownError',
        data: { c: 3 },
        errorInfo: { d: 4 },
      });
    }
    throw new Error('Plain failure.');
  },
  'Query.post': (ctx) => ({ id: ctx.args['id'], title: 'Hello', body: 'Body text' }),
  'Query.secret': () => 'secret',
  'Query.adminOnly': () => 'admin',
  'Mutation.write': (ctx) => ctx.args['value'] ?? null,
  'Post.comments': () => [{ id: 'c1', text: 'First' }],
  'Comment.author': () => ({ name: 'Ann' }),
  'Author.email': () => 'ann@example.com',
};

export interface FixtureOptions {
  /** Configured modes; the first is the default provider. Default: `allModes`. */
  readonly modes?: readonly AuthMode[];
  readonly sdl?: string;
  /** Resolvers by `Type.field`; each gets a module in a temporary resolvers folder. */
  readonly resolvers?: Readonly<Record<string, TestResolver>>;
  readonly authorizer?: TestAuthorizer;
  readonly iamPolicy?: IAMPolicy;
  readonly logger?: Logger;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly json: unknown;
}

export interface Fixture {
  readonly app: GatehouseApp;
  /** Resolver runs by `Type.field`. */
  readonly calls: Map<string, number>;
  /** Events the Lambda authorizer received. */
  readonly authorizerEvents: LambdaAuthorizerEvent[];
  userPoolToken(claims?: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  oidcToken(claims?: JWTPayload): Promise<string>;
  /** SigV4 headers for a POST of `body` to `/graphql` at `host`. */
  signIAM(
    body: string,
    options?: { host?: string; accessKeyId?: string; secret?: string },
  ): Record<string, string>;
  request(
    request: Omit<Partial<PlainRequest>, 'body'> & { body?: Uint8Array | string },
  ): Promise<TestResponse>;
  /** POST /graphql with a JSON body and `content-type: application/json`. */
  graphql(body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

type Dispatch = (fixtureId: string, key: string, ctx: ResolverContext) => unknown;
const dispatchSymbol = Symbol.for('gatehouse.test.resolvers');
const fixtures = new Map<
  string,
  { resolvers: Readonly<Record<string, TestResolver>>; calls: Map<string, number> }
>();
let nextFixtureId = 0;

function installDispatch(): void {
  const holder = globalThis as unknown as Record<symbol, Dispatch | undefined>;
  if (holder[dispatchSymbol] !== undefined) return;
  holder[dispatchSymbol] = (fixtureId, key, ctx) => {
    const fixture = fixtures.get(fixtureId);
    if (fixture === undefined) throw new Error(`No fixture "${fixtureId}".`);
    fixture.calls.set(key, (fixture.calls.get(key) ?? 0) + 1);
    const resolver = fixture.resolvers[key];
    if (resolver === undefined) throw new Error(`No resolver "${key}".`);
    return resolver(ctx);
  };
}

interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

let keyPairs: Promise<{ userPool: KeyPair; oidc: KeyPair }> | undefined;

async function keyPair(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Key pairs are made once per test file: RSA generation is the slow part. */
function testKeyPairs(): Promise<{ userPool: KeyPair; oidc: KeyPair }> {
  keyPairs ??= Promise.all([keyPair('pool-key-1'), keyPair('oidc-key-1')]).then(([userPool, oidc]) => ({
    userPool,
    oidc,
  }));
  return keyPairs;
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

function providerEntry(mode: AuthMode): AdditionalAuthenticationProvider {
  switch (mode) {
    case 'AMAZON_COGNITO_USER_POOLS':
      return { authenticationType: mode, userPoolConfig: { userPoolId, awsRegion: region } };
    case 'OPENID_CONNECT':
      return {
        authenticationType: mode,
        openIDConnectConfig: { issuer: oidcIssuer, clientId: 'oidc-client' },
      };
    case 'AWS_LAMBDA':
      return { authenticationType: mode, lambdaAuthorizerConfig: { authorizerUri: authorizerURL } };
    default:
      return { authenticationType: mode };
  }
}

export function configFor(modes: readonly AuthMode[]): GatehouseConfig {
  const [first, ...rest] = modes;
  if (first === undefined) throw new TypeError('"modes" must list at least one mode.');
  const defaultEntry = providerEntry(first);
  return {
    name: 'test',
    schema: 'schema.graphql',
    ...defaultEntry,
    ...(first === 'AMAZON_COGNITO_USER_POOLS'
      ? { userPoolConfig: { userPoolId, awsRegion: region, defaultAction: 'ALLOW' as const } }
      : {}),
    additionalAuthenticationProviders: rest.map(providerEntry),
    region,
    accountId,
    apiId,
  };
}

export async function createFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const modes = options.modes ?? allModes;
  const resolvers = options.resolvers ?? defaultResolvers;
  const authorizer = options.authorizer ?? defaultAuthorizer;
  const keys = await testKeyPairs();
  const fixtureId = `f${nextFixtureId++}`;
  const calls = new Map<string, number>();
  const authorizerEvents: LambdaAuthorizerEvent[] = [];
  installDispatch();
  fixtures.set(fixtureId, { resolvers, calls });

  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-fixture-'));
  for (const key of Object.keys(resolvers)) {
    await writeFile(
      join(dir, `${key}.mjs`),
      `export default (ctx) => globalThis[Symbol.for('gatehouse.test.resolvers')](${JSON.stringify(fixtureId)}, ${JSON.stringify(key)}, ctx);\n`,
    );
  }

  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === `${userPoolIssuer}/.well-known/jwks.json`) return jsonResponse({ keys: [keys.userPool.jwk] });
    if (url === `${oidcIssuer}/.well-known/openid-configuration`) {
      return jsonResponse({ issuer: oidcIssuer, jwks_uri: `${oidcIssuer}/jwks` });
    }
    if (url === `${oidcIssuer}/jwks`) return jsonResponse({ keys: [keys.oidc.jwk] });
    if (url === authorizerURL) {
      const event = JSON.parse(typeof init?.body === 'string' ? init.body : '') as LambdaAuthorizerEvent;
      authorizerEvents.push(event);
      const answer = await authorizer(event);
      if (answer === notInvocable) return new Response('no such function', { status: 404 });
      return jsonResponse(answer);
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;

  const store = createSQLiteDocumentStore({ filename: ':memory:' });
  const app = await createGatehouseApp({
    config: configFor(modes),
    sdl: options.sdl ?? testSDL,
    resolversDir: dir,
    store,
    providers: {
      configDir: dir,
      region,
      accountId,
      apiId,
      now: () => now,
      logger: options.logger ?? silentLogger,
      apiKeys: { isValid: async (key) => key === validAPIKey },
      iam: createIAMPrincipalResolver({
        accountId,
        apiId,
        accessKeys: [{ ...iamKey, policy: options.iamPolicy ?? testIAMPolicy }],
      }),
      fetch: fakeFetch,
    },
    now: () => now,
    logger: options.logger ?? silentLogger,
  });

  const request = async (
    partial: Omit<Partial<PlainRequest>, 'body'> & { body?: Uint8Array | string },
  ): Promise<TestResponse> => {
    const body = partial.body ?? new Uint8Array();
    const response: PlainResponse = await app.handle({
      method: partial.method ?? 'POST',
      path: partial.path ?? '/graphql',
      headers: partial.headers ?? {},
      body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      sourceIp: partial.sourceIp ?? ['203.0.113.7'],
    });
    const text = typeof response.body === 'string' ? response.body : new TextDecoder().decode(response.body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };

  return {
    app,
    calls,
    authorizerEvents,
    userPoolToken: (claims = {}, header = {}) =>
      new SignJWT({
        sub: 'user-sub-1',
        username: 'alice',
        client_id: 'pool-client',
        token_use: 'access',
        iss: userPoolIssuer,
        iat: nowSeconds - 10,
        exp: nowSeconds + 3600,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'pool-key-1', ...header })
        .sign(keys.userPool.privateKey),
    oidcToken: (claims = {}) =>
      new SignJWT({
        sub: 'oidc-sub-1',
        aud: 'oidc-client',
        iss: oidcIssuer,
        iat: nowSeconds - 10,
        exp: nowSeconds + 3600,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'oidc-key-1' })
        .sign(keys.oidc.privateKey),
    signIAM: (body, signOptions = {}) => {
      const host = signOptions.host ?? 'api.test';
      const headers = { host, 'content-type': 'application/json' };
      return {
        ...headers,
        ...signRequest({
          method: 'POST',
          path: '/graphql',
          headers,
          body,
          region,
          service: 'appsync',
          credentials: {
            accessKeyId: signOptions.accessKeyId ?? iamKey.accessKeyId,
            secretAccessKey: signOptions.secret ?? iamKey.secretAccessKey,
          },
          date: new Date(now),
        }),
      };
    },
    request,
    graphql: (body, headers = {}) =>
      request({
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    close: async () => {
      fixtures.delete(fixtureId);
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The §7 request-level answer for a row: status, errorType and message (`null`: no message). */
export interface ExpectedError {
  readonly status: number;
  readonly errorType: string;
  readonly message?: string | null;
}
