import { randomUUID } from 'node:crypto';
import type { Clock, DocumentStore, JWKSource } from '@gatehouse/core';
import { IdentityError } from './errors.js';
import { createSigningKeyRing, type RSAKeyPairGenerator, type SigningJWK } from './signing-keys.js';
import type { LocalUserPool } from './user-pool.js';

/**
 * The built-in OpenID Connect issuer (`"issuer": "local"` in the config): ID tokens for the local
 * pool's users, signed with a key ring of its own, so the OPENID_CONNECT mode can be developed and
 * tested without an external provider. It is not a user pool: no `token_use`, no Cognito claims.
 */
export interface LocalOIDCIssuer {
  readonly issuer: string;
  /** The `aud` of its tokens. */
  readonly audience: string;
  readonly keySource: JWKSource;
  jwks(): Promise<{ keys: SigningJWK[] }>;
  issueIdToken(username: string, options?: { expiresInSeconds?: number | undefined }): Promise<string>;
}

export interface LocalOIDCIssuerOptions {
  readonly store: DocumentStore;
  readonly installKey: Uint8Array;
  /** `<publicBaseUrl>/oidc`. */
  readonly issuer: string;
  readonly audience: string;
  readonly userPool: Pick<LocalUserPool, 'getUser'>;
  readonly now?: Clock | undefined;
  readonly generateRSAKeyPair?: RSAKeyPairGenerator | undefined;
}

const defaultLifetimeSeconds = 3600;

export async function createLocalOIDCIssuer(options: LocalOIDCIssuerOptions): Promise<LocalOIDCIssuer> {
  const now = options.now ?? Date.now;
  const keys = await createSigningKeyRing({
    store: options.store,
    installKey: options.installKey,
    poolId: 'local-oidc',
    now,
    generateRSAKeyPair: options.generateRSAKeyPair,
  });
  return {
    issuer: options.issuer,
    audience: options.audience,
    keySource: keys,
    jwks: () => keys.jwks(),
    async issueIdToken(username, issueOptions = {}) {
      const lifetime = issueOptions.expiresInSeconds ?? defaultLifetimeSeconds;
      if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 86_400) {
        throw new RangeError('"expiresInSeconds" must be an integer from 1 to 86400.');
      }
      const user = await options.userPool.getUser(username);
      if (!user) throw new IdentityError('UserNotFoundException', 'User does not exist.');
      const issuedAt = Math.floor(now() / 1000);
      const claims: Record<string, unknown> = {
        iss: options.issuer,
        sub: user.sub,
        aud: options.audience,
        iat: issuedAt,
        exp: issuedAt + lifetime,
        auth_time: issuedAt,
        jti: randomUUID(),
        preferred_username: user.username,
      };
      if (user.attributes.email !== undefined) claims.email = user.attributes.email;
      if (user.attributes.name !== undefined) claims.name = user.attributes.name;
      return keys.sign('id', claims);
    },
  };
}
