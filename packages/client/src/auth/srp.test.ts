import { sha256, toHex } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import {
  computePasswordClaim,
  formatSRPTimestamp,
  hexToBytes,
  modPow,
  padHex,
  srpG,
  srpK,
  srpN,
  srpX,
} from './srp.js';

// identity.md §3 test vector.
const P = 'TestPool1';
const I = '579e594f-354c-4111-980c-ca75f6293d35';
const password = 'Passw0rd!x';
const s = 0xd9955f227d0b0e298bc6cb0764de579en;
const a = BigInt('0x5c0e8e5a1f3c7d9b2a4f6e8d0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b');
const b = BigInt('0x1f2e3d4c5b6a79880716253443526170f1e2d3c4b5a69788f9e0d1c2b3a49586');
const secretBlock = 'Z2F0ZWhvdXNlLXRlc3Qtc2VjcmV0LWJsb2NrLTAwMDE=';
const timestamp = 'Wed Nov 5 09:05:03 UTC 2025';

function serverB(): bigint {
  const v = modPow(srpG, srpX(s, P, I, password), srpN);
  return (srpK * v + modPow(srpG, b, srpN)) % srpN;
}

describe('SRP (identity.md §3 vectors)', () => {
  it('computes k from PAD(N) and PAD(g)', () => {
    expect(srpK.toString(16)).toBe('538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6');
  });

  it('pads like Java BigInteger.toByteArray', () => {
    expect(padHex(0xfn)).toBe('0f');
    expect(padHex(0x7fn)).toBe('7f');
    expect(padHex(0x80n)).toBe('0080');
    expect(padHex(s)).toBe('00d9955f227d0b0e298bc6cb0764de579e');
  });

  it('derives x, u, S, the key and the signature of the vector', () => {
    expect(srpX(s, P, I, password).toString(16)).toBe(
      '8d07b782da207d8e0988f535eaaa36fde8711616235274362d404ff331d65ade',
    );
    const A = modPow(srpG, a, srpN);
    const B = serverB();
    expect(toHex(sha256(hexToBytes(padHex(A))))).toBe(
      '48be64123cbd623ec18745fe8fbb2e21bb9db53cc5de7040263e644520da9662',
    );
    expect(toHex(sha256(hexToBytes(padHex(B))))).toBe(
      '4e6a66820f3b63547b946630c82f03d5ad9d224874343d425fd7aa8296a83662',
    );
    for (const salt of ['d9955f227d0b0e298bc6cb0764de579e', '00d9955f227d0b0e298bc6cb0764de579e']) {
      const claim = computePasswordClaim({
        state: { a, A },
        serverB: B.toString(16),
        salt,
        poolName: P,
        userId: I,
        password,
        secretBlock,
        timestamp,
      });
      expect(padHex(claim.u)).toBe('00e1395879f6baf3b17e1a5028cf138901b1f7788e8c91ba959ded4feb66e39720');
      expect(toHex(sha256(hexToBytes(padHex(claim.S))))).toBe(
        '8d624931c787ed0b4f9f362430b40b19554d4b9a40d797aad2042eca6b598979',
      );
      expect(toHex(claim.key)).toBe('236071a6ed0f51416cfb2cdbf10415ee');
      expect(claim.signature).toBe('tTbk0UQkCcq9ivQ62NANRJfZkN4dgZg1baccBc7azGM=');
    }
  });

  it('agrees with the server-side S = (A·v^u)^b', () => {
    const A = modPow(srpG, a, srpN);
    const B = serverB();
    const claim = computePasswordClaim({
      state: { a, A },
      serverB: B.toString(16),
      salt: 'd9955f227d0b0e298bc6cb0764de579e',
      poolName: P,
      userId: I,
      password,
      secretBlock,
      timestamp,
    });
    const v = modPow(srpG, srpX(s, P, I, password), srpN);
    expect(modPow((A * modPow(v, claim.u, srpN)) % srpN, b, srpN)).toBe(claim.S);
  });

  it('refuses B ≡ 0 mod N', () => {
    expect(() =>
      computePasswordClaim({
        state: { a, A: 1n },
        serverB: srpN.toString(16),
        salt: '01',
        poolName: P,
        userId: I,
        password,
        secretBlock,
        timestamp,
      }),
    ).toThrow(RangeError);
  });

  it('formats the timestamp without a leading zero on the day', () => {
    expect(formatSRPTimestamp(new Date('2025-11-05T09:05:03Z'))).toBe(timestamp);
    expect(formatSRPTimestamp(new Date('2025-11-15T19:45:13Z'))).toBe('Sat Nov 15 19:45:13 UTC 2025');
  });
});
