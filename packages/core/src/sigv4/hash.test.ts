import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmacSha256, pureHasher, toHex } from './hash.js';

const hex = (value: string) => Uint8Array.from(Buffer.from(value, 'hex'));

describe('pureHasher.sha256Hex', () => {
  it('matches the FIPS 180-4 example digests', () => {
    expect(pureHasher.sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(pureHasher.sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(pureHasher.sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(pureHasher.sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('hashes strings as UTF-8', () => {
    expect(pureHasher.sha256Hex('héllo ✓ 😀')).toBe(
      createHash('sha256').update('héllo ✓ 😀', 'utf8').digest('hex'),
    );
  });

  it('agrees with node:crypto around every padding boundary', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 255);
      expect(pureHasher.sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('hashes a subarray view without reading outside it', () => {
    const backing = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    const view = backing.subarray(7, 250);
    expect(pureHasher.sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
  });

  it('agrees with node:crypto on random bytes and strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(pureHasher.sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(pureHasher.sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
    );
  });
});

describe('pureHasher.hmacSha256', () => {
  it('matches the RFC 4231 test cases', () => {
    expect(toHex(hmacSha256(hex('0b'.repeat(20)), 'Hi There'))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    expect(toHex(pureHasher.hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(
      toHex(hmacSha256(hex('aa'.repeat(131)), 'Test Using Larger Than Block-Size Key - Hash Key First')),
    ).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('agrees with node:crypto on random keys and messages', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.string({ unit: 'grapheme', maxLength: 150 }),
        (key, data) => {
          expect(toHex(pureHasher.hmacSha256(key, data))).toBe(
            createHmac('sha256', key).update(data, 'utf8').digest('hex'),
          );
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (key, data) => {
        expect(toHex(pureHasher.hmacSha256(key, data))).toBe(
          createHmac('sha256', key).update(data, 'utf8').digest('hex'),
        );
      }),
    );
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
