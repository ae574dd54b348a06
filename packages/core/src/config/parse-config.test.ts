import { describe, expect, it } from 'vitest';
import { ConfigError, isConfigError } from './config-error.js';
import { parseConfig, providersOf } from './parse-config.js';

const poolA = { userPoolId: 'us-east-1_PoolA', awsRegion: 'us-east-1', defaultAction: 'ALLOW' };

const good = {
  $schema: './gatehouse.schema.json',
  name: 'multi-auth',
  schema: './schema.graphql',
  resolvers: './resolvers',
  authenticationType: 'AMAZON_COGNITO_USER_POOLS',
  userPoolConfig: { ...poolA, appIdClientRegex: '^web-[a-z0-9]+$' },
  additionalAuthenticationProviders: [
    { authenticationType: 'API_KEY' },
    {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: {
        issuer: 'https://idp.example.com',
        clientId: 'client-.*',
        iatTTL: 0,
        authTTL: 3_600_000,
        allowedAlgorithms: ['RS256', 'ES256'],
      },
    },
    { authenticationType: 'AMAZON_COGNITO_USER_POOLS', userPoolConfig: { userPoolId: 'local' } },
    { authenticationType: 'AWS_IAM' },
    {
      authenticationType: 'AWS_LAMBDA',
      lambdaAuthorizerConfig: {
        authorizerUri: 'file:./authorizer.mjs',
        authorizerResultTtlInSeconds: 300,
        identityValidationExpression: '^custom-.*$',
      },
    },
    {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'http://127.0.0.1:9000/realms/dev' },
    },
  ],
  region: 'eu-west-1',
  accountId: '210987654321',
  apiId: 'gatehouse-api',
  clockToleranceSeconds: 30,
  strictSchema: true,
  iam: {
    roles: {
      authenticated: {
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' }],
        },
      },
      unauthenticated: {
        policy: {
          Statement: {
            Effect: 'Deny',
            Action: ['appsync:GraphQL'],
            Resource: ['arn:aws:appsync:*:*:apis/*/types/Mutation/fields/*'],
          },
        },
      },
    },
    accessKeys: [
      {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        userArn: 'arn:aws:iam::123456789012:user/ci',
        username: 'AIDAEXAMPLE',
        accountId: '123456789012',
        admin: true,
        policy: { Statement: [{ Sid: 'all', Effect: 'Allow', Action: 'appsync:*', Resource: '*' }] },
      },
    ],
  },
  storage: { engine: 'sqlite' },
  pubsub: { kind: 'memory' },
  identity: { port: 4200 },
};

type Json = Record<string, unknown>;
const clone = (): Json => structuredClone(good);
const additional = (config: Json): Json[] => config['additionalAuthenticationProviders'] as Json[];

function expectConfigError(raw: unknown, field: string, message?: string): ConfigError {
  let caught: unknown;
  try {
    parseConfig(raw);
  } catch (error) {
    caught = error;
  }
  expect(isConfigError(caught)).toBe(true);
  const error = caught as ConfigError;
  expect(error).toBeInstanceOf(TypeError);
  expect(error.code).toBe('ERR_CONFIG_INVALID');
  expect(error.field).toBe(field);
  expect(error.message.startsWith(`"${field}" `)).toBe(true);
  if (message !== undefined) expect(error.message).toBe(message);
  return error;
}

