/**
 * Verification keys fetched over HTTP: a JWKS document (user pools, appsync-auth.md §3.2 step 3)
 * or one found through OpenID Connect discovery (§3.3). Fetch failures are logged and surface as
 * "no keys", which the verifier turns into E3.
 */
import { isLoopbackHost, silentLogger } from '@gatehouse/core';
import type { Clock, JWKSource, Logger, PublicJWK } from '@gatehouse/core';

/** Fetched keys are used for one hour (§3.2 step 3). */
export const jwksCacheMilliseconds = 3_600_000;
/** A `refresh` (unknown `kid`) refetches at most once per minute per source (§3.2 step 3). */
export const jwksRefreshIntervalMilliseconds = 60_000;
/** After a failed fetch, ordinary lookups wait this long before trying again. */
const failureBackoffMilliseconds = 5_000;
const fetchTimeoutMilliseconds = 5_000;
const maxDocumentBytes = 1_048_576;

const publicMembers = ['kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y'] as const;

/**
 * Parses a key-fetching URL and checks it is `https`, or `http` on a loopback host (§3.3, §4).
 * Throws a `TypeError` naming the option otherwise.
 */
export function assertSecureURL(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`"${name}" must be an absolute URL.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new TypeError(`"${name}" must be an https URL; http is allowed only for loopback hosts.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`"${name}" must not contain credentials.`);
  }
  return url;
}

/** The URL without query, fragment or credentials, for logs. */
function loggableURL(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function describeFailure(error: unknown): string {
  if (error instanceof FetchFailure) return error.message;
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown } | undefined;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    return `${error.name}${code}`;
  }
  return 'unknown failure';
}

/** A failure we describe ourselves; its message never contains response content. */
class FetchFailure extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function fetchJSON(url: URL, fetchImpl: typeof fetch): Promise<unknown> {
  const response = await fetchImpl(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(fetchTimeoutMilliseconds),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new FetchFailure(`status ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxDocumentBytes) {
    await response.body?.cancel();
    throw new FetchFailure('document too large');
  }
  const text = await response.text();
  if (text.length > maxDocumentBytes) throw new FetchFailure('document too large');
  try {
    return JSON.parse(text);
  } catch {
    throw new FetchFailure('document is not JSON');
  }
}

/** Keeps only the public members of each key with a string `kty`; private members are dropped. */
function parseJWKS(document: unknown): PublicJWK[] {
  if (!isObject(document) || !Array.isArray(document['keys']))
    throw new FetchFailure('document has no "keys" array');
  const keys: PublicJWK[] = [];
  for (const entry of document['keys'] as unknown[]) {
    if (!isObject(entry) || typeof entry['kty'] !== 'string') continue;
    const key: PublicJWK = { kty: entry['kty'] };
    for (const name of publicMembers) {
      const member = entry[name];
      if (typeof member === 'string') key[name] = member;
    }
    keys.push(key);
  }
  return keys;
}

export interface RemoteJWKSourceOptions {
  /** `https`, or `http` on a loopback host. */
  jwksUri: string;
  fetch?: typeof fetch;
  now: Clock;
  logger?: Logger;
}

/**
 * A JWKS fetched from `jwksUri`, cached for one hour. `getKeys({ refresh: true })` refetches at
 * most once per 60 s; a failed fetch is logged and leaves the previous (still fresh) keys, or none.
 */
export function createRemoteJWKSource(options: RemoteJWKSourceOptions): JWKSource {
  const url = assertSecureURL(options.jwksUri, 'jwksUri');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const { now } = options;
  const logger = options.logger ?? silentLogger;

  let current: { keys: readonly PublicJWK[]; expiresAt: number } | undefined;
  let lastRefreshAt: number | undefined;
  let lastFailureAt: number | undefined;
  let inflight: Promise<void> | undefined;

  async function load(): Promise<void> {
    try {
      const keys = parseJWKS(await fetchJSON(url, fetchImpl));
      current = { keys, expiresAt: now() + jwksCacheMilliseconds };
      lastFailureAt = undefined;
    } catch (error) {
      lastFailureAt = now();
      logger.warn('Fetching the JWKS fails.', { jwksUri: loggableURL(url), reason: describeFailure(error) });
    }
  }

  function loadOnce(): Promise<void> {
    inflight ??= load().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async getKeys(request) {
      const t = now();
      const fresh = current !== undefined && t < current.expiresAt;
      if (
        request?.refresh === true &&
        (lastRefreshAt === undefined || t - lastRefreshAt >= jwksRefreshIntervalMilliseconds)
      ) {
        lastRefreshAt = t;
        await loadOnce();
      } else if (!fresh && (lastFailureAt === undefined || t - lastFailureAt >= failureBackoffMilliseconds)) {
        await loadOnce();
      }
      return current !== undefined && now() < current.expiresAt ? current.keys : [];
    },
  };
}

export interface OIDCDiscoveryJWKSourceOptions {
  /** The provider's issuer, `https` or `http` on a loopback host; no query or fragment. */
  issuer: string;
  fetch?: typeof fetch;
  now: Clock;
  logger?: Logger;
}

/**
 * Keys of an OpenID Connect provider: `<issuer>/.well-known/openid-configuration` names the JWKS
 * (its `issuer` must equal ours byte for byte, `jwks_uri` must be present and secure), which is
 * then fetched as by `createRemoteJWKSource`. A successful discovery is kept for the process.
 */
export function createOIDCDiscoveryJWKSource(options: OIDCDiscoveryJWKSourceOptions): JWKSource {
  const issuerURL = assertSecureURL(options.issuer, 'issuer');
  if (
    issuerURL.search !== '' ||
    issuerURL.hash !== '' ||
    options.issuer.includes('?') ||
    options.issuer.includes('#')
  ) {
    throw new TypeError('"issuer" must not have a query or fragment.');
  }
  const { issuer, now } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const logger = options.logger ?? silentLogger;
  const discoveryURL = new URL(
    `${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`,
  );

  let keys: JWKSource | undefined;
  let lastFailureAt: number | undefined;
  let inflight: Promise<void> | undefined;

  async function discover(): Promise<void> {
    try {
      const document = await fetchJSON(discoveryURL, fetchImpl);
      if (!isObject(document)) throw new FetchFailure('discovery document is not a JSON object');
      if (document['issuer'] !== issuer)
        throw new FetchFailure('discovery "issuer" differs from the configured issuer');
      const jwksUri = document['jwks_uri'];
      if (typeof jwksUri !== 'string') throw new FetchFailure('discovery document has no "jwks_uri"');
      try {
        keys = createRemoteJWKSource({ jwksUri, fetch: fetchImpl, now, logger });
      } catch {
        throw new FetchFailure('discovery "jwks_uri" is not an https URL (or http on a loopback host)');
      }
      lastFailureAt = undefined;
    } catch (error) {
      lastFailureAt = now();
      logger.warn('OpenID Connect discovery fails.', { issuer, reason: describeFailure(error) });
    }
  }

  return {
    async getKeys(request) {
      if (keys === undefined) {
        const t = now();
        if (lastFailureAt === undefined || t - lastFailureAt >= failureBackoffMilliseconds) {
          inflight ??= discover().finally(() => {
            inflight = undefined;
          });
        }
        if (inflight !== undefined) await inflight;
        if (keys === undefined) return [];
      }
      return keys.getKeys(request);
    },
  };
}
