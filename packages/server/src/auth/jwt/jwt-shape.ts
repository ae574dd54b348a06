/**
 * The shape of a JWT, before any trust is placed in it: `Bearer ` stripping, the "is this a JWT"
 * test and unverified issuer peek used to choose a provider (appsync-auth.md §1, §2), and the
 * strict decoder behind §3.2 step 1 (E2 on failure).
 */
import { authError } from '@gatehouse/core';

/** Longer tokens are refused unread (the request header limit is 16 KiB, §8). */
export const maxTokenLength = 16_384;

const bearerPrefix = /^bearer /i;
const base64urlSegment = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Removes one leading `Bearer ` (any case); the value is otherwise unchanged. */
export function stripBearer(value: string): string {
  return bearerPrefix.test(value) ? value.slice(7) : value;
}

/** A JWT header after strict decoding: a JSON object whose `alg` is a string. */
export interface JWTHeader {
  readonly alg: string;
  readonly kid?: unknown;
  readonly [name: string]: unknown;
}

export interface DecodedJWT {
  readonly header: JWTHeader;
  /** The unverified claims. */
  readonly payload: Record<string, unknown>;
}

/** Strict base64url: the URL-safe alphabet, no padding, canonical trailing bits. */
function decodeSegment(segment: string): Uint8Array | undefined {
  if (segment.length === 0 || segment.length % 4 === 1 || !base64urlSegment.test(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) return undefined;
  return bytes;
}

/** Parses UTF-8 JSON bytes that must hold an object (not an array, not `null`). */
export function parseJSONObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

function decodeObjectSegment(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeSegment(segment);
  return bytes === undefined ? undefined : parseJSONObject(bytes);
}

function splitCompact(value: string): [string, string, string] | undefined {
  if (value.length > maxTokenLength) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  return [header, payload, signature];
}

/**
 * True if the value is three dot-separated base64url segments, the first a JSON object with `alg`
 * (appsync-auth.md §2 step 2.2). The signature segment may be empty (an `alg: none` token is still
 * a JWT, rejected later with E3).
 */
export function isJWTShaped(value: string): boolean {
  const parts = splitCompact(value);
  if (parts === undefined) return false;
  if (!base64urlSegment.test(parts[1]) || !base64urlSegment.test(parts[2])) return false;
  const header = decodeObjectSegment(parts[0]);
  return header !== undefined && Object.hasOwn(header, 'alg');
}

/** The unverified `iss` claim, or `undefined` when the value has none or is not a JWT. Never throws. */
export function peekIssuer(token: string): string | undefined {
  const parts = splitCompact(token);
  if (parts === undefined) return undefined;
  const payload = decodeObjectSegment(parts[1]);
  const iss = payload?.['iss'];
  return typeof iss === 'string' ? iss : undefined;
}

/**
 * Decodes a compact JWT without verifying it: three segments, header and payload base64url JSON
 * objects, header `alg` a string. Throws E2 (`ERR_AUTH_JWT_UNPARSEABLE`) otherwise.
 */
export function decodeJWT(token: string): DecodedJWT {
  const parts = splitCompact(token);
  if (parts === undefined || !base64urlSegment.test(parts[2])) {
    throw authError('ERR_AUTH_JWT_UNPARSEABLE', 'The credential is not three base64url segments.');
  }
  const header = decodeObjectSegment(parts[0]);
  const payload = decodeObjectSegment(parts[1]);
  if (header === undefined || payload === undefined || typeof header['alg'] !== 'string') {
    throw authError(
      'ERR_AUTH_JWT_UNPARSEABLE',
      'The JWT header or payload is not a base64url JSON object with "alg".',
    );
  }
  return { header: header as JWTHeader, payload };
}
