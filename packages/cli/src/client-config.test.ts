import { describe, expect, it } from 'vitest';
import {
  amplifyConfiguration,
  amplifyOutputs,
  amplifyResources,
  type ClientConfigInput,
} from './client-config.js';

const base = 'http://127.0.0.1:4000';
const identity = {
  userPoolId: 'us-east-1_Gatehouse1',
  userPoolClientId: 'abcdefghijklmnopqrstuvwxyz',
  identityPoolId: 'us-east-1:0f9e8d7c-6b5a-4321-8fed-cba987654321',
  allowGuestAccess: true,
  userPoolEndpoint: `${base}/cognito-idp`,
  identityPoolEndpoint: `${base}/cognito-identity`,
};

const input: ClientConfigInput = {
  name: 'blog',
  graphqlUrl: `${base}/graphql`,
  region: 'us-east-1',
  defaultMode: 'AMAZON_COGNITO_USER_POOLS',
  modes: ['AWS_IAM', 'API_KEY'],
  apiKey: 'da2-abcdefghijklmnopqrstuvwxyz',
  identity,
};

describe('amplifyResources', () => {
  it('is a ready ResourcesConfig with both Cognito endpoint overrides (identity.md §7)', () => {
    expect(amplifyResources(input)).toEqual({
      API: {
        GraphQL: {
          endpoint: `${base}/graphql`,
          region: 'us-east-1',
          defaultAuthMode: 'userPool',
          apiKey: 'da2-abcdefghijklmnopqrstuvwxyz',
        },
      },
      Auth: {
        Cognito: {
          userPoolId: 'us-east-1_Gatehouse1',
          userPoolClientId: 'abcdefghijklmnopqrstuvwxyz',
          identityPoolId: 'us-east-1:0f9e8d7c-6b5a-4321-8fed-cba987654321',
          allowGuestAccess: true,
          userPoolEndpoint: `${base}/cognito-idp`,
          identityPoolEndpoint: `${base}/cognito-identity`,
          loginWith: { username: true },
        },
      },
    });
  });

  it('carries guest access and loginWith from the config', () => {
    const resources = amplifyResources({
      ...input,
      identity: { ...identity, allowGuestAccess: false, loginWith: { email: true } },
    }) as { Auth: { Cognito: Record<string, unknown> } };
    expect(resources.Auth.Cognito['allowGuestAccess']).toBe(false);
    expect(resources.Auth.Cognito['loginWith']).toEqual({ email: true });
  });

  it('has no Auth section and no API key when there is no identity service or key', () => {
    const resources = amplifyResources({ ...input, apiKey: undefined, identity: undefined });
    expect(resources).toEqual({
      API: { GraphQL: { endpoint: `${base}/graphql`, region: 'us-east-1', defaultAuthMode: 'userPool' } },
    });
  });

  it('names every mode as aws-amplify does', () => {
    const modeOf = (defaultMode: ClientConfigInput['defaultMode']) =>
      (amplifyResources({ ...input, defaultMode }) as { API: { GraphQL: { defaultAuthMode: string } } }).API
        .GraphQL.defaultAuthMode;
    expect(modeOf('API_KEY')).toBe('apiKey');
    expect(modeOf('AWS_IAM')).toBe('iam');
    expect(modeOf('OPENID_CONNECT')).toBe('oidc');
    expect(modeOf('AWS_LAMBDA')).toBe('lambda');
  });
});

describe('amplifyOutputs (Gen 2)', () => {
  it('carries the pool ids and guest access', () => {
    const outputs = amplifyOutputs(input);
    expect(outputs['auth']).toEqual({
      aws_region: 'us-east-1',
      user_pool_id: 'us-east-1_Gatehouse1',
      user_pool_client_id: 'abcdefghijklmnopqrstuvwxyz',
      identity_pool_id: 'us-east-1:0f9e8d7c-6b5a-4321-8fed-cba987654321',
      unauthenticated_identities_enabled: true,
    });
    expect(outputs['data']).toEqual({
      url: `${base}/graphql`,
      aws_region: 'us-east-1',
      default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
      authorization_types: ['API_KEY', 'AWS_IAM'],
      api_key: 'da2-abcdefghijklmnopqrstuvwxyz',
    });
  });

  it('lists email and phone sign-in as username_attributes', () => {
    const outputs = amplifyOutputs({
      ...input,
      identity: { ...identity, loginWith: { email: true, phone: true } },
    });
    expect((outputs['auth'] as Record<string, unknown>)['username_attributes']).toEqual([
      'email',
      'phone_number',
    ]);
  });
});

describe('amplifyConfiguration (Gen 1, client.md §1)', () => {
  it('has one API entry per mode and the pools under awsCognitoAuthPlugin', () => {
    const config = amplifyConfiguration(input) as {
      api: { plugins: { awsAPIPlugin: Record<string, Record<string, unknown>> } };
      auth: { plugins: { awsCognitoAuthPlugin: Record<string, unknown> } };
    };
    expect(Object.keys(config.api.plugins.awsAPIPlugin)).toEqual([
      'blog',
      'blog_AMAZON_COGNITO_USER_POOLS',
      'blog_API_KEY',
      'blog_AWS_IAM',
    ]);
    expect(config.api.plugins.awsAPIPlugin['blog_API_KEY']).toEqual({
      endpointType: 'GraphQL',
      endpoint: `${base}/graphql`,
      region: 'us-east-1',
      authorizationType: 'API_KEY',
      apiKey: 'da2-abcdefghijklmnopqrstuvwxyz',
    });
    const cognito = config.auth.plugins.awsCognitoAuthPlugin;
    expect(cognito['CognitoUserPool']).toEqual({
      Default: {
        PoolId: 'us-east-1_Gatehouse1',
        AppClientId: 'abcdefghijklmnopqrstuvwxyz',
        Region: 'us-east-1',
        Endpoint: `${base}/cognito-idp`,
      },
    });
    expect(cognito['CredentialsProvider']).toEqual({
      CognitoIdentity: {
        Default: {
          PoolId: 'us-east-1:0f9e8d7c-6b5a-4321-8fed-cba987654321',
          Region: 'us-east-1',
          Endpoint: `${base}/cognito-identity`,
        },
      },
    });
    expect(cognito['Auth']).toEqual({ Default: { authenticationFlowType: 'USER_SRP_AUTH' } });
  });

  it('names email sign-in in usernameAttributes', () => {
    const config = amplifyConfiguration({
      ...input,
      identity: { ...identity, loginWith: { email: true } },
    }) as {
      auth: { plugins: { awsCognitoAuthPlugin: { Auth: unknown } } };
    };
    expect(config.auth.plugins.awsCognitoAuthPlugin.Auth).toEqual({
      Default: { authenticationFlowType: 'USER_SRP_AUTH', usernameAttributes: ['EMAIL'] },
    });
  });

  it('has no auth section without the identity service', () => {
    expect(amplifyConfiguration({ ...input, identity: undefined })['auth']).toBeUndefined();
  });
});
