import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeServerKey,
  computeU,
  computeX,
  createServerEphemeral,
  createSRPVerifier,
  formatSRPTimestamp,
  modPow,
  padHex,
  parseSRPA,
  parseSRPTimestamp,
  passwordClaimSignature,
  signatureMatches,
  srpG,
  srpK,
  srpN,
} from './srp.js';

// identity.md §3 test vector.
const vector = {
  poolName: 'TestPool1',
  userId: '579e594f-354c-4111-980c-ca75f6293d35',
  password: 'Passw0rd!x',
  s: 0xd9955f227d0b0e298bc6cb0764de579en,
  a: 0x5c0e8e5a1f3c7d9b2a4f6e8d0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8bn,
  b: 0x1f2e3d4c5b6a79880716253443526170f1e2d3c4b5a69788f9e0d1c2b3a49586n,
  secretBlock: 'Z2F0ZWhvdXNlLXRlc3Qtc2VjcmV0LWJsb2NrLTAwMDE=',
  timestamp: 'Wed Nov 5 09:05:03 UTC 2025',
};

const sha256Hex = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/**
 * An independent client, written from the prose of identity.md §3 (string hex handling, as
 * amplify-js does), used as a second oracle beside amplify-js's own helper.
 */
function clientPad(n: bigint): string {
  const hex = n.toString(16);
  const even = hex.length % 2 ? `0${hex}` : hex;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}
function clientPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  for (let bit = BigInt(exp.toString(2).length - 1); bit >= 0n; bit -= 1n) {
    result = (result * result) % mod;
    if ((exp >> bit) & 1n) result = (result * base) % mod;
  }
  return result;
}
function clientSession(input: {
  poolName: string;
  userId: string;
  password: string;
  a: bigint;
  salt: string;
  B: bigint;
  secretBlock: string;
  timestamp: string;
}): string {
  const N = srpN;
  const k = BigInt(`0x${sha256Hex(clientPad(N) + clientPad(2n))}`);
  const A = clientPow(2n, input.a, N);
  const u = BigInt(`0x${sha256Hex(clientPad(A) + clientPad(input.B))}`);
  const inner = createHash('sha256')
    .update(`${input.poolName}${input.userId}:${input.password}`)
    .digest('hex');
  const x = BigInt(`0x${sha256Hex(clientPad(BigInt(`0x${input.salt}`)) + inner)}`);
  let base = (input.B - ((k * clientPow(2n, x, N)) % N)) % N;
  if (base < 0n) base += N;
  const S = clientPow(base, input.a + u * x, N);
  const prk = createHmac('sha256', Buffer.from(clientPad(u), 'hex'))
    .update(Buffer.from(clientPad(S), 'hex'))
    .digest();
  const key = createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(input.poolName),
        Buffer.from(input.userId),
        Buffer.from(input.secretBlock, 'base64'),
        Buffer.from(input.timestamp),
      ]),
    )
    .digest('base64');
}

describe('SRP constants and encoding', () => {
  it('derives k from PAD(N) and PAD(g) as the spec states', () => {
    expect(srpK.toString(16)).toBe('538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6');
    expect(srpN.toString(16)).toHaveLength(768);
  });

  it('pads like Java BigInteger.toByteArray', () => {
    expect(padHex(0x7fn)).toBe('7f');
    expect(padHex(0x80n)).toBe('0080');
    expect(padHex(0xfffn)).toBe('0fff');
    expect(padHex(0x8000n)).toBe('008000');
    expect(padHex(0n)).toBe('00');
  });

  it('parses odd-length SRP_A and refuses oversized, non-hex and zero-mod-N values', () => {
    expect(parseSRPA('abc')).toBe(0xabcn);
    expect(parseSRPA('1'.repeat(771))).toBeUndefined();
    expect(parseSRPA('xyz')).toBeUndefined();
    expect(parseSRPA(srpN.toString(16))).toBeUndefined();
    expect(parseSRPA('0')).toBeUndefined();
  });
});

