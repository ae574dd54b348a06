/**
 * The unmodified aws-amplify v6 client against a real Gatehouse dev server on 127.0.0.1, over
 * every `authMode`, with credentials from the real `gatehouse` CLI. One query returns different
 * data per mode, as the example schema's directives say (appsync-auth.md §1, §5, §7).
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { ConsoleLogger } from 'aws-amplify/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSession, type CLICredentials } from './support/amplify.js';
import { adminCLI, type AdminCLI } from './support/cli.js';
import { startInProcess, type AmplifyResourcesFile, type InProcessServer } from './support/in-process.js';

interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

interface Outcome {
  /** Whether Amplify rejected the promise (it does whenever the response has errors). */
  thrown: boolean;
  data: unknown;
  errors: Record<string, unknown>[];
}

/** The options of `client.graphql` these tests use (Amplify's own type is too deep for tsc here). */
interface GraphQLOptions {
  query: string;
  variables?: Record<string, unknown>;
  authMode?: 'apiKey' | 'userPool' | 'oidc' | 'lambda' | 'iam' | 'identityPool';
  authToken?: string;
  apiKey?: string;
}

const password = 'Passw0rd!';
const postsQuery = /* GraphQL */ `
  query Posts {
    posts {
      title
      body
    }
  }
`;

/** AppSync's field error (F1) as Amplify hands it over: the server's object unchanged. */
function fieldError(path: (string | number)[], line: number, column: number): Record<string, unknown> {
  const field = path.filter((part): part is string => typeof part === 'string').at(-1) ?? '';
  const type = path.length === 1 ? 'Query' : 'Post';
  return {
    path,
    data: null,
    errorType: 'Unauthorized',
    errorInfo: null,
    locations: [{ line, column, sourceName: null }],
    message: `Not Authorized to access ${field} on type ${type}`,
  };
}

let gatehouse: InProcessServer;
let cli: AdminCLI;
let resources: AmplifyResourcesFile;
const session = createTestSession();
const client = generateClient();
const alice: { pool?: Tokens; oidc?: string; credentials?: CLICredentials } = {};
const bob: { pool?: Tokens } = {};
let guestCredentials: CLICredentials;

/** Runs one operation; a rejection carrying `{ data, errors }` is an outcome, anything else fails. */
async function run(options: GraphQLOptions): Promise<Outcome> {
  try {
    const result = (await client.graphql(options)) as { data: unknown; errors?: Record<string, unknown>[] };
    return { thrown: false, data: result.data, errors: result.errors ?? [] };
  } catch (error) {
    const result = error as { data?: unknown; errors?: Record<string, unknown>[] };
    if (!Array.isArray(result.errors)) throw error;
    return { thrown: true, data: result.data, errors: result.errors };
  }
}

/** How Amplify reports a request-level (HTTP 401/403) failure: one repackaged error. */
function expectRequestRefused(outcome: Outcome, status: number, errorType: string, message: string): void {
  expect(outcome.thrown).toBe(true);
  expect(outcome.data).toEqual({});
  expect(outcome.errors).toHaveLength(1);
  const [error] = outcome.errors as [
    {
      message: string;
      recoverySuggestion?: string;
      originalError?: {
        name: string;
        $metadata: { httpStatusCode: number; requestId: string };
        _response?: { body: string };
      };
    },
  ];
  // repackageUnauthorizedError renames errors whose x-amzn-ErrorType starts with UnauthorizedException.
  expect(error.message).toBe(
    errorType.startsWith('UnauthorizedException') ? 'Unauthorized' : expect.any(String),
  );
  expect(error.originalError?.name).toBe(errorType);
  expect(error.originalError?.$metadata.httpStatusCode).toBe(status);
  expect(error.originalError?.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.parse(error.originalError?._response?.body ?? 'null')).toEqual({
    errors: [{ errorType, message }],
  });
}

