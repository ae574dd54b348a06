import { authModes, type AuthMode } from '@gatehouse/core';

/** Amplify's `Auth.Cognito.loginWith` (without OAuth, out of scope). */
export interface LoginWith {
  readonly username?: boolean | undefined;
  readonly email?: boolean | undefined;
  readonly phone?: boolean | undefined;
}

export interface ClientConfigInput {
  readonly name: string;
  readonly graphqlUrl: string;
  readonly region: string;
  readonly defaultMode: AuthMode;
  readonly modes: readonly AuthMode[];
  /** An API key to embed when API_KEY is enabled. */
  readonly apiKey?: string | undefined;
  readonly identity?: {
    readonly userPoolId: string;
    readonly userPoolClientId: string;
    readonly identityPoolId: string;
    readonly allowGuestAccess: boolean;
    readonly userPoolEndpoint: string;
    readonly identityPoolEndpoint: string;
    /** How users sign in (`identity.loginWith`); default `{ username: true }`. */
    readonly loginWith?: LoginWith | undefined;
  };
}

/** Username attributes in the spelling of each config format, for email/phone sign-in. */
function usernameAttributes(loginWith: LoginWith | undefined): { gen1: string[]; gen2: string[] } {
  const gen1: string[] = [];
  const gen2: string[] = [];
  if (loginWith?.email) {
    gen1.push('EMAIL');
    gen2.push('email');
  }
  if (loginWith?.phone) {
    gen1.push('PHONE_NUMBER');
    gen2.push('phone_number');
  }
  return { gen1, gen2 };
}

/** aws-amplify v6 `authMode` names per AppSync mode (appsync-auth.md §1). */
const amplifyJSAuthMode: { readonly [M in AuthMode]: string } = {
  API_KEY: 'apiKey',
  AMAZON_COGNITO_USER_POOLS: 'userPool',
  AWS_IAM: 'iam',
  OPENID_CONNECT: 'oidc',
  AWS_LAMBDA: 'lambda',
};

/** The distinct enabled modes, default first, in AppSync's order otherwise. */
function enabledModes(input: ClientConfigInput): AuthMode[] {
  const set = new Set<AuthMode>([input.defaultMode, ...input.modes]);
  return [input.defaultMode, ...authModes.filter((mode) => mode !== input.defaultMode && set.has(mode))];
}

/**
 * Gen 1 `amplifyconfiguration.json`: one `awsAPIPlugin` entry per enabled mode named
 * `<name>_<authenticationType>`, plus `<name>` for the default mode, and `awsCognitoAuthPlugin`.
 */
export function amplifyConfiguration(input: ClientConfigInput): Record<string, unknown> {
  const entry = (mode: AuthMode) => ({
    endpointType: 'GraphQL',
    endpoint: input.graphqlUrl,
    region: input.region,
    authorizationType: mode,
    ...(mode === 'API_KEY' && input.apiKey ? { apiKey: input.apiKey } : {}),
  });
  const plugins: Record<string, unknown> = { [input.name]: entry(input.defaultMode) };
  for (const mode of enabledModes(input)) plugins[`${input.name}_${mode}`] = entry(mode);
  const config: Record<string, unknown> = {
    UserAgent: 'gatehouse/0.1',
    Version: '1.0',
    api: { plugins: { awsAPIPlugin: plugins } },
  };
  if (input.identity) {
    const { identity } = input;
    const gen1UsernameAttributes = usernameAttributes(identity.loginWith).gen1;
    config.auth = {
      plugins: {
        awsCognitoAuthPlugin: {
          UserAgent: 'gatehouse/0.1',
          Version: '0.1.0',
          IdentityManager: { Default: {} },
          CredentialsProvider: {
            CognitoIdentity: {
              Default: {
                PoolId: identity.identityPoolId,
                Region: input.region,
                Endpoint: identity.identityPoolEndpoint,
              },
            },
          },
          CognitoUserPool: {
            Default: {
              PoolId: identity.userPoolId,
              AppClientId: identity.userPoolClientId,
              Region: input.region,
              Endpoint: identity.userPoolEndpoint,
            },
          },
          Auth: {
            Default: {
              authenticationFlowType: 'USER_SRP_AUTH',
              ...(gen1UsernameAttributes.length > 0 ? { usernameAttributes: gen1UsernameAttributes } : {}),
            },
          },
        },
      },
    };
  }
  return config;
}

/** Gen 2 `amplify_outputs.json`. */
export function amplifyOutputs(input: ClientConfigInput): Record<string, unknown> {
  const outputs: Record<string, unknown> = {
    version: '1.3',
    data: {
      url: input.graphqlUrl,
      aws_region: input.region,
      default_authorization_type: input.defaultMode,
      authorization_types: enabledModes(input).filter((mode) => mode !== input.defaultMode),
      ...(input.apiKey ? { api_key: input.apiKey } : {}),
    },
  };
  if (input.identity) {
    const gen2UsernameAttributes = usernameAttributes(input.identity.loginWith).gen2;
    outputs.auth = {
      aws_region: input.region,
      user_pool_id: input.identity.userPoolId,
      user_pool_client_id: input.identity.userPoolClientId,
      identity_pool_id: input.identity.identityPoolId,
      unauthenticated_identities_enabled: input.identity.allowGuestAccess,
      // Gen 2 signs in by username when `username_attributes` is absent.
      ...(gen2UsernameAttributes.length > 0 ? { username_attributes: gen2UsernameAttributes } : {}),
    };
  }
  return outputs;
}

/** A ready aws-amplify v6 `ResourcesConfig` for `Amplify.configure`, endpoints included. */
export function amplifyResources(input: ClientConfigInput): Record<string, unknown> {
  const resources: Record<string, unknown> = {
    API: {
      GraphQL: {
        endpoint: input.graphqlUrl,
        region: input.region,
        defaultAuthMode: amplifyJSAuthMode[input.defaultMode],
        ...(input.apiKey ? { apiKey: input.apiKey } : {}),
      },
    },
  };
  if (input.identity) {
    resources.Auth = {
      Cognito: {
        userPoolId: input.identity.userPoolId,
        userPoolClientId: input.identity.userPoolClientId,
        identityPoolId: input.identity.identityPoolId,
        allowGuestAccess: input.identity.allowGuestAccess,
        userPoolEndpoint: input.identity.userPoolEndpoint,
        identityPoolEndpoint: input.identity.identityPoolEndpoint,
        loginWith: input.identity.loginWith ?? { username: true },
      },
    };
  }
  return resources;
}