describe('SRP test vector (identity.md §3)', () => {
  const v = modPow(srpG, computeX(vector.poolName, vector.userId, vector.password, vector.s), srpN);
  const A = modPow(srpG, vector.a, srpN);
  const B = (srpK * v + modPow(srpG, vector.b, srpN)) % srpN;

  it('computes x, H(PAD(A)), H(PAD(B)) and u', () => {
    expect(computeX(vector.poolName, vector.userId, vector.password, vector.s).toString(16)).toBe(
      '8d07b782da207d8e0988f535eaaa36fde8711616235274362d404ff331d65ade',
    );
    expect(sha256Hex(padHex(A))).toBe('48be64123cbd623ec18745fe8fbb2e21bb9db53cc5de7040263e644520da9662');
    expect(sha256Hex(padHex(B))).toBe('4e6a66820f3b63547b946630c82f03d5ad9d224874343d425fd7aa8296a83662');
    expect(padHex(computeU(A, B))).toBe('00e1395879f6baf3b17e1a5028cf138901b1f7788e8c91ba959ded4feb66e39720');
  });

  it('computes S, K and the password claim signature', () => {
    const u = computeU(A, B);
    const S = modPow((A * modPow(v, u, srpN)) % srpN, vector.b, srpN);
    expect(sha256Hex(padHex(S))).toBe('8d624931c787ed0b4f9f362430b40b19554d4b9a40d797aad2042eca6b598979');
    const key = computeServerKey({ A, B, b: vector.b, verifier: v });
    expect(Buffer.from(key!).toString('hex')).toBe('236071a6ed0f51416cfb2cdbf10415ee');
    const signature = passwordClaimSignature({
      key: key!,
      poolName: vector.poolName,
      userId: vector.userId,
      secretBlock: Buffer.from(vector.secretBlock, 'base64'),
      timestamp: vector.timestamp,
    });
    expect(signature.toString('base64')).toBe('tTbk0UQkCcq9ivQ62NANRJfZkN4dgZg1baccBc7azGM=');
    expect(signatureMatches('tTbk0UQkCcq9ivQ62NANRJfZkN4dgZg1baccBc7azGM=', signature)).toBe(true);
    expect(signatureMatches('uTbk0UQkCcq9ivQ62NANRJfZkN4dgZg1baccBc7azGM=', signature)).toBe(false);
    expect(signatureMatches('tTbk0UQk', signature)).toBe(false);
  });

  it('agrees with the independent client on the vector', () => {
    expect(clientSession({ ...vector, salt: vector.s.toString(16), B })).toBe(
      'tTbk0UQkCcq9ivQ62NANRJfZkN4dgZg1baccBc7azGM=',
    );
  });
});

