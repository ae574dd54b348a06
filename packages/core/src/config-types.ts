import type { AuthMode, IAMPolicy } from './auth-types.js';
import type { TableSchema } from './document-store.js';

/** `gatehouse.config.json`, with AppSync's field names (appsync-auth.md §4). */
export interface UserPoolConfig {
  /** `"local"` for the built-in pool, else a Cognito pool id. */
  userPoolId: string;
  awsRegion?: string;
  /** Required on the default provider, absent on additional ones. */
  defaultAction?: 'ALLOW' | 'DENY';
  appIdClientRegex?: string;
  /** Gatehouse extension for non-AWS pools; default `https://cognito-idp.<awsRegion>.amazonaws.com/<userPoolId>`. */
  issuer?: string;
  /** Gatehouse extension; default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
}

export interface OpenIDConnectConfig {
  /** An https issuer (http on loopback), or `"local"` for the identity service's built-in issuer. */
  issuer: string;
  clientId?: string;
  /** Milliseconds; 0 or absent disables. */
  iatTTL?: number;
  authTTL?: number;
  allowedAlgorithms?: string[];
}

export interface LambdaAuthorizerConfig {
  /** `file:./module.mjs` (relative to the config file) or an `http(s)://` URL. */
  authorizerUri: string;
  authorizerResultTtlInSeconds?: number;
  identityValidationExpression?: string;
}

export interface AdditionalAuthenticationProvider {
  authenticationType: AuthMode;
  userPoolConfig?: UserPoolConfig;
  openIDConnectConfig?: OpenIDConnectConfig;
  lambdaAuthorizerConfig?: LambdaAuthorizerConfig;
}

export interface IAMRoleConfig {
  policy: IAMPolicy;
}

export interface IAMAccessKeyConfig {
  accessKeyId: string;
  secretAccessKey: string;
  userArn: string;
  username?: string;
  accountId?: string;
  /** May call the identity service's admin APIs. */
  admin?: boolean;
  policy: IAMPolicy;
}

export interface IAMConfig {
  roles?: { authenticated?: IAMRoleConfig; unauthenticated?: IAMRoleConfig };
  accessKeys?: IAMAccessKeyConfig[];
}

export interface GatehouseConfig {
  name: string;
  /** Path of the SDL file, relative to the config file. */
  schema: string;
  /** Folder of resolver modules, relative to the config file. */
  resolvers?: string;
  authenticationType: AuthMode;
  userPoolConfig?: UserPoolConfig;
  openIDConnectConfig?: OpenIDConnectConfig;
  lambdaAuthorizerConfig?: LambdaAuthorizerConfig;
  additionalAuthenticationProviders?: AdditionalAuthenticationProvider[];
  region?: string;
  accountId?: string;
  apiId?: string;
  iam?: IAMConfig;
  /** JWT clock tolerance in seconds, 0–300 (default 60). */
  clockToleranceSeconds?: number;
  /** Make ignored `@aws_auth` directives an error. */
  strictSchema?: boolean;
  /** Passed through by `parseConfig`; validated by the storage, pub/sub and identity packages. */
  /** Document tables for resolvers (`ctx.tables.<Name>`). */
  tables?: Record<string, TableSchema>;
  storage?: unknown;
  pubsub?: unknown;
  identity?: unknown;
}
