/**
 * JWT verification shared by the AMAZON_COGNITO_USER_POOLS and OPENID_CONNECT modes
 * (appsync-auth.md §3.2 steps 1–6, §3.3): strict decoding, `alg` allow-list, key selection by
 * `kid`, signature (jose), `iss`, then time checks. Mode-specific claims are left to the caller.
 *
 * Successful signature verifications are cached by the token (by its SHA-256 when long) so that a
 * repeated token skips the public-key work and gets the same frozen claims object; `iss` and the
 * time checks still run on every call.
 */
import * as nodeCrypto from 'node:crypto';
import { authError, deepFreeze, silentLogger } from '@gatehouse/core';
import type { Clock, JWKSource, Logger, PublicJWK } from '@gatehouse/core';
import { compactVerify, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { decodeJWT, parseJSONObject } from './jwt-shape.js';
import type { JWTHeader } from './jwt-shape.js';

/** Signature algorithms a provider may allow, with the key each needs. Never `none` or `HS*`. */
const keyRequirements: { readonly [alg: string]: { readonly kty: 'RSA' | 'EC'; readonly crv?: string } } = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
};

export const supportedJWTAlgorithms: readonly string[] = Object.freeze(Object.keys(keyRequirements));

export const defaultClockToleranceSeconds = 60;
export const defaultVerificationCacheSize = 10_000;
const maxImportedKeys = 256;

/** Throws a `TypeError` naming the option unless every entry is a supported asymmetric algorithm. */
export function assertJWTAlgorithms(algorithms: readonly string[], name: string): void {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError(`"${name}" must be a non-empty list of algorithms.`);
  }
  for (const alg of algorithms) {
    if (typeof alg !== 'string' || !Object.hasOwn(keyRequirements, alg)) {
      throw new TypeError(`"${name}" must list only ${supportedJWTAlgorithms.join(', ')}.`);
    }
  }
}

/** Throws a `RangeError` unless the tolerance is an integer from 0 to 300 (§3, §8). */
export function assertClockTolerance(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 300) {
    throw new RangeError('"clockToleranceSeconds" must be an integer from 0 to 300.');
  }
}

export interface JWTVerifierOptions {
  /** `iss` must equal this byte for byte. */
  issuer: string;
  keys: JWKSource;
  /** Allowed `alg` values, a subset of `supportedJWTAlgorithms`. */
  algorithms: readonly string[];
  now: Clock;
  /** Default 60. */
  clockToleranceSeconds?: number;
  logger?: Logger;
  /** Verified tokens remembered; default 10 000. */
  cacheSize?: number;
}

