import type { PlainRequest } from '@gatehouse/core';
import type { OpenedIdentity } from './bootstrap.js';
import { createCognitoIdentityRoutes } from './cognito-identity/routes.js';
import { createUserPoolRoutes } from './cognito-idp/routes.js';
import type { SigningJWK } from './signing-keys.js';

/** Structurally the server's `Route`: the identity package does not depend on the server. */
export interface IdentityRoute {
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  readonly path: string;
  handle(request: PlainRequest & { readonly requestId: string }): Promise<IdentityResponse>;
}

export interface IdentityResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function json(body: unknown, requestId: string): IdentityResponse {
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'cache-control': 'max-age=3600',
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify(body),
  };
}

/** `<iss>/.well-known/jwks.json` and `<iss>/.well-known/openid-configuration` (identity.md §5). */
function issuerRoutes(issuer: string, jwks: () => Promise<{ keys: SigningJWK[] }>): IdentityRoute[] {
  const path = new URL(issuer).pathname.replace(/\/+$/, '');
  return [
    {
      method: 'GET',
      path: `${path}/.well-known/jwks.json`,
      handle: async (request) => json(await jwks(), request.requestId),
    },
    {
      method: 'GET',
      path: `${path}/.well-known/openid-configuration`,
      handle: async (request) =>
        json(
          {
            issuer,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            id_token_signing_alg_values_supported: ['RS256'],
            subject_types_supported: ['public'],
            response_types_supported: ['code', 'token'],
            scopes_supported: ['openid', 'email', 'phone', 'profile'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          },
          request.requestId,
        ),
    },
  ];
}

/** The identity service's HTTP routes, mounted by the dev server beside GraphQL. */
export function createIdentityRoutes(identity: OpenedIdentity): IdentityRoute[] {
  return [
    ...issuerRoutes(identity.userPool.issuer, () => identity.userPool.jwks()),
    ...issuerRoutes(identity.oidcIssuer.issuer, () => identity.oidcIssuer.jwks()),
    ...createCognitoIdentityRoutes(identity, {
      allowedOrigins: identity.allowedOrigins,
      rateLimiter: identity.userPoolAPI.rateLimiter,
    }),
    ...createUserPoolRoutes(identity),
  ];
}
