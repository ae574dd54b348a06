/**
 * The real `gatehouse` CLI as child processes: `gatehouse dev` on port 0 with the multi-auth
 * example, its client config files, signals and restarts, and the admin commands' `--json` output
 * and exit codes while the server runs.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { ConsoleLogger } from 'aws-amplify/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CLICredentials } from './support/amplify.js';
import { adminCLI, runCLI, spawnDevServer, type AdminCLI, type SpawnedDevServer } from './support/cli.js';
import { exampleConfigJSON, writeConfig } from './support/configs.js';
import { E6, expectRequestError, get, post, type HTTPResult } from './support/http.js';
import type { AmplifyResourcesFile } from './support/in-process.js';
import { decodeJWT } from './support/jwt.js';
import { exampleConfig } from './support/paths.js';
import { signGraphQLRequest } from './support/sigv4.js';
import { createTempDir, type TempDir } from './support/temp-dir.js';

interface APIKeyJSON {
  id: string;
  description: string | null;
  expires: number;
  deletes: number;
}
interface UserJSON {
  username: string;
  sub: string;
  groups: string[];
  attributes: Record<string, string>;
}
interface TokensJSON {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

const day = 86_400;
const password = 'Passw0rd!';
const postsQuery = { query: '{ posts { title author } }' };

let dir: TempDir;
let dataDir: string;
let server: SpawnedDevServer;
let cli: AdminCLI;
/** Observed right after the ready line, before anything else ran. */
let firstPing: HTTPResult;
let firstQuery: HTTPResult;
let firstAPIKey: string;
/** `users create dave --json`, run in beforeAll. */
let dave: UserJSON;
/** Created by the first admin-command test, deleted by full key in the second. */
let createdKey: APIKeyJSON;

async function readJSON<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(join(dataDir, name), 'utf8')) as T;
}

/** Users and API keys as the CLI lists them: what "nothing changed" compares. */
async function snapshot(): Promise<{ users: UserJSON[]; keys: APIKeyJSON[] }> {
  const [users, keys] = await Promise.all([
    cli.json<UserJSON[]>('users', 'list'),
    cli.json<APIKeyJSON[]>('api-keys', 'list'),
  ]);
  return { users, keys };
}

