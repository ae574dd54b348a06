/**
 * The AWS_IAM auth mode: verifies a SigV4-signed request (appsync-auth.md §3.4 steps 1–6, §7 E7–E12).
 * Root-field policies (step 7) run later, once the document is parsed (`assertRootFieldsAllowed`).
 */
import { timingSafeEqual } from 'node:crypto';
import {
  GatehouseError,
  authError,
  canonicalRequest,
  credentialScope,
  deepFreeze,
  deriveSigningKey,
  formatAmzDate,
  parseAmzDate,
  parseSigV4Authorization,
  stringToSign,
} from '@gatehouse/core';
import type {
  AuthProvider,
  AuthRequest,
  Authenticated,
  Clock,
  Hasher,
  IAMPrincipalRecord,
  IAMPrincipalResolver,
  Logger,
  Principal,
  SigV4Authorization,
} from '@gatehouse/core';
import { nodeHasher } from './node-hasher.js';

export interface IAMProviderOptions {
  /** The API's region; the only one credential scopes may name. */
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly resolver: IAMPrincipalResolver;
  readonly now: Clock;
  readonly logger?: Logger | undefined;
  readonly hasher?: Hasher | undefined;
  /** Bound of the signing-key cache (default 1000). */
  readonly signingKeyCacheSize?: number | undefined;
}

const SERVICE = 'appsync';
const TERMINATOR = 'aws4_request';
const WINDOW_MS = 15 * 60 * 1000;

function incomplete(message: string): GatehouseError {
  return new GatehouseError('ERR_SIGV4_INCOMPLETE', message);
}

function badScope(message: string): GatehouseError {
  return new GatehouseError('ERR_SIGV4_BAD_SCOPE', message);
}

/** Equal-length hex strings compared without an early exit. */
function hexEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

/** `host:port` → `host` (IPv6 literals keep their brackets); `undefined` when there is no port. */
function withoutPort(host: string): string | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]*):\d+$/.exec(host);
  return match === null ? undefined : match[1];
}

/** A small LRU over `Map` insertion order. */
class SigningKeyCache {
  readonly #entries = new Map<string, Uint8Array>();
  constructor(readonly limit: number) {}
  get(key: string): Uint8Array | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: Uint8Array): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}

