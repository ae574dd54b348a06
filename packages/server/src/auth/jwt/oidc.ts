/**
 * The OPENID_CONNECT mode (appsync-auth.md §3.3): verifies the `Authorization` JWT of one OpenID
 * Connect issuer, keys found through discovery, and builds AppSync's OIDC identity.
 */
import { authError } from '@gatehouse/core';
import type { AuthProvider, Clock, JWKSource, Logger, OIDCIdentity, Principal } from '@gatehouse/core';
import { stripBearer } from './jwt-shape.js';
import { assertSecureURL, createOIDCDiscoveryJWKSource } from './remote-jwks.js';
import { assertJWTAlgorithms, compileAnchoredPattern, createJWTVerifier } from './verify-jwt.js';

export interface OIDCProviderOptions {
  /** `https`, or `http` on a loopback host; `iss` must equal it byte for byte. */
  issuer: string;
  /** Regular expression matched entirely against an `aud` value, `azp` or `client_id`. */
  clientId?: string;
  /** Milliseconds; 0 or absent disables. */
  iatTTL?: number;
  /** Milliseconds; 0 or absent disables. */
  authTTL?: number;
  /** Default `defaultOIDCAlgorithms`. */
  allowedAlgorithms?: string[];
  /** Default: discovery at `<issuer>/.well-known/openid-configuration`. */
  keys?: JWKSource;
  /** Used by the default discovery source. */
  fetch?: typeof fetch;
  now: Clock;
  /** 0–300, default 60. */
  clockToleranceSeconds?: number;
  logger?: Logger;
}

export const defaultOIDCAlgorithms: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
]);

function assertTTL(value: number | undefined, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`"${name}" must be an integer number of milliseconds, 0 or more.`);
  return value;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function createOIDCProvider(options: OIDCProviderOptions): AuthProvider {
  const { issuer, now } = options;
  if (typeof issuer !== 'string') throw new TypeError('"issuer" must be a string.');
  assertSecureURL(issuer, 'issuer');
  const iatTTL = assertTTL(options.iatTTL, 'iatTTL');
  const authTTL = assertTTL(options.authTTL, 'authTTL');
  const algorithms = options.allowedAlgorithms ?? defaultOIDCAlgorithms;
  assertJWTAlgorithms(algorithms, 'allowedAlgorithms');
  const clientPattern =
    options.clientId === undefined ? undefined : compileAnchoredPattern(options.clientId, 'clientId');
  const keys =
    options.keys ??
    createOIDCDiscoveryJWKSource({
      issuer,
      now,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  const verifier = createJWTVerifier({
    issuer,
    keys,
    algorithms,
    now,
    ...(options.clockToleranceSeconds === undefined
      ? {}
      : { clockToleranceSeconds: options.clockToleranceSeconds }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });

  function clientMatches(claims: Readonly<Record<string, unknown>>, pattern: RegExp): boolean {
    const { aud, azp, client_id: clientId } = claims;
    const audiences: readonly unknown[] = Array.isArray(aud) ? (aud as unknown[]) : [aud];
    const candidates: unknown[] = [...audiences, azp, clientId];
    return candidates.some((candidate) => typeof candidate === 'string' && pattern.test(candidate));
  }

  const principal: Principal = Object.freeze({ mode: 'OPENID_CONNECT', providerId: issuer });
  /**
   * The client and `sub` checks depend on the verified claims alone: done once per verified token
   * (its frozen claims object is shared by every request presenting it). Failures are not kept.
   */
  const subjects = new WeakMap<object, string>();
  function tokenSubject(claims: Readonly<Record<string, unknown>>): string {
    const known = subjects.get(claims);
    if (known !== undefined) return known;
    if (clientPattern !== undefined && !clientMatches(claims, clientPattern)) {
      throw authError('ERR_AUTH_CLIENT_MISMATCH', 'No JWT "aud", "azp" or "client_id" matches "clientId".');
    }
    const sub = claims['sub'];
    if (typeof sub !== 'string')
      throw authError('ERR_AUTH_JWT_INVALID', 'The JWT has no string "sub" claim.');
    subjects.set(claims, sub);
    return sub;
  }

  return {
    mode: 'OPENID_CONNECT',
    providerId: issuer,
    async authenticate(request) {
      const header = request.headers['authorization'];
      if (header === undefined || header === '') throw authError('ERR_AUTH_NO_CREDENTIAL');
      // §3.2 steps 1, 3, 4, 6 with this provider's algorithms; `iss` exact.
      const { payload: claims } = await verifier.verify(stripBearer(header));
      const nowMs = now();

      if (iatTTL > 0) {
        const { iat } = claims;
        if (!isFiniteNumber(iat))
          throw authError('ERR_AUTH_JWT_INVALID', 'The JWT has no numeric "iat" claim.');
        if (nowMs - iat * 1000 > iatTTL)
          throw authError('ERR_AUTH_JWT_EXPIRED', 'The JWT is older than "iatTTL".');
      }
      if (authTTL > 0) {
        const authTime = claims['auth_time'];
        if (!isFiniteNumber(authTime))
          throw authError('ERR_AUTH_JWT_INVALID', 'The JWT has no numeric "auth_time" claim.');
        if (nowMs - authTime * 1000 > authTTL) {
          throw authError('ERR_AUTH_JWT_EXPIRED', 'The authentication is older than "authTTL".');
        }
      }
      const identity: OIDCIdentity = { claims, issuer, sub: tokenSubject(claims) };
      return { kind: 'authenticated', principal, identity };
    },
  };
}