describe('parseConfig: accepted configs', () => {
  it('accepts a full multi-provider config and keeps its values', () => {
    const config = parseConfig(good);
    expect(config.authenticationType).toBe('AMAZON_COGNITO_USER_POOLS');
    expect(config.userPoolConfig).toEqual({ ...poolA, appIdClientRegex: '^web-[a-z0-9]+$' });
    expect(config.additionalAuthenticationProviders).toHaveLength(6);
    expect(config.region).toBe('eu-west-1');
    expect(config.iam?.accessKeys?.[0]?.admin).toBe(true);
    expect(config.storage).toEqual({ engine: 'sqlite' });
  });

  it('accepts a minimal API key config and fills in the region and account defaults', () => {
    const config = parseConfig({ name: 'n', schema: 's.graphql', authenticationType: 'API_KEY' });
    expect(config).toEqual({
      name: 'n',
      schema: 's.graphql',
      authenticationType: 'API_KEY',
      region: 'us-east-1',
      accountId: '123456789012',
    });
  });

  it('gives the built-in pool the API region when awsRegion is absent', () => {
    const config = parseConfig(good);
    expect(config.additionalAuthenticationProviders?.[2]?.userPoolConfig).toEqual({
      userPoolId: 'local',
      awsRegion: 'eu-west-1',
    });
  });

  it('accepts a single default user pool with DENY', () => {
    const config = parseConfig({
      name: 'n',
      schema: 's',
      authenticationType: 'AMAZON_COGNITO_USER_POOLS',
      userPoolConfig: { ...poolA, defaultAction: 'DENY' },
    });
    expect(config.userPoolConfig?.defaultAction).toBe('DENY');
  });

  it('accepts loopback http issuers for pools and an http authorizer on localhost', () => {
    const config = parseConfig({
      name: 'n',
      schema: 's',
      authenticationType: 'AWS_LAMBDA',
      lambdaAuthorizerConfig: { authorizerUri: 'http://localhost:3000/authorize' },
      additionalAuthenticationProviders: [
        {
          authenticationType: 'AMAZON_COGNITO_USER_POOLS',
          userPoolConfig: {
            userPoolId: 'local',
            issuer: 'http://127.0.0.1:4100/local',
            jwksUri: 'http://[::1]:4100/local/.well-known/jwks.json',
          },
        },
      ],
    });
    expect(config.lambdaAuthorizerConfig?.authorizerUri).toBe('http://localhost:3000/authorize');
  });
});