beforeAll(async () => {
  dir = await createTempDir();
  dataDir = join(dir.path, 'data');
  server = await spawnDevServer({ configPath: exampleConfig, dataDir });
  const keyLine = /^API key:\s+(da2-[a-z0-9]{26}) \(new/m.exec(server.stdout());
  firstAPIKey = keyLine?.[1] ?? '';
  [firstPing, firstQuery] = await Promise.all([
    get(`${server.baseUrl}/ping`),
    post(server.graphqlUrl, postsQuery, { 'x-api-key': firstAPIKey }),
  ]);
  cli = adminCLI(dataDir);
  dave = await cli.json<UserJSON>('users', 'create', 'dave', '--password', password);
});

afterAll(async () => {
  await server?.stop('SIGKILL');
  await dir?.remove();
});

describe('gatehouse dev', () => {
  it('prints its ready line once, last, and only when it already serves', () => {
    const lines = server.stdout().trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^Gatehouse ready at http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(lines.filter((line) => line.startsWith('Gatehouse ready at'))).toHaveLength(1);
    expect(server.graphqlUrl).not.toMatch(/:0\//);
    expect(firstPing.status).toBe(200);
    expect(firstPing.text).toBe('healthy');
    expect(firstAPIKey).toMatch(/^da2-[a-z0-9]{26}$/);
    expect(firstQuery.json).toEqual({ data: { posts: [] } });
  });

  it('writes amplifyconfiguration.json with one awsAPIPlugin entry per mode and the Cognito plugin', async () => {
    const config = await readJSON<{
      api: { plugins: { awsAPIPlugin: Record<string, Record<string, string>> } };
      auth: {
        plugins: {
          awsCognitoAuthPlugin: Record<string, Record<string, Record<string, Record<string, string>>>>;
        };
      };
    }>('amplifyconfiguration.json');
    const plugins = config.api.plugins.awsAPIPlugin;
    const modes = ['AMAZON_COGNITO_USER_POOLS', 'API_KEY', 'AWS_IAM', 'OPENID_CONNECT', 'AWS_LAMBDA'];
    expect(Object.keys(plugins).sort()).toEqual(['blog', ...modes.map((mode) => `blog_${mode}`)].sort());
    expect(plugins['blog']?.['authorizationType']).toBe('AMAZON_COGNITO_USER_POOLS');
    for (const mode of modes) {
      expect(plugins[`blog_${mode}`]).toMatchObject({
        endpointType: 'GraphQL',
        endpoint: server.graphqlUrl,
        region: 'us-east-1',
        authorizationType: mode,
      });
    }
    expect(plugins['blog_API_KEY']?.['apiKey']).toBe(firstAPIKey);
    const cognito = config.auth.plugins.awsCognitoAuthPlugin;
    const resources = await readJSON<AmplifyResourcesFile>('amplify-resources.json');
    expect(cognito['CognitoUserPool']?.['Default']).toMatchObject({
      PoolId: resources.Auth.Cognito.userPoolId,
      AppClientId: resources.Auth.Cognito.userPoolClientId,
      Region: 'us-east-1',
    });
    expect(cognito['CredentialsProvider']?.['CognitoIdentity']?.['Default']).toMatchObject({
      PoolId: resources.Auth.Cognito.identityPoolId,
      Region: 'us-east-1',
    });
  });

  it('writes amplify_outputs.json for Gen 2 clients', async () => {
    const outputs = await readJSON<{ data: Record<string, unknown>; auth: Record<string, unknown> }>(
      'amplify_outputs.json',
    );
    const resources = await readJSON<AmplifyResourcesFile>('amplify-resources.json');
    expect(outputs.data).toEqual({
      url: server.graphqlUrl,
      aws_region: 'us-east-1',
      default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
      authorization_types: ['API_KEY', 'AWS_IAM', 'OPENID_CONNECT', 'AWS_LAMBDA'],
      api_key: firstAPIKey,
    });
    expect(outputs.auth).toMatchObject({
      aws_region: 'us-east-1',
      user_pool_id: resources.Auth.Cognito.userPoolId,
      user_pool_client_id: resources.Auth.Cognito.userPoolClientId,
      identity_pool_id: resources.Auth.Cognito.identityPoolId,
    });
  });

  it('writes amplify-resources.json that Amplify.configure takes as it is', async () => {
    ConsoleLogger.LOG_LEVEL = 'ERROR';
    const resources = await readJSON<Parameters<typeof Amplify.configure>[0]>('amplify-resources.json');
    Amplify.configure(resources);
    const client = generateClient();
    const result = (await client.graphql({ query: postsQuery.query, authMode: 'apiKey' })) as {
      data: unknown;
    };
    expect(result.data).toEqual({ posts: [] });
  });
});

describe('admin commands while the server runs', () => {
  it('creates an API key with the --json shape of AppSync, usable at once', async () => {
    const before = Math.floor(Date.now() / 1000);
    const key = await cli.json<APIKeyJSON>(
      'api-keys',
      'create',
      '--expires-in-days',
      '30',
      '--description',
      'ci',
    );
    const after = Math.floor(Date.now() / 1000);
    expect(Object.keys(key)).toEqual(['id', 'description', 'expires', 'deletes']);
    expect(key.id).toMatch(/^da2-[a-z0-9]{26}$/);
    expect(key.description).toBe('ci');
    expect(key.expires % 3600).toBe(0);
    expect(key.expires).toBeGreaterThan(before + 30 * day - 3600);
    expect(key.expires).toBeLessThanOrEqual(after + 30 * day);
    expect(key.deletes).toBe(key.expires + 60 * day);
    const result = await post(server.graphqlUrl, postsQuery, { 'x-api-key': key.id });
    expect(result.json).toEqual({ data: { posts: [] } });
    createdKey = key;

    const listed = await cli.json<APIKeyJSON[]>('api-keys', 'list');
    expect(listed).toContainEqual({ ...key, id: `${key.id.slice(0, 8)}…` });
    for (const entry of listed) expect(entry.id).toMatch(/^da2-[a-z0-9]{4}…$/);
  });

  it('extends and deletes API keys by full key or prefix; a deleted key is refused at once', async () => {
    const key = await cli.json<APIKeyJSON>('api-keys', 'create');
    const extended = await cli.json<APIKeyJSON>('api-keys', 'extend', key.id, '--expires-in-days', '90');
    expect(extended).toEqual({
      id: `${key.id.slice(0, 8)}…`,
      description: null,
      expires: expect.any(Number) as number,
      deletes: extended.expires + 60 * day,
    });
    expect(extended.expires - key.expires).toBeGreaterThanOrEqual(83 * day - 3600);
    const again = await cli.json<APIKeyJSON>(
      'api-keys',
      'extend',
      `${key.id.slice(0, 8)}…`,
      '--expires-in-days',
      '2',
    );
    expect(again.expires).toBeLessThan(extended.expires);

    expect((await post(server.graphqlUrl, postsQuery, { 'x-api-key': key.id })).status).toBe(200);
    expect(await cli.json('api-keys', 'delete', key.id.slice(0, 8))).toEqual({ deleted: true });
    expectRequestError(await post(server.graphqlUrl, postsQuery, { 'x-api-key': key.id }), E6);
    expect(await cli.json('api-keys', 'delete', createdKey.id)).toEqual({ deleted: true });
    expectRequestError(await post(server.graphqlUrl, postsQuery, { 'x-api-key': createdKey.id }), E6);

    const listed = (await cli.json<APIKeyJSON[]>('api-keys', 'list')).map((entry) => entry.id);
    expect(listed).not.toContain(`${key.id.slice(0, 8)}…`);
    expect(listed).not.toContain(`${createdKey.id.slice(0, 8)}…`);
  });

  it('creates and lists users with the --json shape', async () => {
    expect(dave).toEqual({
      username: 'dave',
      sub: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) as string,
      groups: [],
      attributes: {},
    });
    expect(Object.keys(dave)).toEqual(['username', 'sub', 'groups', 'attributes']);
    expect(await cli.json<UserJSON[]>('users', 'list')).toEqual([dave]);
  });

  it('issues tokens the running server accepts, with --password and --expires-in', async () => {
    const tokens = await cli.json<TokensJSON>('token', 'dave', '--password', password, '--expires-in', '120');
    expect(Object.keys(tokens)).toEqual(['idToken', 'accessToken', 'refreshToken']);
    const access = decodeJWT(tokens.accessToken).payload;
    expect(access).toMatchObject({ token_use: 'access', username: 'dave' });
    expect((access['exp'] as number) - (access['iat'] as number)).toBe(120);
    expect(decodeJWT(tokens.idToken).payload).toMatchObject({ token_use: 'id', 'cognito:username': 'dave' });
    for (const token of [tokens.accessToken, tokens.idToken]) {
      const result = await post(
        server.graphqlUrl,
        { query: '{ whoami { username } }' },
        { authorization: token },
      );
      expect(result.json).toEqual({ data: { whoami: { username: 'dave' } } });
    }
  });

  it('refuses a wrong password with exit code 2 and one stderr line', async () => {
    const result = await cli.run('token', 'dave', '--password', 'wrong-Passw0rd!');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('gatehouse token: Incorrect username or password.\n');
  });

  it('issues temporary IAM credentials for guests and users that sign requests to the server', async () => {
    const before = Date.now();
    const [guest, user] = await Promise.all([
      cli.json<CLICredentials>('credentials', '--guest', '--expires-in', '900'),
      cli.json<CLICredentials>('credentials', '--user', 'dave'),
    ]);
    const after = Date.now();
    for (const credentials of [guest, user]) {
      expect(Object.keys(credentials)).toEqual([
        'identityId',
        'accessKeyId',
        'secretAccessKey',
        'sessionToken',
        'expiration',
      ]);
      expect(credentials.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
      expect(credentials.expiration).toBe(new Date(Date.parse(credentials.expiration)).toISOString());
    }
    expect(guest.identityId).not.toBe(user.identityId);
    // Issued between before and after, valid 900 s, in whole seconds.
    expect(Date.parse(guest.expiration)).toBeGreaterThanOrEqual(before + 899_000);
    expect(Date.parse(guest.expiration)).toBeLessThanOrEqual(after + 900_000);
    const body = JSON.stringify({ query: '{ stats { posts } }' });
    for (const credentials of [guest, user]) {
      const headers = await signGraphQLRequest(server.graphqlUrl, body, credentials);
      const result = await post(server.graphqlUrl, body, headers);
      expect(result.json, result.text).toEqual({ data: { stats: { posts: 0 } } });
    }
  });

  it('rejects bad arguments with exit code 2 and one stderr line, changing nothing', async () => {
    const before = await snapshot();
    const cases: { args: string[]; stderr: string }[] = [
      { args: ['api-keys', 'create', '--bogus'], stderr: "gatehouse api-keys: Unknown option '--bogus'." },
      {
        args: ['api-keys', 'create', '--expires-in-days', '0'],
        stderr: 'gatehouse api-keys: "--expires-in-days" must be an integer from 1 to 365.',
      },
      {
        args: ['api-keys', 'create', '--expires-in-days', '366'],
        stderr: 'gatehouse api-keys: "--expires-in-days" must be an integer from 1 to 365.',
      },
      { args: ['users', 'create'], stderr: 'gatehouse users: Missing user name.' },
      { args: ['users', 'create', 'frank'], stderr: 'gatehouse users: "--password" is required.' },
      {
        args: ['credentials', '--expires-in', '60'],
        stderr: 'gatehouse credentials: Give exactly one of "--guest" or "--user NAME".',
      },
    ];
    const results = await Promise.all(cases.map((entry) => cli.run(...entry.args)));
    results.forEach((result, index) => {
      const expected = cases[index];
      const label = expected?.args.join(' ');
      expect(result.code, label).toBe(2);
      expect(result.stdout, label).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, label).toHaveLength(1);
      expect(lines[0], label).toContain(expected?.stderr);
    });
    expect(await snapshot()).toEqual(before);
  });

  it('rejects an unknown command with exit code 2 and one stderr line naming it', async () => {
    const result = await runCLI(['frobnicate', '--data', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Unknown command "frobnicate"; run "gatehouse --help" for the list.\n');
  });
});

describe('bad configs', () => {
  it('stop gatehouse dev with exit code 2 naming the field, before anything is written', async () => {
    const example = await exampleConfigJSON();
    const providers = example['additionalAuthenticationProviders'] as Record<string, unknown>[];
    const cases: { name: string; config: Record<string, unknown>; field: string }[] = [
      {
        name: 'none.json',
        config: { ...example, authenticationType: 'NONE' },
        field: '"authenticationType"',
      },
      { name: 'unknown-key.json', config: { ...example, colour: 'blue' }, field: '"colour"' },
      {
        name: 'bad-regex.json',
        config: {
          ...example,
          additionalAuthenticationProviders: providers.map((provider) =>
            provider['authenticationType'] === 'AWS_LAMBDA'
              ? {
                  ...provider,
                  lambdaAuthorizerConfig: {
                    authorizerUri: 'file:./authorizer.mjs',
                    identityValidationExpression: 'custom-[a-z',
                  },
                }
              : provider,
          ),
        },
        field: 'identityValidationExpression',
      },
    ];
    const results = await Promise.all(
      cases.map(async (entry) => {
        const configPath = await writeConfig(dir, entry.config, entry.name);
        const target = join(dir.path, `data-${entry.name}`);
        const result = await runCLI(['dev', '--config', configPath, '--data', target, '--port', '0']);
        return { ...entry, result, target };
      }),
    );
    for (const { name, result, target, field } of results) {
      expect(result.code, name).toBe(2);
      expect(result.stdout, name).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0], name).toMatch(/^gatehouse dev: Invalid config ".*": /);
      expect(lines[0], name).toContain(field);
      expect(existsSync(target), name).toBe(false);
    }
  });

  it('stop gatehouse dev with exit code 2 on an invalid schema, before anything is written', async () => {
    const example = await exampleConfigJSON();
    const schemaPath = join(dir.path, 'broken.graphql');
    await writeFile(schemaPath, 'type Query { posts: [Post] }\n');
    const configPath = await writeConfig(dir, { ...example, schema: schemaPath }, 'broken-schema.json');
    const target = join(dir.path, 'data-broken-schema');
    const result = await runCLI(['dev', '--config', configPath, '--data', target, '--port', '0']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gatehouse dev: The schema file ".*broken\.graphql" is invalid: /);
    expect(lines[0]).toContain('Post');
    expect(existsSync(target)).toBe(false);
  });
});

describe('restarts and signals', () => {
  it('stops on SIGTERM with exit code 0; a restart keeps users, keys, posts and pool ids; SIGINT stops it too', async () => {
    const created = await post(
      server.graphqlUrl,
      { query: 'mutation { createPost(title: "Survives restarts") { id } }' },
      { authorization: 'custom-bob' },
    );
    expect(created.status, created.text).toBe(200);
    const key = await cli.json<APIKeyJSON>('api-keys', 'create');
    const state = await snapshot();
    expect(state.keys).toContainEqual({ ...key, id: `${key.id.slice(0, 8)}…` });
    const resources = await readJSON<AmplifyResourcesFile>('amplify-resources.json');

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toContain('Received SIGTERM; stopping.');
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);

    server = await spawnDevServer({ configPath: exampleConfig, dataDir });
    expect(server.stdout()).not.toMatch(/\(new, valid 7 days; shown once\)/);
    const restarted = await readJSON<AmplifyResourcesFile>('amplify-resources.json');
    expect(restarted.Auth.Cognito).toEqual({
      ...resources.Auth.Cognito,
      userPoolEndpoint: `${server.baseUrl}/cognito-idp`,
      identityPoolEndpoint: `${server.baseUrl}/cognito-identity`,
    });
    expect(restarted.API.GraphQL.apiKey).toBe(resources.API.GraphQL.apiKey);
    const [after, tokens] = await Promise.all([snapshot(), cli.json<TokensJSON>('token', 'dave')]);
    expect(after).toEqual(state);
    const posts = await post(server.graphqlUrl, postsQuery, { 'x-api-key': key.id });
    expect(posts.json).toEqual({ data: { posts: [{ title: 'Survives restarts', author: 'bob' }] } });
    const whoami = await post(
      server.graphqlUrl,
      { query: '{ whoami { username } }' },
      {
        authorization: tokens.accessToken,
      },
    );
    expect(whoami.json).toEqual({ data: { whoami: { username: 'dave' } } });

    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toContain('Received SIGINT; stopping.');
  });
});