export function createIAMProvider(options: IAMProviderOptions): AuthProvider {
  const hasher = options.hasher ?? nodeHasher;
  const cacheSize = options.signingKeyCacheSize ?? 1000;
  if (!Number.isInteger(cacheSize) || cacheSize < 1) {
    throw new RangeError('"signingKeyCacheSize" must be a positive integer.');
  }
  const cache = new SigningKeyCache(cacheSize);

  // Secret hashes per record object (static records are reused, so their secret is hashed once);
  // the entry is used only while the record still holds the same secret.
  const secretHashes = new WeakMap<IAMPrincipalRecord, { secret: string; hash: string }>();

  function signingKey(record: IAMPrincipalRecord, date: string): Uint8Array {
    let entry = secretHashes.get(record);
    if (entry === undefined || entry.secret !== record.secretAccessKey) {
      entry = { secret: record.secretAccessKey, hash: hasher.sha256Hex(record.secretAccessKey) };
      secretHashes.set(record, entry);
    }
    const secretHash = entry.hash;
    const cacheKey = `${record.accessKeyId}\n${secretHash}\n${date}\n${options.region}\n${SERVICE}`;
    let key = cache.get(cacheKey);
    if (key === undefined) {
      key = deriveSigningKey(record.secretAccessKey, date, options.region, SERVICE, hasher);
      cache.set(cacheKey, key);
    }
    return key;
  }

  // Requests signed within the same second carry the same `X-Amz-Date`: the last one is kept.
  let lastAmzDate = '';
  let lastSignedAt: number | undefined;
  function amzDateMillis(amzDate: string): number | undefined {
    if (amzDate !== lastAmzDate) {
      lastSignedAt = parseAmzDate(amzDate);
      lastAmzDate = amzDate;
    }
    return lastSignedAt;
  }

  // One frozen principal per credential record (records are kept while their credentials are
  // valid, static keys for the process's life), so its field decisions and policy answers are kept.
  const principals = new WeakMap<IAMPrincipalRecord, Principal>();
  function principalOf(record: IAMPrincipalRecord): Principal {
    let principal = principals.get(record);
    if (principal === undefined || principal.mode !== 'AWS_IAM' || principal.policy !== record.policy) {
      // The policy is frozen too (it is configuration), so answers kept for it stay true.
      principal = Object.freeze({
        mode: 'AWS_IAM',
        providerId: 'AWS_IAM',
        policy: deepFreeze(record.policy),
      });
      principals.set(record, principal);
    }
    return principal;
  }

  /** Step 1: header parts and `X-Amz-Date`. */
  function parse(request: AuthRequest): { auth: SigV4Authorization; amzDate: string; signedAt: number } {
    const header = request.headers['authorization'];
    if (header === undefined || header === '') {
      throw incomplete(
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
      );
    }
    const auth = parseSigV4Authorization(header);
    const amzDate = request.headers['x-amz-date'];
    if (amzDate === undefined || amzDate === '') {
      throw incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    const signedAt = amzDateMillis(amzDate);
    if (signedAt === undefined) {
      throw incomplete("'X-Amz-Date' must have the form YYYYMMDD'T'HHMMSS'Z'.");
    }
    return { auth, amzDate, signedAt };
  }

  /** Step 2: the ±15 minute window. */
  function checkWindow(amzDate: string, signedAt: number, now: number): void {
    if (signedAt < now - WINDOW_MS) {
      throw new GatehouseError(
        'ERR_SIGV4_DATE_OUT_OF_WINDOW',
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now - WINDOW_MS))} (${formatAmzDate(new Date(now))} - 15 min.)`,
      );
    }
    if (signedAt > now + WINDOW_MS) {
      throw new GatehouseError(
        'ERR_SIGV4_DATE_OUT_OF_WINDOW',
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(new Date(now + WINDOW_MS))} (${formatAmzDate(new Date(now))} + 15 min.)`,
      );
    }
  }

  /** Step 3: the credential scope. */
  function checkScope(auth: SigV4Authorization, amzDate: string): void {
    if (auth.date !== amzDate.slice(0, 8)) {
      throw badScope(
        'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
      );
    }
    if (auth.region !== options.region) throw badScope('Credential should be scoped to a valid region.');
    if (auth.service !== SERVICE)
      throw badScope(`Credential should be scoped to correct service: '${SERVICE}'.`);
    if (auth.terminator !== TERMINATOR) {
      throw badScope(`Credential should be scoped with a valid terminator: '${TERMINATOR}'.`);
    }
  }

  /** Step 4 (second half): session token rules. */
  function checkSessionToken(
    record: IAMPrincipalRecord,
    auth: SigV4Authorization,
    request: AuthRequest,
    now: number,
  ): void {
    const token = request.headers['x-amz-security-token'];
    if (record.sessionTokenSha256 === null) {
      if (token !== undefined) throw authError('ERR_SIGV4_SESSION_TOKEN_INVALID');
      return;
    }
    if (token === undefined || token === '' || !auth.signedHeaders.includes('x-amz-security-token')) {
      throw authError('ERR_SIGV4_SESSION_TOKEN_INVALID');
    }
    if (!hexEqual(hasher.sha256Hex(token), record.sessionTokenSha256.toLowerCase())) {
      throw authError('ERR_SIGV4_SESSION_TOKEN_INVALID');
    }
    if (record.expiresAt === null || now >= record.expiresAt * 1000) {
      throw authError('ERR_SIGV4_SESSION_TOKEN_EXPIRED');
    }
  }

  /** Steps 5–6: the signature, with the received `Host` and then, if it has a port, the bare host. */
  function checkSignature(
    record: IAMPrincipalRecord,
    auth: SigV4Authorization,
    amzDate: string,
    request: AuthRequest,
  ): void {
    const payloadHash = hasher.sha256Hex(request.body);
    const sentPayloadHash = request.headers['x-amz-content-sha256'];
    if (sentPayloadHash !== undefined && !hexEqual(sentPayloadHash.trim().toLowerCase(), payloadHash)) {
      throw authError('ERR_SIGV4_SIGNATURE_MISMATCH');
    }
    const key = signingKey(record, auth.date);
    const scope = credentialScope(auth.date, options.region, SERVICE);
    // `parseSigV4Authorization` let through only 64 lowercase hex digits: 32 bytes.
    const sent = Buffer.from(auth.signature, 'hex');
    const matches = (headers: Readonly<Record<string, string>>): boolean => {
      const canonical = canonicalRequest({
        method: request.method,
        path: request.path,
        headers,
        signedHeaders: auth.signedHeaders,
        payloadHash,
      });
      if (canonical === undefined) return false;
      const computed = hasher.hmacSha256(key, stringToSign(amzDate, scope, canonical, hasher));
      return computed.length === sent.length && timingSafeEqual(computed, sent);
    };
    if (matches(request.headers)) return;
    const host = request.headers['host'];
    const bareHost = host === undefined ? undefined : withoutPort(host);
    if (bareHost !== undefined && matches({ ...request.headers, host: bareHost })) return;
    throw authError('ERR_SIGV4_SIGNATURE_MISMATCH');
  }

  return {
    mode: 'AWS_IAM',
    providerId: 'AWS_IAM',
    async authenticate(request: AuthRequest): Promise<Authenticated> {
      const { auth, amzDate, signedAt } = parse(request);
      const now = options.now();
      checkWindow(amzDate, signedAt, now);
      checkScope(auth, amzDate);
      let record: IAMPrincipalRecord | undefined;
      try {
        record = await options.resolver.find(auth.accessKeyId);
      } catch (error) {
        options.logger?.error('IAM principal lookup failed.', { requestId: request.requestId });
        throw error;
      }
      if (record === undefined || record.accessKeyId !== auth.accessKeyId) {
        throw authError('ERR_SIGV4_UNKNOWN_ACCESS_KEY');
      }
      checkSessionToken(record, auth, request, now);
      checkSignature(record, auth, amzDate, request);
      return {
        kind: 'authenticated',
        principal: principalOf(record),
        identity: { ...record.identity, sourceIp: [...request.sourceIp] },
      };
    },
  };
}