describe('parseConfig: rejected configs', () => {
  it('rejects a value that is not an object', () => {
    expectConfigError([], '(config)');
    expectConfigError(null, '(config)');
  });

  it('rejects unknown top-level keys', () => {
    expectConfigError({ ...clone(), apiKey: 'x' }, 'apiKey');
  });

  it('requires name, schema and authenticationType', () => {
    for (const key of ['name', 'schema', 'authenticationType']) {
      const config = clone();
      delete config[key];
      expectConfigError(config, key);
    }
  });

  it('rejects NONE with a message pointing at the anonymous alternatives', () => {
    const error = expectConfigError({ ...clone(), authenticationType: 'NONE' }, 'authenticationType');
    expect(error.message).toContain('"API_KEY"');
  });

  it('rejects an unknown mode and NONE as an additional provider', () => {
    expectConfigError({ ...clone(), authenticationType: 'api_key' }, 'authenticationType');
    const config = clone();
    additional(config)[1] = { authenticationType: 'NONE' };
    expectConfigError(config, 'additionalAuthenticationProviders[1].authenticationType');
  });

  it('requires the config object of the mode and refuses the others', () => {
    const config = clone();
    delete config['userPoolConfig'];
    expectConfigError(
      config,
      'userPoolConfig',
      '"userPoolConfig" is required when "authenticationType" is "AMAZON_COGNITO_USER_POOLS".',
    );
    expectConfigError({ ...clone(), openIDConnectConfig: { issuer: 'https://x' } }, 'openIDConnectConfig');
    const extra = clone();
    additional(extra)[0] = { authenticationType: 'API_KEY', userPoolConfig: poolA };
    expectConfigError(extra, 'additionalAuthenticationProviders[0].userPoolConfig');
    const missing = clone();
    additional(missing)[4] = { authenticationType: 'AWS_LAMBDA' };
    expectConfigError(missing, 'additionalAuthenticationProviders[4].lambdaAuthorizerConfig');
  });

  it('allows API_KEY, AWS_IAM and AWS_LAMBDA once in total', () => {
    const config = clone();
    additional(config).push({ authenticationType: 'AWS_IAM' });
    expectConfigError(config, 'additionalAuthenticationProviders[6].authenticationType');
    const keyTwice = {
      name: 'n',
      schema: 's',
      authenticationType: 'API_KEY',
      additionalAuthenticationProviders: [{ authenticationType: 'API_KEY' }],
    };
    expectConfigError(keyTwice, 'additionalAuthenticationProviders[0].authenticationType');
  });

  it('allows each user pool id and issuer once', () => {
    const pools = clone();
    additional(pools).push({
      authenticationType: 'AMAZON_COGNITO_USER_POOLS',
      userPoolConfig: { userPoolId: 'us-east-1_PoolA', awsRegion: 'us-east-1' },
    });
    expectConfigError(pools, 'additionalAuthenticationProviders[6].userPoolConfig.userPoolId');
    const locals = clone();
    additional(locals).push({
      authenticationType: 'AMAZON_COGNITO_USER_POOLS',
      userPoolConfig: { userPoolId: 'local' },
    });
    expectConfigError(locals, 'additionalAuthenticationProviders[6].userPoolConfig.userPoolId');
    const issuers = clone();
    additional(issuers).push({
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'https://idp.example.com' },
    });
    expectConfigError(issuers, 'additionalAuthenticationProviders[6].openIDConnectConfig.issuer');
    const crossMode = clone();
    additional(crossMode).push({
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolA' },
    });
    expectConfigError(crossMode, 'additionalAuthenticationProviders[6].openIDConnectConfig.issuer');
  });

  it('allows at most 50 providers', () => {
    const oidc = (index: number) => ({
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: `https://idp${index}.example.com` },
    });
    const base = { name: 'n', schema: 's', authenticationType: 'API_KEY' };
    expect(() =>
      parseConfig({
        ...base,
        additionalAuthenticationProviders: Array.from({ length: 49 }, (_, i) => oidc(i)),
      }),
    ).not.toThrow();
    expectConfigError(
      { ...base, additionalAuthenticationProviders: Array.from({ length: 50 }, (_, i) => oidc(i)) },
      'additionalAuthenticationProviders',
    );
  });

  it('requires ALLOW on a default user pool with additional providers', () => {
    const config = clone();
    config['userPoolConfig'] = { ...poolA, defaultAction: 'DENY' };
    expectConfigError(config, 'userPoolConfig.defaultAction');
  });

  it('requires defaultAction on the default pool and refuses it on additional pools', () => {
    const config = clone();
    config['userPoolConfig'] = { userPoolId: 'us-east-1_PoolA', awsRegion: 'us-east-1' };
    expectConfigError(config, 'userPoolConfig.defaultAction');
    const lower = clone();
    lower['userPoolConfig'] = { ...poolA, defaultAction: 'allow' };
    expectConfigError(lower, 'userPoolConfig.defaultAction');
    const extra = clone();
    additional(extra)[2] = {
      authenticationType: 'AMAZON_COGNITO_USER_POOLS',
      userPoolConfig: { userPoolId: 'local', defaultAction: 'ALLOW' },
    };
    expectConfigError(extra, 'additionalAuthenticationProviders[2].userPoolConfig.defaultAction');
  });

  it('requires userPoolId, and awsRegion unless the pool is the built-in one', () => {
    const noId = clone();
    noId['userPoolConfig'] = { awsRegion: 'us-east-1', defaultAction: 'ALLOW' };
    expectConfigError(noId, 'userPoolConfig.userPoolId');
    const badId = clone();
    badId['userPoolConfig'] = { ...poolA, userPoolId: 'us-east-1/../x' };
    expectConfigError(badId, 'userPoolConfig.userPoolId');
    const noRegion = clone();
    noRegion['userPoolConfig'] = { userPoolId: 'us-east-1_PoolA', defaultAction: 'ALLOW' };
    expectConfigError(noRegion, 'userPoolConfig.awsRegion');
    const badRegion = clone();
    badRegion['userPoolConfig'] = { ...poolA, awsRegion: 'Mars' };
    expectConfigError(badRegion, 'userPoolConfig.awsRegion');
  });

  it('rejects unknown keys inside provider configs, so typos cannot drop a check', () => {
    const config = clone();
    config['userPoolConfig'] = { ...poolA, appIdClientRegexp: '^web$' };
    expectConfigError(config, 'userPoolConfig.appIdClientRegexp');
  });

  it('requires regular expressions to compile', () => {
    const pool = clone();
    pool['userPoolConfig'] = { ...poolA, appIdClientRegex: '([a-z' };
    expectConfigError(
      pool,
      'userPoolConfig.appIdClientRegex',
      '"userPoolConfig.appIdClientRegex" must be a valid regular expression.',
    );
    const oidc = clone();
    additional(oidc)[1] = {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'https://idp.example.com', clientId: '*' },
    };
    expectConfigError(oidc, 'additionalAuthenticationProviders[1].openIDConnectConfig.clientId');
    const lambda = clone();
    additional(lambda)[4] = {
      authenticationType: 'AWS_LAMBDA',
      lambdaAuthorizerConfig: { authorizerUri: 'file:./a.mjs', identityValidationExpression: '[' },
    };
    expectConfigError(
      lambda,
      'additionalAuthenticationProviders[4].lambdaAuthorizerConfig.identityValidationExpression',
    );
  });

  it('requires https issuers except on loopback hosts', () => {
    const config = clone();
    additional(config)[1] = {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'http://idp.example.com' },
    };
    expectConfigError(
      config,
      'additionalAuthenticationProviders[1].openIDConnectConfig.issuer',
      '"additionalAuthenticationProviders[1].openIDConnectConfig.issuer" must be an https URL (http is allowed only for loopback hosts).',
    );
    const notURL = clone();
    additional(notURL)[1] = {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'idp.example.com' },
    };
    expectConfigError(notURL, 'additionalAuthenticationProviders[1].openIDConnectConfig.issuer');
    const lookalike = clone();
    additional(lookalike)[1] = {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { issuer: 'http://127.0.0.1.evil.com/' },
    };
    expectConfigError(lookalike, 'additionalAuthenticationProviders[1].openIDConnectConfig.issuer');
    const poolIssuer = clone();
    poolIssuer['userPoolConfig'] = { ...poolA, jwksUri: 'http://keys.example.com/jwks.json' };
    expectConfigError(poolIssuer, 'userPoolConfig.jwksUri');
  });

  it('requires iatTTL and authTTL to be integers of at least 0', () => {
    for (const [key, value] of [
      ['iatTTL', -1],
      ['authTTL', 1.5],
      ['iatTTL', '60'],
    ] as const) {
      const config = clone();
      additional(config)[1] = {
        authenticationType: 'OPENID_CONNECT',
        openIDConnectConfig: { issuer: 'https://idp.example.com', [key]: value },
      };
      expectConfigError(config, `additionalAuthenticationProviders[1].openIDConnectConfig.${key}`);
    }
  });

  it('refuses none and HS* in allowedAlgorithms', () => {
    for (const alg of ['none', 'HS256']) {
      const config = clone();
      additional(config)[1] = {
        authenticationType: 'OPENID_CONNECT',
        openIDConnectConfig: { issuer: 'https://idp.example.com', allowedAlgorithms: ['RS256', alg] },
      };
      expectConfigError(
        config,
        'additionalAuthenticationProviders[1].openIDConnectConfig.allowedAlgorithms[1]',
      );
    }
  });

  it('requires authorizerUri to be a file: module or an https URL', () => {
    for (const uri of ['./a.mjs', 'http://lambda.example.com/', 'file:', 'ftp://x', '']) {
      const config = clone();
      additional(config)[4] = {
        authenticationType: 'AWS_LAMBDA',
        lambdaAuthorizerConfig: { authorizerUri: uri },
      };
      expectConfigError(config, 'additionalAuthenticationProviders[4].lambdaAuthorizerConfig.authorizerUri');
    }
  });

  it('requires authorizerResultTtlInSeconds from 0 to 3600', () => {
    for (const ttl of [-1, 3601, 1.5, '300']) {
      const config = clone();
      additional(config)[4] = {
        authenticationType: 'AWS_LAMBDA',
        lambdaAuthorizerConfig: { authorizerUri: 'file:./a.mjs', authorizerResultTtlInSeconds: ttl },
      };
      expectConfigError(
        config,
        'additionalAuthenticationProviders[4].lambdaAuthorizerConfig.authorizerResultTtlInSeconds',
      );
    }
  });

  it('requires clockToleranceSeconds from 0 to 300', () => {
    expectConfigError({ ...clone(), clockToleranceSeconds: 301 }, 'clockToleranceSeconds');
    expectConfigError({ ...clone(), clockToleranceSeconds: -1 }, 'clockToleranceSeconds');
  });

  it('checks region, accountId, apiId and strictSchema', () => {
    expectConfigError({ ...clone(), region: 'US-EAST-1' }, 'region');
    expectConfigError({ ...clone(), accountId: 123456789012 }, 'accountId');
    expectConfigError({ ...clone(), accountId: '12345' }, 'accountId');
    expectConfigError({ ...clone(), apiId: 'a/b' }, 'apiId');
    expectConfigError({ ...clone(), strictSchema: 'yes' }, 'strictSchema');
  });

  it('checks the iam shape', () => {
    const base = clone();
    const iam = (value: unknown): Json => ({ ...base, iam: value });
    expectConfigError(iam({ users: [] }), 'iam.users');
    expectConfigError(iam({ roles: { admin: {} } }), 'iam.roles.admin');
    expectConfigError(iam({ roles: { authenticated: {} } }), 'iam.roles.authenticated.policy');
    expectConfigError(
      iam({ roles: { authenticated: { policy: {} } } }),
      'iam.roles.authenticated.policy.Statement',
    );
    expectConfigError(
      iam({ roles: { authenticated: { policy: { Statement: [] } } } }),
      'iam.roles.authenticated.policy.Statement',
    );
    const statement = (value: Json): Json =>
      iam({ roles: { authenticated: { policy: { Statement: [value] } } } });
    expectConfigError(
      statement({ Effect: 'allow', Action: '*', Resource: '*' }),
      'iam.roles.authenticated.policy.Statement[0].Effect',
    );
    expectConfigError(
      statement({ Effect: 'Allow', Action: [], Resource: '*' }),
      'iam.roles.authenticated.policy.Statement[0].Action',
    );
    expectConfigError(
      statement({ Effect: 'Allow', Action: '*', Resource: [1] }),
      'iam.roles.authenticated.policy.Statement[0].Resource',
    );
    expectConfigError(
      statement({ Effect: 'Allow', NotAction: '*', Action: '*', Resource: '*' }),
      'iam.roles.authenticated.policy.Statement[0].NotAction',
    );
    expectConfigError(iam({ accessKeys: {} }), 'iam.accessKeys');
  });

  it('requires the access key fields and never echoes the secret', () => {
    const key = good.iam.accessKeys[0] as Json;
    for (const field of ['accessKeyId', 'secretAccessKey', 'userArn', 'policy']) {
      const entry = { ...key };
      delete entry[field];
      expectConfigError({ ...clone(), iam: { accessKeys: [entry] } }, `iam.accessKeys[0].${field}`);
    }
    const error = expectConfigError(
      { ...clone(), iam: { accessKeys: [{ ...key, userArn: 'user/ci' }] } },
      'iam.accessKeys[0].userArn',
    );
    expect(error.message).not.toContain(String(key['secretAccessKey']));
    expectConfigError({ ...clone(), iam: { accessKeys: [key, key] } }, 'iam.accessKeys[1].accessKeyId');
    expectConfigError(
      { ...clone(), iam: { accessKeys: [{ ...key, accountId: '1' }] } },
      'iam.accessKeys[0].accountId',
    );
  });

  it('names the offending field in every message as one sentence', () => {
    const error = expectConfigError({ ...clone(), region: 1 }, 'region');
    expect(error.message).toBe('"region" must be a non-empty string.');
    expect(error).toBeInstanceOf(ConfigError);
  });
});

