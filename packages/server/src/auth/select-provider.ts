import { authError, type AuthProvider, type GatehouseError } from '@gatehouse/core';
import { isJWTShaped, peekIssuer, stripBearer } from './jwt/jwt-shape.js';

export interface ProviderSet {
  readonly apiKey?: AuthProvider | undefined;
  readonly iam?: AuthProvider | undefined;
  readonly lambda?: AuthProvider | undefined;
  /** User pools and OIDC providers by issuer. */
  readonly jwtByIssuer: ReadonlyMap<string, AuthProvider>;
}

/**
 * Chooses the one provider that verifies a request, from the credential's shape alone
 * (appsync-auth.md §2). A failed verification never falls back to another provider.
 * `headers` are lowercase-keyed.
 */
export function selectProvider(
  headers: Readonly<Record<string, string>>,
  providers: ProviderSet,
): AuthProvider | GatehouseError {
  const apiKey = headers['x-api-key'];
  if (apiKey && providers.apiKey) return providers.apiKey;
  const authorization = headers['authorization'];
  if (!authorization) return authError('ERR_AUTH_NO_CREDENTIAL');
  if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    if (providers.iam) return providers.iam;
    if (providers.lambda) return providers.lambda;
  } else {
    const token = stripBearer(authorization);
    const shaped = isJWTShaped(token);
    if (shaped) {
      const issuer = peekIssuer(token);
      const provider = issuer === undefined ? undefined : providers.jwtByIssuer.get(issuer);
      if (provider) return provider;
    }
    if (providers.lambda) return providers.lambda;
    if (providers.jwtByIssuer.size > 0) {
      return authError(shaped ? 'ERR_AUTH_JWT_INVALID' : 'ERR_AUTH_JWT_UNPARSEABLE');
    }
    return authError('ERR_AUTH_NO_CREDENTIAL');
  }
  return providers.jwtByIssuer.size > 0
    ? authError('ERR_AUTH_JWT_UNPARSEABLE')
    : authError('ERR_AUTH_NO_CREDENTIAL');
}
