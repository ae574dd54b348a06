import type {
  APIKeyVerifier,
  AuthMode,
  AuthProvider,
  Clock,
  GatehouseConfig,
  IAMPrincipalResolver,
  JWKSource,
  Logger,
  OpenIDConnectConfig,
  UserPoolConfig,
  LambdaAuthorizerConfig,
} from '@gatehouse/core';
import { createAPIKeyProvider } from './api-key.js';
import { createIAMProvider } from './iam.js';
import { createOIDCProvider } from './jwt/oidc.js';
import { createRemoteJWKSource } from './jwt/remote-jwks.js';
import { createUserPoolProvider } from './jwt/user-pool.js';
import { createAuthorizerInvoker, resolveAuthorizerUri } from './lambda/invoke.js';
import { createLambdaProvider } from './lambda/lambda-provider.js';
import type { ProviderSet } from './select-provider.js';

/** A built-in JWT issuer of the identity service (`"local"` in the config). */
export interface LocalIssuer {
  readonly issuer: string;
  readonly keys: JWKSource;
}

export interface ProviderDependencies {
  readonly configDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly now: Clock;
  readonly logger: Logger;
  readonly apiKeys?: APIKeyVerifier | undefined;
  readonly iam?: IAMPrincipalResolver | undefined;
  /** The built-in user pool, for `userPoolId: "local"`. */
  readonly localUserPool?: (LocalIssuer & { readonly userPoolId: string }) | undefined;
  /** The built-in OIDC issuer, for `issuer: "local"`. */
  readonly localOIDC?: LocalIssuer | undefined;
  readonly fetch?: typeof fetch | undefined;
}

export interface ProviderRef {
  readonly mode: AuthMode;
  readonly providerId: string;
}

export interface BuiltProviders {
  readonly set: ProviderSet;
  readonly defaultProvider: ProviderRef;
  readonly all: readonly ProviderRef[];
}

interface ProviderEntry {
  readonly authenticationType: AuthMode;
  readonly userPoolConfig?: UserPoolConfig | undefined;
  readonly openIDConnectConfig?: OpenIDConnectConfig | undefined;
  readonly lambdaAuthorizerConfig?: LambdaAuthorizerConfig | undefined;
}

/** Builds one provider per configured mode (default first), ready for mode selection. */
export function buildProviders(config: GatehouseConfig, deps: ProviderDependencies): BuiltProviders {
  const tolerance = config.clockToleranceSeconds;
  const entries: ProviderEntry[] = [config, ...(config.additionalAuthenticationProviders ?? [])];
  const jwtByIssuer = new Map<string, AuthProvider>();
  let apiKey: AuthProvider | undefined;
  let iam: AuthProvider | undefined;
  let lambda: AuthProvider | undefined;
  const all: ProviderRef[] = [];

  entries.forEach((entry, index) => {
    const isDefault = index === 0;
    let provider: AuthProvider;
    switch (entry.authenticationType) {
      case 'API_KEY':
        if (!deps.apiKeys) throw new TypeError('API_KEY needs an API key store.');
        provider = apiKey = createAPIKeyProvider({ verifier: deps.apiKeys, now: deps.now });
        break;
      case 'AWS_IAM':
        if (!deps.iam) throw new TypeError('AWS_IAM needs an IAM principal resolver.');
        provider = iam = createIAMProvider({
          region: deps.region,
          accountId: deps.accountId,
          apiId: deps.apiId,
          resolver: deps.iam,
          now: deps.now,
          logger: deps.logger,
        });
        break;
      case 'AWS_LAMBDA': {
        const lambdaConfig = entry.lambdaAuthorizerConfig;
        if (!lambdaConfig) throw new TypeError('AWS_LAMBDA needs "lambdaAuthorizerConfig".');
        provider = lambda = createLambdaProvider({
          invoker: createAuthorizerInvoker(
            resolveAuthorizerUri(lambdaConfig.authorizerUri, deps.configDir),
            deps.fetch,
          ),
          region: deps.region,
          accountId: deps.accountId,
          apiId: deps.apiId,
          ...(lambdaConfig.authorizerResultTtlInSeconds !== undefined
            ? { ttlSeconds: lambdaConfig.authorizerResultTtlInSeconds }
            : {}),
          ...(lambdaConfig.identityValidationExpression !== undefined
            ? { identityValidationExpression: lambdaConfig.identityValidationExpression }
            : {}),
          now: deps.now,
          logger: deps.logger,
        });
        break;
      }
      case 'AMAZON_COGNITO_USER_POOLS': {
        const pool = entry.userPoolConfig;
        if (!pool) throw new TypeError('AMAZON_COGNITO_USER_POOLS needs "userPoolConfig".');
        const local = pool.userPoolId === 'local';
        if (local && !deps.localUserPool)
          throw new TypeError('"userPoolId": "local" needs the built-in user pool.');
        const userPoolId = local && deps.localUserPool ? deps.localUserPool.userPoolId : pool.userPoolId;
        const issuer =
          local && deps.localUserPool
            ? deps.localUserPool.issuer
            : (pool.issuer ??
              `https://cognito-idp.${pool.awsRegion ?? deps.region}.amazonaws.com/${pool.userPoolId}`);
        const keys =
          local && deps.localUserPool
            ? deps.localUserPool.keys
            : createRemoteJWKSource({
                jwksUri: pool.jwksUri ?? `${issuer}/.well-known/jwks.json`,
                now: deps.now,
                logger: deps.logger,
                ...(deps.fetch ? { fetch: deps.fetch } : {}),
              });
        provider = createUserPoolProvider({
          userPoolId,
          issuer,
          ...(pool.appIdClientRegex !== undefined ? { appIdClientRegex: pool.appIdClientRegex } : {}),
          defaultAction: isDefault ? (pool.defaultAction ?? 'ALLOW') : 'DENY',
          keys,
          now: deps.now,
          ...(tolerance !== undefined ? { clockToleranceSeconds: tolerance } : {}),
          logger: deps.logger,
        });
        jwtByIssuer.set(issuer, provider);
        break;
      }
      case 'OPENID_CONNECT': {
        const oidc = entry.openIDConnectConfig;
        if (!oidc) throw new TypeError('OPENID_CONNECT needs "openIDConnectConfig".');
        const local = oidc.issuer === 'local';
        if (local && !deps.localOIDC)
          throw new TypeError('"issuer": "local" needs the built-in OIDC issuer.');
        const issuer = local && deps.localOIDC ? deps.localOIDC.issuer : oidc.issuer;
        provider = createOIDCProvider({
          issuer,
          ...(oidc.clientId !== undefined ? { clientId: oidc.clientId } : {}),
          ...(oidc.iatTTL !== undefined ? { iatTTL: oidc.iatTTL } : {}),
          ...(oidc.authTTL !== undefined ? { authTTL: oidc.authTTL } : {}),
          ...(oidc.allowedAlgorithms !== undefined ? { allowedAlgorithms: oidc.allowedAlgorithms } : {}),
          ...(local && deps.localOIDC ? { keys: deps.localOIDC.keys } : {}),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
          now: deps.now,
          ...(tolerance !== undefined ? { clockToleranceSeconds: tolerance } : {}),
          logger: deps.logger,
        });
        jwtByIssuer.set(issuer, provider);
        break;
      }
    }
    all.push({ mode: provider.mode, providerId: provider.providerId });
  });

  const first = all[0];
  if (!first) throw new TypeError('"authenticationType" is required.');
  return { set: { apiKey, iam, lambda, jwtByIssuer }, defaultProvider: first, all };
}
