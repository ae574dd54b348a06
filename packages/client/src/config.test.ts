import { describe, expect, it } from 'vitest';
import { AmplifyAPI } from './api-plugin.js';
import { AmplifyClass } from './amplify.js';
import { parseAmplifyConfig } from './config.js';
import { AmplifyAlreadyConfiguredException, ConfigurationException } from './errors.js';

const url = 'https://abc.appsync-api.us-east-1.amazonaws.com/graphql';

function gen1(plugins: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { UserAgent: 'x', Version: '1.0', api: { plugins: { awsAPIPlugin: plugins } }, ...extra };
}

const cognitoPlugin = {
  plugins: {
    awsCognitoAuthPlugin: {
      CognitoUserPool: {
        Default: {
          PoolId: 'us-east-1_Abc',
          AppClientId: 'client1',
          Region: 'us-east-1',
          Endpoint: 'http://127.0.0.1:4000/cognito-idp',
        },
      },
      CredentialsProvider: {
        CognitoIdentity: {
          Default: {
            PoolId: 'us-east-1:1234',
            Region: 'us-east-1',
            Endpoint: 'http://127.0.0.1:4000/cognito-identity',
          },
        },
      },
    },
  },
};

function issuesOf(config: unknown, options = {}): { path: string; message: string }[] {
  try {
    parseAmplifyConfig(config as object, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationException);
    return [...(error as ConfigurationException).issues];
  }
  throw new Error('expected a ConfigurationException');
}

