/**
 * The server side of Cognito's SRP-6a variant (identity.md §3), as amplify-js computes the client
 * side: RFC 3526 group 15, `k = H(PAD(N) ‖ PAD(g))`, Java-style sign-padded hex (`PAD`), and
 * HKDF-SHA256 ("Caldera Derived Key") for the session key. Pure functions over bigints, plus
 * randomness for salts and the server's ephemeral secret.
 */
import {
  createDiffieHellman,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { srpG, srpN, srpPrimeHex } from '@gatehouse/core';

export { srpG, srpN };

/** Longest `SRP_A` accepted, in hex digits (§3 step A.1). */
export const maximumSRPAHexLength = 770;

/** `PAD(n)`: lowercase hex, even length, with a `00` byte in front when the top bit is set. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('"value" must be non-negative.');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if ('89abcdef'.includes(hex.charAt(0))) hex = `00${hex}`;
  return hex;
}

function bytesOf(value: bigint): Buffer {
  return Buffer.from(padHex(value), 'hex');
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

const primeBytes = Buffer.from(srpPrimeHex, 'hex');
const generatorBytes = Buffer.from([2]);

/**
 * `base^exponent mod N` in OpenSSL (native, constant-time for the secret exponent): a
 * Diffie-Hellman context over the group computes `peer^private mod N`, any base in (1, N−1).
 */
function nativeModPowN(base: bigint, exponent: bigint): bigint {
  const dh = createDiffieHellman(primeBytes, generatorBytes);
  dh.setPrivateKey(Buffer.from(padHex(exponent), 'hex'));
  return toBigInt(dh.computeSecret(Buffer.from(padHex(base), 'hex')));
}

/** `base^exponent mod modulus`; natively for the SRP group, else by square-and-multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  const reduced = base % modulus;
  if (modulus === srpN && reduced > 1n && reduced < srpN - 1n && exponent > 0n) {
    return nativeModPowN(reduced, exponent);
  }
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

export const srpK = toBigInt(sha256(bytesOf(srpN), bytesOf(srpG)));

/** `x = H(PAD(s) ‖ H(P ‖ I ‖ ":" ‖ password))`. */
export function computeX(poolName: string, userId: string, password: string, salt: bigint): bigint {
  const inner = sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
  return toBigInt(sha256(bytesOf(salt), inner));
}

export interface SRPVerifier {
  /** Salt `s`. */
  readonly salt: bigint;
  /** `v = g^x mod N`. */
  readonly verifier: bigint;
}

/** A fresh verifier: 16 random salt bytes, `v = g^x mod N` (§3 "Verifier"). */
export function createSRPVerifier(
  poolName: string,
  userId: string,
  password: string,
  salt: bigint = toBigInt(randomBytes(16)),
): SRPVerifier {
  return { salt, verifier: modPow(srpG, computeX(poolName, userId, password, salt), srpN) };
}

/** Parses `SRP_A` (unpadded hex, maybe odd length); `undefined` when too long, not hex, or `A mod N = 0`. */
export function parseSRPA(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > maximumSRPAHexLength)
    return undefined;
  if (!/^[0-9a-fA-F]+$/.test(value)) return undefined;
  const A = BigInt(`0x${value}`);
  return A % srpN === 0n ? undefined : A;
}

/** Step A.3: random `b` (32 bytes) and `B = (k·v + g^b) mod N`, redrawn while `B mod N = 0`. */
export function createServerEphemeral(
  verifier: bigint,
  random: (size: number) => Uint8Array = randomBytes,
): { b: bigint; B: bigint } {
  for (;;) {
    const b = toBigInt(random(32));
    const B = (srpK * verifier + modPow(srpG, b, srpN)) % srpN;
    if (b !== 0n && B !== 0n) return { b, B };
  }
}

/** `u = H(PAD(A) ‖ PAD(B))`. */
export function computeU(A: bigint, B: bigint): bigint {
  return toBigInt(sha256(bytesOf(A), bytesOf(B)));
}

/** Step B.3–5: the 16-byte session key `K`, or `undefined` when `u = 0`. */
export function computeServerKey(input: {
  A: bigint;
  B: bigint;
  b: bigint;
  verifier: bigint;
}): Uint8Array | undefined {
  const u = computeU(input.A, input.B);
  if (u === 0n) return undefined;
  const S = modPow((input.A * modPow(input.verifier, u, srpN)) % srpN, input.b, srpN);
  return hkdfKey(S, u);
}

/** `K = HKDF-SHA256(IKM = PAD(S), salt = PAD(u), info = "Caldera Derived Key", 16 bytes)`. */
export function hkdfKey(S: bigint, u: bigint): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', bytesOf(S), bytesOf(u), 'Caldera Derived Key', 16));
}

/** `M = HMAC(K, P ‖ I ‖ SECRET_BLOCK bytes ‖ TIMESTAMP)`, 32 bytes. */
export function passwordClaimSignature(input: {
  key: Uint8Array;
  poolName: string;
  userId: string;
  secretBlock: Uint8Array;
  timestamp: string;
}): Buffer {
  return createHmac('sha256', input.key)
    .update(Buffer.from(input.poolName, 'utf8'))
    .update(Buffer.from(input.userId, 'utf8'))
    .update(input.secretBlock)
    .update(Buffer.from(input.timestamp, 'utf8'))
    .digest();
}

/** Constant-time check of a base64 `PASSWORD_CLAIM_SIGNATURE` against the expected 32 bytes. */
export function signatureMatches(sent: unknown, expected: Uint8Array): boolean {
  if (typeof sent !== 'string' || !/^[A-Za-z0-9+/_-]{43}=?$/.test(sent)) return false;
  const decoded = Buffer.from(sent.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return decoded.length === 32 && expected.length === 32 && timingSafeEqual(decoded, expected);
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const timestampPattern =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d) UTC (\d{4})$/;

/** `TIMESTAMP` as amplify-js writes it: `Wed Nov 5 09:05:03 UTC 2025`. */
export function formatSRPTimestamp(ms: number): string {
  const date = new Date(ms);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${weekdays[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(
    date.getUTCHours(),
  )}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Epoch ms of a well-formed `TIMESTAMP` whose weekday fits its date; else `undefined`. */
export function parseSRPTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = timestampPattern.exec(value);
  if (!match) return undefined;
  const [, weekday, month, day, hours, minutes, seconds, year] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const monthIndex = months.indexOf(month as (typeof months)[number]);
  const ms = Date.UTC(Number(year), monthIndex, Number(day), Number(hours), Number(minutes), Number(seconds));
  const date = new Date(ms);
  if (date.getUTCMonth() !== monthIndex || date.getUTCDate() !== Number(day)) return undefined;
  if (weekdays[date.getUTCDay()] !== weekday) return undefined;
  return ms;
}
