/**
 * Password policy (Cognito's default) and scrypt hashing (identity.md §8):
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`, 16-byte salt, 32-byte output, constant-time comparison.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { IdentityError } from './errors.js';

/** Cognito's default policy: at least 8 characters with upper- and lowercase letters, a digit and a symbol. */
export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireUppercase: boolean;
  readonly requireLowercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
}

export const defaultPasswordPolicy: PasswordPolicy = {
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
};

const maximumPasswordLength = 256;
// Cognito's special characters; a space that is neither leading nor trailing also counts.
const symbols = new Set('^$*.[]{}()?-"!@#%&/\\,><\':;|_~`+='.split(''));

/** Throws `InvalidPasswordException` naming the first rule the password breaks (Cognito's wording). */
export function assertPasswordPolicy(password: string, policy: PasswordPolicy = defaultPasswordPolicy): void {
  const fail = (reason: string): never => {
    throw new IdentityError('InvalidPasswordException', `Password did not conform with policy: ${reason}`);
  };
  if (typeof password !== 'string') fail('Password must be a string');
  if (password.length < policy.minimumLength) fail('Password not long enough');
  if (password.length > maximumPasswordLength) fail('Password is too long');
  if (policy.requireLowercase && !/[a-z]/.test(password)) fail('Password must have lowercase characters');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) fail('Password must have uppercase characters');
  if (policy.requireNumbers && !/[0-9]/.test(password)) fail('Password must have numeric characters');
  if (policy.requireSymbols && !hasSymbol(password)) fail('Password must have symbol characters');
}

function hasSymbol(password: string): boolean {
  for (let index = 0; index < password.length; index += 1) {
    const character = password.charAt(index);
    if (symbols.has(character)) return true;
    if (character === ' ' && index > 0 && index < password.length - 1) return true;
  }
  return false;
}

export interface PasswordHashingOptions {
  /**
   * Test-only: scrypt with N = 2^10 instead of 2^17 so suites run fast. Never set it for real users;
   * hashes record their parameters, so verification works either way.
   */
  readonly unsafeFastHashingForTests?: boolean | undefined;
}

interface ScryptParameters {
  ln: number;
  r: number;
  p: number;
}

const standardParameters: ScryptParameters = { ln: 17, r: 8, p: 1 };
const testParameters: ScryptParameters = { ln: 10, r: 8, p: 1 };
const saltLength = 16;
const hashLength = 32;
const maxConcurrentHashes = 4;

let running = 0;
const waiting: (() => void)[] = [];

/** scrypt with bounded concurrency: each standard hash needs 128 MiB. */
async function scrypt(password: string, salt: Uint8Array, parameters: ScryptParameters): Promise<Buffer> {
  while (running >= maxConcurrentHashes) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    const options: ScryptOptions = {
      N: 2 ** parameters.ln,
      r: parameters.r,
      p: parameters.p,
      maxmem: 256 * 1024 * 1024,
    };
    return await new Promise<Buffer>((resolve, reject) => {
      scryptCallback(password.normalize('NFC'), salt, hashLength, options, (error, key) =>
        error ? reject(error) : resolve(key),
      );
    });
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export async function hashPassword(password: string, options: PasswordHashingOptions = {}): Promise<string> {
  const parameters = options.unsafeFastHashingForTests ? testParameters : standardParameters;
  const salt = randomBytes(saltLength);
  const hash = await scrypt(password, salt, parameters);
  return formatHash(parameters, salt, hash);
}

function formatHash(parameters: ScryptParameters, salt: Uint8Array, hash: Uint8Array): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${parameters.ln},r=${parameters.r},p=${parameters.p}$${b64(salt)}$${b64(hash)}`;
}

function parseHash(stored: string): { parameters: ScryptParameters; salt: Buffer; hash: Buffer } | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    stored,
  );
  if (!match) return undefined;
  const parameters = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (parameters.ln < 10 || parameters.ln > 20 || parameters.r < 1 || parameters.r > 16 || parameters.p < 1) {
    return undefined;
  }
  return {
    parameters,
    salt: Buffer.from(match[4] ?? '', 'base64'),
    hash: Buffer.from(match[5] ?? '', 'base64'),
  };
}

/** True when `password` matches the stored hash; the comparison is constant-time. */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || typeof password !== 'string') return false;
  const candidate = await scrypt(password, parsed.salt, parsed.parameters);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

const decoys = new Map<number, string>();

/** Spends the same work as a real check, for unknown users, and returns false. */
export async function verifyDecoyPassword(
  password: string,
  options: PasswordHashingOptions = {},
): Promise<false> {
  const parameters = options.unsafeFastHashingForTests ? testParameters : standardParameters;
  let decoy = decoys.get(parameters.ln);
  if (!decoy) {
    decoy = formatHash(parameters, randomBytes(saltLength), randomBytes(hashLength));
    decoys.set(parameters.ln, decoy);
  }
  await verifyPasswordHash(typeof password === 'string' ? password : '', decoy);
  return false;
}