beforeAll(async () => {
  ConsoleLogger.LOG_LEVEL = 'ERROR'; // the custom Cognito endpoints make Amplify warn
  gatehouse = await startInProcess();
  cli = adminCLI(gatehouse.dataDir);
  await Promise.all([
    cli.json('users', 'create', 'alice', '--password', password, '--group', 'admin'),
    cli.json('users', 'create', 'bob', '--password', password),
  ]);
  [alice.pool, alice.oidc, alice.credentials, bob.pool, guestCredentials] = await Promise.all([
    cli.json<Tokens>('token', 'alice'),
    cli.json<{ idToken: string }>('token', 'alice', '--oidc').then((tokens) => tokens.idToken),
    cli.json<CLICredentials>('credentials', '--user', 'alice'),
    cli.json<Tokens>('token', 'bob'),
    cli.json<CLICredentials>('credentials', '--guest'),
  ]);
  resources = await gatehouse.readResources();
  Amplify.configure(resources as Parameters<typeof Amplify.configure>[0], { Auth: session.auth });

  // One post, written by alice through Amplify in the default mode (the user pool).
  session.signIn(alice.pool);
  const created = await run({
    query:
      'mutation Create($title: String!, $body: String) { createPost(title: $title, body: $body) { author } }',
    variables: { title: 'Hello', body: 'Only for signed-in readers.' },
  });
  expect(created).toEqual({ thrown: false, data: { createPost: { author: 'alice' } }, errors: [] });
  session.signOut();
});

afterAll(async () => {
  await gatehouse?.close();
});

