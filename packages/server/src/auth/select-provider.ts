import { authError, type AuthProvider, type GatehouseError } from '@gatehouse/core';
import { LRUCache } from '../graphql/lru.js';
import { isJWTShaped, maxTokenLength, peekIssuer, stripBearer } from './jwt/jwt-shape.js';

interface TokenShape {
  readonly shaped: boolean;
  readonly issuer: string | undefined;
}

/**
 * The unverified shape of recently seen tokens. Routing only: the chosen provider still verifies
 * every request, so remembering what a byte-identical string looked like changes no decision.
 */
const shapes = new LRUCache<string, TokenShape>(10_000);

const notShaped: TokenShape = { shaped: false, issuer: undefined };

function shapeOf(token: string): TokenShape {
  // A JWT has two dots; anything else is told apart without the memo.
  if (!token.includes('.')) return notShaped;
  const cached = shapes.get(token);
  if (cached) return cached;
  const shaped = isJWTShaped(token);
  const shape = { shaped, issuer: shaped ? peekIssuer(token) : undefined };
  if (token.length <= maxTokenLength) shapes.set(token, shape);
  return shape;
}

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
    const { shaped, issuer } = shapeOf(token);
    if (shaped) {
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