describe('parseAmplifyConfig (client.md §1)', () => {
  it('C1: parses Gen 1 with four friendly names and the Cognito plugin, endpoints included', () => {
    const entry = (mode: string, extra = {}) => ({
      endpointType: 'GraphQL',
      endpoint: url,
      region: 'us-east-1',
      authorizationType: mode,
      ...extra,
    });
    const config = parseAmplifyConfig(
      gen1(
        {
          shop_API_KEY: entry('API_KEY', { apiKey: 'da2-key' }),
          shop_AWS_IAM: entry('AWS_IAM'),
          shop_AMAZON_COGNITO_USER_POOLS: entry('AMAZON_COGNITO_USER_POOLS'),
          shop_OPENID_CONNECT: entry('OPENID_CONNECT'),
          rest: { endpointType: 'REST', endpoint: 'https://rest.example.com' },
        },
        { auth: cognitoPlugin },
      ),
    );
    expect(config.format).toBe('gen1');
    expect(config.apis.map((api) => [api.name, api.defaultAuthorizationType])).toEqual([
      ['shop_API_KEY', 'API_KEY'],
      ['shop_AWS_IAM', 'AWS_IAM'],
      ['shop_AMAZON_COGNITO_USER_POOLS', 'AMAZON_COGNITO_USER_POOLS'],
      ['shop_OPENID_CONNECT', 'OPENID_CONNECT'],
    ]);
    expect(config.apis[0]!.endpoint).toBeInstanceOf(URL);
    expect(config.apis[0]!.apiKey).toBe('da2-key');
    expect(config.auth?.userPool).toMatchObject({
      poolId: 'us-east-1_Abc',
      appClientId: 'client1',
      region: 'us-east-1',
    });
    expect(config.auth?.userPool?.endpoint?.href).toBe('http://127.0.0.1:4000/cognito-idp');
    expect(config.auth?.identityPool).toMatchObject({ poolId: 'us-east-1:1234', allowGuest: true });
    expect(config.auth?.identityPool?.endpoint?.href).toBe('http://127.0.0.1:4000/cognito-identity');
  });

  it('C1: lets AppSync entries add their mode and a missing key to the API with that URL', () => {
    const config = parseAmplifyConfig(
      gen1(
        {
          shop: {
            endpointType: 'GraphQL',
            endpoint: url,
            region: 'us-east-1',
            authorizationType: 'AMAZON_COGNITO_USER_POOLS',
          },
        },
        {
          AppSync: {
            Default: { ApiUrl: url, Region: 'us-east-1', AuthMode: 'API_KEY', ApiKey: 'da2-from-appsync' },
          },
        },
      ),
    );
    expect(config.apis[0]).toMatchObject({
      defaultAuthorizationType: 'AMAZON_COGNITO_USER_POOLS',
      authorizationTypes: ['AMAZON_COGNITO_USER_POOLS', 'API_KEY'],
      apiKey: 'da2-from-appsync',
    });
  });

  it('C1: parses Gen 2 into one API named "data"', () => {
    const config = parseAmplifyConfig(
      JSON.stringify({
        version: '1.3',
        data: {
          url,
          aws_region: 'us-east-1',
          api_key: 'da2-k',
          default_authorization_type: 'AWS_IAM',
          authorization_types: ['API_KEY', 'NONE'],
        },
        auth: {
          aws_region: 'us-east-1',
          user_pool_id: 'us-east-1_Abc',
          user_pool_client_id: 'c',
          identity_pool_id: 'us-east-1:1',
          unauthenticated_identities_enabled: true,
        },
      }),
    );
    expect(config.format).toBe('gen2');
    expect(config.apis).toHaveLength(1);
    expect(config.apis[0]).toMatchObject({
      name: 'data',
      region: 'us-east-1',
      apiKey: 'da2-k',
      defaultAuthorizationType: 'AWS_IAM',
      authorizationTypes: ['AWS_IAM', 'API_KEY', 'NONE'],
    });
    expect(config.auth?.identityPool).toMatchObject({ poolId: 'us-east-1:1', allowGuest: true });
  });

  it('rejects an unrecognised format', () => {
    expect(() => parseAmplifyConfig({ foo: 1 })).toThrow('Unrecognised configuration format.');
  });

  it('C2: reports every rule with its path, several issues in one exception', () => {
    const issues = issuesOf(
      gen1(
        {
          a: { endpointType: 'GraphQL', region: 'us-east-1', authorizationType: 'API_KEY' },
          b: { endpointType: 'GraphQL', endpoint: 'not a url', authorizationType: 'NONE' },
          c: {
            endpointType: 'GraphQL',
            endpoint: 'https://x.example.com/graphql#frag',
            authorizationType: 'NONE',
          },
          d: {
            endpointType: 'GraphQL',
            endpoint: 'http://api.example.com/graphql',
            authorizationType: 'NONE',
          },
          e: {
            endpointType: 'GraphQL',
            endpoint: 'https://e.example.com/graphql',
            authorizationType: 'BEARER',
          },
          f: {
            endpointType: 'GraphQL',
            endpoint: 'https://f.example.com/graphql',
            authorizationType: 'AWS_IAM',
          },
          g: { endpointType: 'SOAP', endpoint: 'https://g.example.com' },
        },
        {
          auth: {
            plugins: {
              awsCognitoAuthPlugin: {
                CognitoUserPool: { Default: { PoolId: 'p' } },
                CredentialsProvider: { CognitoIdentity: { Default: {} } },
              },
            },
          },
        },
      ),
    );
    const base = 'api.plugins.awsAPIPlugin';
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: `${base}.a.endpoint`, message: 'Missing endpoint for API "a".' },
        { path: `${base}.b.endpoint`, message: 'Invalid endpoint URL for API "b".' },
        { path: `${base}.c.endpoint`, message: 'Invalid endpoint URL for API "c".' },
        {
          path: `${base}.d.endpoint`,
          message: 'Non-HTTPS endpoint for API "d": http:// is allowed only for loopback hosts.',
        },
        {
          path: `${base}.e.authorizationType`,
          message:
            'Unknown authorizationType "BEARER" for API "e"; expected API_KEY, AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_LAMBDA or NONE.',
        },
        { path: `${base}.a`, message: 'API "a" uses API_KEY but has no apiKey.' },
        { path: `${base}.f`, message: 'API "f" uses AWS_IAM but has no region.' },
        { path: `${base}.g.endpointType`, message: 'Unknown endpointType "SOAP" for API "g".' },
        {
          path: 'auth.plugins.awsCognitoAuthPlugin.CognitoUserPool.Default.AppClientId',
          message: 'User pool config is missing "AppClientId".',
        },
        {
          path: 'auth.plugins.awsCognitoAuthPlugin.CognitoUserPool.Default.Region',
          message: 'User pool config is missing "Region".',
        },
        {
          path: 'auth.plugins.awsCognitoAuthPlugin.CredentialsProvider.CognitoIdentity.Default.PoolId',
          message: 'Identity pool config is missing "PoolId".',
        },
      ]),
    );
  });

  it('C2: reports unknown Gen 2 types at their array path, and a missing GraphQL API when the API plugin needs one', () => {
    expect(
      issuesOf({
        version: '1',
        data: {
          url,
          aws_region: 'r',
          default_authorization_type: 'API_KEY',
          api_key: 'k',
          authorization_types: ['X'],
        },
      }),
    ).toEqual([
      {
        path: 'data.authorization_types[0]',
        message:
          'Unknown authorizationType "X" for API "data"; expected API_KEY, AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_LAMBDA or NONE.',
      },
    ]);
    expect(issuesOf({ version: '1' }, { requireGraphQLApi: true })).toEqual([
      { path: 'data', message: 'Configuration has no GraphQL API.' },
    ]);
  });

  it('C2: accepts an API_KEY API without a key when another API on the same URL has one', () => {
    const entry = (mode: string, extra = {}) => ({
      endpointType: 'GraphQL',
      endpoint: url,
      region: 'us-east-1',
      authorizationType: mode,
      ...extra,
    });
    expect(() =>
      parseAmplifyConfig(gen1({ a: entry('API_KEY'), b: entry('API_KEY', { apiKey: 'k' }) })),
    ).not.toThrow();
  });

  it.each([
    'http://127.0.0.1:4000/graphql',
    'http://localhost/graphql',
    'http://[::1]:8080/graphql',
    'http://127.8.9.10/graphql',
  ])('C3: accepts loopback http %s', (endpoint) => {
    expect(() =>
      parseAmplifyConfig(gen1({ a: { endpointType: 'GraphQL', endpoint, authorizationType: 'NONE' } })),
    ).not.toThrow();
  });

  it('C3: rejects http to a private but non-loopback host', () => {
    expect(
      issuesOf(
        gen1({
          a: { endpointType: 'GraphQL', endpoint: 'http://10.0.0.5/graphql', authorizationType: 'NONE' },
        }),
      )[0]!.message,
    ).toBe('Non-HTTPS endpoint for API "a": http:// is allowed only for loopback hosts.');
  });

  it('C3: throws on a second configure', async () => {
    const amplify = new AmplifyClass();
    await amplify.addPlugin(new AmplifyAPI());
    const config = gen1({ a: { endpointType: 'GraphQL', endpoint: url, authorizationType: 'NONE' } });
    await amplify.configure(config);
    expect(amplify.isConfigured).toBe(true);
    await expect(amplify.configure(config)).rejects.toBeInstanceOf(AmplifyAlreadyConfiguredException);
  });

  it('requires a GraphQL API when the API plugin is added', async () => {
    const amplify = new AmplifyClass();
    await amplify.addPlugin(new AmplifyAPI());
    await expect(amplify.configure({ version: '1.3' })).rejects.toThrow('Configuration has no GraphQL API.');
  });

  it('refuses a second plugin of one category and plugins after configure', async () => {
    const amplify = new AmplifyClass();
    await amplify.addPlugin(new AmplifyAPI());
    await expect(amplify.addPlugin(new AmplifyAPI())).rejects.toMatchObject({ code: 'ERR_AMPLIFY_PLUGIN' });
  });

  it('throws ConfigurationException when a category is used without its plugin or before configure', async () => {
    const amplify = new AmplifyClass();
    expect(() => amplify.API).toThrow(ConfigurationException);
    await amplify.addPlugin(new AmplifyAPI());
    expect(() => amplify.API).toThrow('Amplify is not configured');
  });
});