export interface VerifiedJWT {
  readonly header: JWTHeader;
  /**
   * The verified claims, deep-frozen: one object per verified token, shared by every request that
   * presents it (so providers may remember what they derive from it, keyed by this object).
   */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface JWTVerifier {
  /** Resolves with the verified token or throws a `GatehouseError` (E2, E3 or E4). */
  verify(token: string): Promise<VerifiedJWT>;
}

interface CacheEntry {
  readonly verified: VerifiedJWT;
  /** Epoch ms at which the entry is dropped (`exp`). */
  readonly expiresAt: number;
}

/** One-shot `crypto.hash` where the runtime has it (Node ≥ 20.12), else `createHash`. */
const sha256: (value: string) => string =
  typeof (nodeCrypto as { hash?: unknown }).hash === 'function'
    ? (value) => nodeCrypto.hash('sha256', value, 'base64')
    : (value) => nodeCrypto.createHash('sha256').update(value).digest('base64');

/** Tokens up to this length are their own cache key (no digest per request). */
const maxRawCacheKeyLength = 4096;

function invalid(detail: string) {
  return authError('ERR_AUTH_JWT_INVALID', detail);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** §3.2 step 6: `exp` required, expired at `now >= exp + tolerance` (E4); `nbf`, `iat` not in the future (E3). */
function checkTimeClaims(
  payload: Readonly<Record<string, unknown>>,
  nowMs: number,
  toleranceSeconds: number,
): void {
  const toleranceMs = toleranceSeconds * 1000;
  const { exp, nbf, iat } = payload;
  if (!isFiniteNumber(exp)) throw invalid('The JWT has no numeric "exp" claim.');
  if (nowMs >= exp * 1000 + toleranceMs) throw authError('ERR_AUTH_JWT_EXPIRED');
  if (nbf !== undefined && (!isFiniteNumber(nbf) || nbf * 1000 > nowMs + toleranceMs)) {
    throw invalid('The JWT "nbf" claim is not numeric or lies in the future.');
  }
  if (!isFiniteNumber(iat) || iat * 1000 > nowMs + toleranceMs) {
    throw invalid('The JWT "iat" claim is missing, not numeric or lies in the future.');
  }
}

/** The key as jose should import it: public members only, whatever the JWKS carried. */
function publicJWK(key: PublicJWK): JWK {
  return key.kty === 'RSA'
    ? { kty: 'RSA', n: key.n, e: key.e }
    : { kty: key.kty, crv: key.crv, x: key.x, y: key.y };
}

/** §3.2 step 2: `kty` (and curve) fit the algorithm, `use` if present is `sig`, `alg` if present matches. */
function keyFits(key: PublicJWK, alg: string): boolean {
  const requirement = keyRequirements[alg];
  if (requirement === undefined || key.kty !== requirement.kty) return false;
  if (requirement.crv !== undefined && key.crv !== requirement.crv) return false;
  if (key.use !== undefined && key.use !== 'sig') return false;
  if (key.alg !== undefined && key.alg !== alg) return false;
  return requirement.kty === 'RSA'
    ? typeof key.n === 'string' && typeof key.e === 'string'
    : typeof key.x === 'string' && typeof key.y === 'string';
}

export function createJWTVerifier(options: JWTVerifierOptions): JWTVerifier {
  const { issuer, keys, now } = options;
  const algorithms: ReadonlySet<string> = new Set(options.algorithms);
  assertJWTAlgorithms(options.algorithms, 'algorithms');
  const tolerance = options.clockToleranceSeconds ?? defaultClockToleranceSeconds;
  assertClockTolerance(tolerance);
  const cacheSize = options.cacheSize ?? defaultVerificationCacheSize;
  if (!Number.isInteger(cacheSize) || cacheSize < 0)
    throw new RangeError('"cacheSize" must be a non-negative integer.');
  const logger = options.logger ?? silentLogger;

  /** Insertion order is recency order: a hit is moved to the end, the first entry is evicted. */
  const verified = new Map<string, CacheEntry>();
  const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();

  async function currentKeys(refresh: boolean): Promise<readonly PublicJWK[]> {
    try {
      return await keys.getKeys(refresh ? { refresh: true } : undefined);
    } catch (error) {
      logger.warn('Verification keys are unavailable.', {
        issuer,
        reason: error instanceof Error ? error.name : 'unknown failure',
      });
      return [];
    }
  }

  /** §3.2 step 3: the key with this `kid`; an unknown `kid` asks the source once for a refresh. */
  async function findKey(kid: string): Promise<PublicJWK> {
    let available = await currentKeys(false);
    let key = available.find((candidate) => candidate.kid === kid);
    if (key === undefined) {
      available = await currentKeys(true);
      key = available.find((candidate) => candidate.kid === kid);
    }
    if (key === undefined) {
      if (available.length === 0) logger.warn('No verification keys are available.', { issuer });
      throw invalid('No verification key has the JWT "kid".');
    }
    return key;
  }

  function importKey(key: PublicJWK, alg: string): Promise<CryptoKey | Uint8Array> {
    const id = [alg, key.kid, key.kty, key.n, key.e, key.crv, key.x, key.y].join('\u0000');
    let pending = imported.get(id);
    if (pending === undefined) {
      if (imported.size >= maxImportedKeys) imported.clear();
      pending = importJWK(publicJWK(key), alg);
      imported.set(id, pending);
      void pending.catch(() => imported.delete(id));
    }
    return pending;
  }

  async function verifySignature(token: string): Promise<VerifiedJWT> {
    const { header, payload: unverified } = decodeJWT(token);
    const { alg, kid } = header;
    if (typeof kid !== 'string') throw authError('ERR_AUTH_JWT_UNPARSEABLE', 'The JWT header has no "kid".');
    if (!algorithms.has(alg)) throw invalid('The JWT "alg" is not allowed.');
    // Cheap early refusal of other issuers' tokens (E3 either way); checked again on the verified claims.
    if (unverified['iss'] !== issuer) throw invalid('The JWT "iss" is not the provider\'s issuer.');
    const jwk = await findKey(kid);
    if (!keyFits(jwk, alg)) throw invalid('The key for the JWT "kid" does not fit its "alg".');
    let key: CryptoKey | Uint8Array;
    try {
      key = await importKey(jwk, alg);
    } catch {
      throw invalid('The key for the JWT "kid" cannot be imported.');
    }
    let payloadBytes: Uint8Array;
    try {
      ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: [alg] }));
    } catch {
      throw invalid('The JWT signature does not verify.');
    }
    const payload = parseJSONObject(payloadBytes);
    if (payload === undefined) throw invalid('The verified JWT payload is not a JSON object.');
    return deepFreeze({ header, payload });
  }

  return {
    async verify(token) {
      const nowMs = now();
      // Typical tokens (Cognito's are about 1 KiB) key the cache themselves; longer ones by digest,
      // marked with a NUL that no header value (so no raw key) can contain.
      const cacheKey =
        token.length <= maxRawCacheKeyLength && !token.includes('\u0000') ? token : `\u0000${sha256(token)}`;
      let result: VerifiedJWT;
      const cached = verified.get(cacheKey);
      if (cached !== undefined && nowMs < cached.expiresAt) {
        verified.delete(cacheKey);
        verified.set(cacheKey, cached);
        result = cached.verified;
      } else {
        if (cached !== undefined) verified.delete(cacheKey);
        result = await verifySignature(token);
        const { exp } = result.payload;
        if (cacheSize > 0 && isFiniteNumber(exp) && nowMs < exp * 1000) {
          verified.set(cacheKey, { verified: result, expiresAt: exp * 1000 });
          if (verified.size > cacheSize) {
            const oldest = verified.keys().next();
            if (oldest.done !== true) verified.delete(oldest.value);
          }
        }
      }
      if (result.payload['iss'] !== issuer) throw invalid('The JWT "iss" is not the provider\'s issuer.');
      checkTimeClaims(result.payload, nowMs, tolerance);
      return result;
    },
  };
}

/**
 * Compiles a client-id pattern from config so that it must match the whole value
 * (`appIdClientRegex`, OIDC `clientId`; anchored per §3.2 step 8). Throws a `TypeError` naming the option.
 */
export function compileAnchoredPattern(source: string, name: string): RegExp {
  if (typeof source !== 'string' || source === '')
    throw new TypeError(`"${name}" must be a non-empty regular expression.`);
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    throw new TypeError(`"${name}" must be a valid regular expression.`);
  }
}