describe('providersOf', () => {
  it('lists the default provider first, then the additional ones in order', () => {
    const providers = providersOf(parseConfig(good));
    expect(providers.map((p) => [p.mode, p.isDefault])).toEqual([
      ['AMAZON_COGNITO_USER_POOLS', true],
      ['API_KEY', false],
      ['OPENID_CONNECT', false],
      ['AMAZON_COGNITO_USER_POOLS', false],
      ['AWS_IAM', false],
      ['AWS_LAMBDA', false],
      ['OPENID_CONNECT', false],
    ]);
    expect(providers[0]?.userPoolConfig?.userPoolId).toBe('us-east-1_PoolA');
    expect(providers[2]?.openIDConnectConfig?.issuer).toBe('https://idp.example.com');
    expect(providers[5]?.lambdaAuthorizerConfig?.authorizerUri).toBe('file:./authorizer.mjs');
    expect(providers[1]).toEqual({ mode: 'API_KEY', isDefault: false });
  });
});

describe('parseConfig: document tables and the built-in OIDC issuer', () => {
  const minimal = { name: 'blog', schema: './schema.graphql', authenticationType: 'API_KEY' };

  it('keeps document tables with their keys and indexes', () => {
    const config = parseConfig({
      ...minimal,
      tables: {
        Posts: {
          partitionKey: 'id',
          indexes: { byAuthor: { partitionKey: 'author', sortKey: 'createdAt' } },
        },
      },
    });
    expect(config.tables).toEqual({
      Posts: { partitionKey: 'id', indexes: { byAuthor: { partitionKey: 'author', sortKey: 'createdAt' } } },
    });
  });

  it('names the table field that is wrong', () => {
    expectConfigError({ ...minimal, tables: { Posts: {} } }, 'tables.Posts.partitionKey');
    expectConfigError(
      { ...minimal, tables: { Posts: { partitionKey: 'id', sortkey: 'x' } } },
      'tables.Posts.sortkey',
    );
    expectConfigError({ ...minimal, tables: { '1bad': { partitionKey: 'id' } } }, 'tables.1bad');
    expectConfigError(
      { ...minimal, tables: { Posts: { partitionKey: 'id', indexes: { byAuthor: { partitionKey: 7 } } } } },
      'tables.Posts.indexes.byAuthor.partitionKey',
    );
  });

  it('accepts "local" as the issuer of the built-in OIDC provider and nothing else without a URL', () => {
    const config = parseConfig({
      ...minimal,
      additionalAuthenticationProviders: [
        { authenticationType: 'OPENID_CONNECT', openIDConnectConfig: { issuer: 'local' } },
      ],
    });
    expect(config.additionalAuthenticationProviders?.[0]?.openIDConnectConfig?.issuer).toBe('local');
    expectConfigError(
      {
        ...minimal,
        additionalAuthenticationProviders: [
          { authenticationType: 'OPENID_CONNECT', openIDConnectConfig: { issuer: 'locale' } },
        ],
      },
      'additionalAuthenticationProviders[0].openIDConnectConfig.issuer',
    );
  });
});
