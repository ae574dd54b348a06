/**
 * SigV4 canonical request, string to sign and signing key.
 * Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import type { Hasher } from './hash.js';
import { toHex } from './hash.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SIGV4_TERMINATOR = 'aws4_request';

const utf8 = new TextEncoder();

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e // ~
  );
}

/** RFC 3986 percent-encoding of every byte but the unreserved characters (uppercase hex). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of utf8.encode(value)) {
    if (isUnreserved(byte) || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * The canonical URI of a path as received (still percent-encoded): dot segments removed,
 * repeated slashes collapsed, then URI-encoded once more, as SigV4 does for every service but S3.
 */
export function canonicalURI(path: string): string {
  let canonical = canonicalURIs.get(path);
  if (canonical === undefined) {
    canonical = computeCanonicalURI(path);
    // An API is reached on one or a few paths; the bound keeps odd paths from growing the map.
    if (canonicalURIs.size >= maxCanonicalURIs) canonicalURIs.clear();
    canonicalURIs.set(path, canonical);
  }
  return canonical;
}

const canonicalURIs = new Map<string, string>();
const maxCanonicalURIs = 64;

function computeCanonicalURI(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const normalized = `${leading}${segments.join('/')}${trailing}`;
  return normalized === '' ? '/' : uriEncode(normalized, true);
}

/**
 * The canonical query string of a raw query (without `?`): parameters decoded as
 * `URLSearchParams` does, re-encoded per RFC 3986, sorted by name then value.
 */
export function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(query)) pairs.push([uriEncode(name), uriEncode(value)]);
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** A header value in canonical form: trimmed, inner whitespace runs collapsed to one space. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export interface CanonicalRequestInput {
  readonly method: string;
  /** Path and query as sent, e.g. `/graphql?x=1`. */
  readonly path: string;
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Lowercase, sorted names of the signed headers; each must be in `headers`. */
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body. */
  readonly payloadHash: string;
}

/** The canonical request; `undefined` when a signed header is absent from `headers`. */
export function canonicalRequest(input: CanonicalRequestInput): string | undefined {
  const queryStart = input.path.indexOf('?');
  const path = queryStart === -1 ? input.path : input.path.slice(0, queryStart);
  const query = queryStart === -1 ? '' : input.path.slice(queryStart + 1);
  let headerBlock = '';
  for (const name of input.signedHeaders) {
    const value = Object.hasOwn(input.headers, name) ? input.headers[name] : undefined;
    if (value === undefined) return undefined;
    headerBlock += `${name}:${canonicalHeaderValue(value)}\n`;
  }
  return [
    input.method,
    canonicalURI(path),
    canonicalQuery(query),
    headerBlock,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** `<yyyymmdd>/<region>/<service>/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${SIGV4_TERMINATOR}`;
}

/** The string to sign for a canonical request. `amzDate` is `YYYYMMDD'T'HHMMSS'Z'`. */
export function stringToSign(amzDate: string, scope: string, canonical: string, hasher: Hasher): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${hasher.sha256Hex(canonical)}`;
}

/** The signing key: HMAC chain over date, region, service and terminator. */
export function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
  hasher: Hasher,
): Uint8Array {
  const kDate = hasher.hmacSha256(`AWS4${secretAccessKey}`, date);
  const kRegion = hasher.hmacSha256(kDate, region);
  const kService = hasher.hmacSha256(kRegion, service);
  return hasher.hmacSha256(kService, SIGV4_TERMINATOR);
}

/** Lowercase hex signature of a string to sign. */
export function signatureOf(signingKey: Uint8Array, toSign: string, hasher: Hasher): string {
  return toHex(hasher.hmacSha256(signingKey, toSign));
}

/** Formats a date as SigV4's `YYYYMMDD'T'HHMMSS'Z'` (UTC, seconds). */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const amzDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Epoch milliseconds of a `YYYYMMDD'T'HHMMSS'Z'` value, or `undefined` if it is not a real UTC time. */
export function parseAmzDate(value: string): number | undefined {
  const match = amzDatePattern.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return ms;
}