describe('SRP round trips', () => {
  function serverSignature(
    verifier: { salt: bigint; verifier: bigint },
    A: bigint,
    userId: string,
    timestamp: string,
  ) {
    const { b, B } = createServerEphemeral(verifier.verifier);
    const secretBlock = Buffer.from('some-secret-block-bytes');
    const key = computeServerKey({ A, B, b, verifier: verifier.verifier })!;
    return {
      B,
      secretBlock: secretBlock.toString('base64'),
      expected: passwordClaimSignature({ key, poolName: 'Pool9', userId, secretBlock, timestamp }),
    };
  }

  it('accepts the independent client for random salts, including high-bit and leading-zero ones', () => {
    const salts = [0x80n << 120n, 0x00ffn, 0x1234n, undefined, undefined];
    for (const salt of salts) {
      const verifier = createSRPVerifier('Pool9', 'alice', 'Secret-Pass1', salt);
      const a = BigInt(`0x${createHash('sha512').update(String(salt)).digest('hex')}`);
      const A = modPow(srpG, a, srpN);
      const timestamp = formatSRPTimestamp(Date.UTC(2026, 0, 5, 7, 8, 9));
      const server = serverSignature(verifier, A, 'alice', timestamp);
      const sent = clientSession({
        poolName: 'Pool9',
        userId: 'alice',
        password: 'Secret-Pass1',
        a,
        salt: padHex(verifier.salt),
        B: server.B,
        secretBlock: server.secretBlock,
        timestamp,
      });
      expect(signatureMatches(sent, server.expected)).toBe(true);
      const wrong = clientSession({
        poolName: 'Pool9',
        userId: 'alice',
        password: 'Secret-Pass2',
        a,
        salt: padHex(verifier.salt),
        B: server.B,
        secretBlock: server.secretBlock,
        timestamp,
      });
      expect(signatureMatches(wrong, server.expected)).toBe(false);
    }
  });

  // amplify-js's own client SRP code (aws-amplify is a dev dependency of packages/e2e).
  it('accepts amplify-js’s own AuthenticationHelper', async () => {
    const amplifySRP = resolveAmplifySRP();
    const srp = (await import(amplifySRP)) as {
      getAuthenticationHelper(pool: string): Promise<{
        A: { toString(radix: number): string };
        getPasswordAuthenticationKey(input: {
          username: string;
          password: string;
          serverBValue: unknown;
          salt: unknown;
        }): Promise<Uint8Array>;
      }>;
      getSignatureString(input: {
        userPoolName: string;
        username: string;
        challengeParameters: Record<string, string>;
        dateNow: string;
        hkdf: Uint8Array;
      }): string;
    };
    const BigInteger = (
      (await import(amplifySRP.replace(/index\.mjs$/, 'BigInteger/BigInteger.mjs'))) as {
        default: new (value: string, radix: number) => unknown;
      }
    ).default;
    for (let round = 0; round < 3; round += 1) {
      const verifier = createSRPVerifier('Pool9', 'bob-user', 'Amplify-Pass1');
      const helper = await srp.getAuthenticationHelper('Pool9');
      const A = parseSRPA(helper.A.toString(16))!;
      const timestamp = formatSRPTimestamp(Date.now());
      const server = serverSignature(verifier, A, 'bob-user', timestamp);
      const hkdf = await helper.getPasswordAuthenticationKey({
        username: 'bob-user',
        password: 'Amplify-Pass1',
        serverBValue: new BigInteger(server.B.toString(16), 16),
        salt: new BigInteger(padHex(verifier.salt), 16),
      });
      const sent = srp.getSignatureString({
        userPoolName: 'Pool9',
        username: 'bob-user',
        challengeParameters: { SECRET_BLOCK: server.secretBlock },
        dateNow: timestamp,
        hkdf,
      });
      expect(signatureMatches(sent, server.expected)).toBe(true);
    }
  });
});

describe('SRP timestamps', () => {
  const now = Date.UTC(2025, 10, 5, 9, 5, 3);

  it('formats a one-digit day without padding and parses it back', () => {
    expect(formatSRPTimestamp(now)).toBe('Wed Nov 5 09:05:03 UTC 2025');
    expect(parseSRPTimestamp('Wed Nov 5 09:05:03 UTC 2025')).toBe(now);
  });

  it('refuses a padded day, a wrong weekday and impossible dates', () => {
    expect(parseSRPTimestamp('Wed Nov 05 09:05:03 UTC 2025')).toBeUndefined();
    expect(parseSRPTimestamp('Thu Nov 5 09:05:03 UTC 2025')).toBeUndefined();
    expect(parseSRPTimestamp('Mon Feb 30 09:05:03 UTC 2026')).toBeUndefined();
    expect(parseSRPTimestamp('Wed Nov 5 9:05:03 UTC 2025')).toBeUndefined();
  });
});

function resolveAmplifySRP(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@aws-amplify/auth/package.json'));
  return pathToFileURL(join(root, 'dist/esm/providers/cognito/utils/srp/index.mjs')).href;
}

describe('modPow in the SRP group', () => {
  const reference = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
    let result = 1n;
    let b = base % modulus;
    for (let e = exponent; e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * b) % modulus;
      b = (b * b) % modulus;
    }
    return result;
  };

  it('computes natively what square-and-multiply computes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: srpN + 5n }),
        fc.bigInt({ min: 0n, max: 2n ** 256n }),
        (base, exponent) => {
          expect(modPow(base, exponent, srpN)).toBe(reference(base, exponent, srpN));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('handles the edge bases and exponents outside the native range', () => {
    for (const base of [0n, 1n, srpN - 1n, srpN, srpN + 1n]) {
      for (const exponent of [0n, 1n, 2n, 12345n]) {
        expect(modPow(base, exponent, srpN)).toBe(reference(base, exponent, srpN));
      }
    }
  });
});