describe('aws-amplify v6 against the multi-auth example', () => {
  it('is configured from the generated amplify-resources.json as it is', () => {
    const { settings } = gatehouse.server.identity;
    expect(resources.API.GraphQL).toEqual({
      endpoint: gatehouse.graphqlUrl,
      region: 'us-east-1',
      defaultAuthMode: 'userPool',
      apiKey: expect.stringMatching(/^da2-[a-z0-9]{26}$/) as string,
    });
    expect(resources.Auth.Cognito).toMatchObject({
      userPoolId: settings.userPoolId,
      userPoolClientId: settings.userPoolClientId,
      identityPoolId: settings.identityPoolId,
    });
    expect(Amplify.getConfig().API?.GraphQL?.endpoint).toBe(gatehouse.graphqlUrl);
  });

  it('returns the same posts query with a different shape in every auth mode', async () => {
    const bodyDenied = {
      thrown: true,
      data: { posts: [{ title: 'Hello', body: null }] },
      errors: [fieldError(['posts', 0, 'body'], 4, 5)], // located in the query as Amplify prints it
    };
    const bodyShown = {
      thrown: false,
      data: { posts: [{ title: 'Hello', body: 'Only for signed-in readers.' }] },
      errors: [],
    };
    const outcomes: Record<string, Outcome> = {};
    outcomes.apiKey = await run({ query: postsQuery, authMode: 'apiKey' });
    session.signIn(bob.pool as Tokens);
    outcomes.userPool = await run({ query: postsQuery, authMode: 'userPool' });
    session.signIn({ accessToken: alice.oidc as string });
    outcomes.oidc = await run({ query: postsQuery, authMode: 'oidc' });
    session.signOut();
    outcomes.lambda = await run({ query: postsQuery, authMode: 'lambda', authToken: 'custom-bob' });
    session.useCredentials(guestCredentials);
    outcomes.iam = await run({ query: postsQuery, authMode: 'iam' });
    session.useCredentials(null);

    expect(outcomes).toEqual({
      apiKey: bodyDenied,
      userPool: bodyShown,
      oidc: bodyShown,
      lambda: bodyDenied,
      iam: bodyDenied,
    });
  });

  it('accepts an API key made by "gatehouse api-keys create" and refuses it once deleted', async () => {
    const key = await cli.json<{ id: string }>('api-keys', 'create', '--description', 'amplify e2e');
    const query = '{ post(id: "missing") { title } }';
    expect(await run({ query, authMode: 'apiKey', apiKey: key.id })).toEqual({
      thrown: false,
      data: { post: null },
      errors: [],
    });
    await cli.json('api-keys', 'delete', key.id);
    const refused = await run({ query, authMode: 'apiKey', apiKey: key.id });
    expectRequestRefused(refused, 401, 'UnauthorizedException', 'You are not authorized to make this call.');
  });

  it('sends the user-pool access token from the token provider in the default mode', async () => {
    session.signIn(alice.pool as Tokens);
    const outcome = await run({ query: '{ stats { posts } whoami { username groups } }' });
    session.signOut();
    expect(outcome).toEqual({
      thrown: false,
      data: { stats: { posts: 1 }, whoami: { username: 'alice', groups: ['admin'] } },
      errors: [],
    });
  });

  it('denies stats to a user-pool caller outside the admin group, field by field', async () => {
    session.signIn(bob.pool as Tokens);
    const outcome = await run({
      query: '{ stats { posts } whoami { username groups } }',
      authMode: 'userPool',
    });
    session.signOut();
    expect(outcome).toEqual({
      thrown: true,
      data: { stats: null, whoami: { username: 'bob', groups: null } },
      errors: [fieldError(['stats'], 2, 3)],
    });
  });

  it('gives an OIDC caller post bodies but neither stats nor whoami', async () => {
    session.signIn({ accessToken: alice.oidc as string });
    const outcome = await run({ query: '{ stats { posts } whoami { username } }', authMode: 'oidc' });
    session.signOut();
    expect(outcome).toEqual({
      thrown: true,
      data: { stats: null, whoami: null },
      errors: [fieldError(['stats'], 2, 3), fieldError(['whoami'], 5, 3)],
    });
  });

  it('gives IAM callers stats but not whoami, with guest and signed-in identity-pool credentials', async () => {
    const query = '{ stats { posts } whoami { username } }';
    const expected = {
      thrown: true,
      data: { stats: { posts: 1 }, whoami: null },
      errors: [fieldError(['whoami'], 5, 3)],
    };
    session.useCredentials(guestCredentials);
    expect(await run({ query, authMode: 'iam' })).toEqual(expected);
    session.useCredentials(alice.credentials as CLICredentials);
    expect(await run({ query, authMode: 'identityPool' })).toEqual(expected);
    session.useCredentials(null);
    expect(alice.credentials?.identityId).not.toBe(guestCredentials.identityId);
    expect(session.credentialRequests.length).toBeGreaterThanOrEqual(2);
  });

  it('passes the Lambda token through authToken and applies the authorizer answer', async () => {
    const create = 'mutation { createPost(title: "By lambda") { title author } }';
    expect(await run({ query: create, authMode: 'lambda', authToken: 'custom-carol' })).toEqual({
      thrown: false,
      data: { createPost: { title: 'By lambda', author: 'carol' } },
      errors: [],
    });
    // custom-reader-* tokens carry deniedFields: ["Mutation.createPost"].
    const reader = await run({ query: create, authMode: 'lambda', authToken: 'custom-reader-dave' });
    expect(reader).toEqual({
      thrown: true,
      data: { createPost: null },
      errors: [
        {
          path: ['createPost'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'Not Authorized to access createPost on type Mutation',
        },
      ],
    });
    const denied = await run({ query: postsQuery, authMode: 'lambda', authToken: 'custom-deny' });
    expectRequestRefused(denied, 401, 'UnauthorizedException', 'You are not authorized to make this call.');
  });

  it('surfaces an expired user-pool token as a repackaged Unauthorized error', async () => {
    session.signIn(alice.pool as Tokens);
    gatehouse.clock.offsetMs = 2 * 3600 * 1000; // tokens live 1 h; tolerance is 60 s
    try {
      const outcome = await run({ query: postsQuery });
      expectRequestRefused(outcome, 401, 'UnauthorizedException', 'Token has expired.');
    } finally {
      gatehouse.clock.reset();
      session.signOut();
    }
  });
});
