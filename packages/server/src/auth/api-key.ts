/**
 * The API_KEY mode: the `x-api-key` header, checked against the key store (appsync-auth.md §3.1).
 * Unknown, expired and deleted keys all get E6; the identity is `null`.
 */
import { authError } from '@gatehouse/core';
import type {
  APIKeyVerifier,
  AuthProvider,
  AuthRequest,
  Authenticated,
  Clock,
  Principal,
} from '@gatehouse/core';

export interface APIKeyProviderOptions {
  readonly verifier: APIKeyVerifier;
  /** Epoch milliseconds. */
  readonly now: Clock;
}

/** Every API-key caller is the same principal: one frozen object, so its field decisions are kept. */
const apiKeyPrincipal: Principal = Object.freeze({ mode: 'API_KEY', providerId: 'API_KEY' });

export function createAPIKeyProvider(options: APIKeyProviderOptions): AuthProvider {
  const { verifier, now } = options;
  return {
    mode: 'API_KEY',
    providerId: 'API_KEY',
    async authenticate(request: AuthRequest): Promise<Authenticated> {
      const key = request.headers['x-api-key'];
      // Mode selection (§2) only routes a non-empty `x-api-key` here; a missing or empty one is
      // still rejected, as an unknown key, so that this provider fails closed on its own.
      if (key === undefined || key === '') throw authError('ERR_AUTH_API_KEY_INVALID');
      const valid = await verifier.isValid(key, Math.floor(now() / 1000));
      if (valid !== true) throw authError('ERR_AUTH_API_KEY_INVALID');
      return { kind: 'authenticated', principal: apiKeyPrincipal, identity: null };
    },
  };
}
