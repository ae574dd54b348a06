/**
 * The client side of Cognito's SRP-6a variant (identity.md §3), with BigInt and core's pure
 * SHA-256/HMAC, so it runs in browsers too.
 */
import { hmacSha256, sha256, srpG, srpN, toHex } from '@gatehouse/core';
import { base64ToBytes, bytesToBase64 } from '../jwt.js';

export { srpG, srpN };

const utf8 = new TextEncoder();

/** `PAD(n)`: even-length lowercase hex, `00`-prefixed if the top bit is set (Java `toByteArray`). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  if (/^[89a-f]/.test(hex)) hex = '00' + hex;
  return hex;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const padBytes = (n: bigint): Uint8Array => hexToBytes(padHex(n));

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** `k = H(PAD(N) ‖ PAD(g))`. */
export const srpK = bytesToBigInt(sha256(concat(padBytes(srpN), padBytes(srpG))));

export interface SRPClientState {
  readonly a: bigint;
  readonly A: bigint;
}

/** `a` from 128 random bytes; `A = g^a mod N` (redrawn if `A mod N = 0`). */
export function createSRPClient(randomBytes: (length: number) => Uint8Array): SRPClientState {
  for (;;) {
    const a = bytesToBigInt(randomBytes(128));
    const A = modPow(srpG, a, srpN);
    if (A % srpN !== 0n) return { a, A };
  }
}

export interface PasswordClaimInput {
  readonly state: SRPClientState;
  /** `SRP_B`, hex. */
  readonly serverB: string;
  /** `SALT`, hex (padded or not). */
  readonly salt: string;
  readonly poolName: string;
  /** `USER_ID_FOR_SRP`. */
  readonly userId: string;
  readonly password: string;
  /** `SECRET_BLOCK`, base64. */
  readonly secretBlock: string;
  /** `TIMESTAMP`, see `formatSRPTimestamp`. */
  readonly timestamp: string;
}

export interface PasswordClaimDetails {
  readonly u: bigint;
  readonly x: bigint;
  readonly S: bigint;
  readonly key: Uint8Array;
  /** `PASSWORD_CLAIM_SIGNATURE`: standard base64 of the 32-byte HMAC. */
  readonly signature: string;
}

/** `x = H(PAD(s) ‖ H(P ‖ I ‖ ":" ‖ password))`. */
export function srpX(salt: bigint, poolName: string, userId: string, password: string): bigint {
  const inner = sha256(utf8.encode(`${poolName}${userId}:${password}`));
  return bytesToBigInt(sha256(concat(padBytes(salt), inner)));
}

export function computePasswordClaim(input: PasswordClaimInput): PasswordClaimDetails {
  const B = BigInt('0x' + input.serverB);
  if (B % srpN === 0n) throw new RangeError('The server sent an invalid SRP_B.');
  const { a, A } = input.state;
  const u = bytesToBigInt(sha256(concat(padBytes(A), padBytes(B))));
  if (u === 0n) throw new RangeError('The SRP scrambling parameter is zero.');
  const x = srpX(BigInt('0x' + input.salt), input.poolName, input.userId, input.password);
  const base = (((B - srpK * modPow(srpG, x, srpN)) % srpN) + srpN) % srpN;
  const S = modPow(base, a + u * x, srpN);
  // HKDF-SHA256 (RFC 5869) with one output block: info "Caldera Derived Key", 16 bytes.
  const prk = hmacSha256(padBytes(u), padBytes(S));
  const key = hmacSha256(prk, concat(utf8.encode('Caldera Derived Key'), new Uint8Array([1]))).slice(0, 16);
  const message = concat(
    utf8.encode(input.poolName),
    utf8.encode(input.userId),
    base64ToBytes(input.secretBlock),
    utf8.encode(input.timestamp),
  );
  return { u, x, S, key, signature: bytesToBase64(hmacSha256(key, message)) };
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Wed Nov 5 09:05:03 UTC 2025`: day without a leading zero, zero-padded time. */
export function formatSRPTimestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${weekdays[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
