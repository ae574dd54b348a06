import { isGatehouseError } from '@gatehouse/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJWT, isJWTShaped, peekIssuer, stripBearer } from './jwt-shape.js';

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

const header = b64({ alg: 'RS256', kid: 'k1' });
const payload = b64({ iss: 'https://idp.example.com', sub: 'user-1' });
const token = `${header}.${payload}.c2lnbmF0dXJl`;

describe('stripBearer', () => {
  it('removes one leading "Bearer " in any case', () => {
    expect(stripBearer(`Bearer ${token}`)).toBe(token);
    expect(stripBearer(`bEaReR ${token}`)).toBe(token);
    expect(stripBearer(`Bearer Bearer ${token}`)).toBe(`Bearer ${token}`);
  });

  it('leaves other values unchanged', () => {
    expect(stripBearer(token)).toBe(token);
    expect(stripBearer(`Bearer${token}`)).toBe(`Bearer${token}`);
    expect(stripBearer(` Bearer ${token}`)).toBe(` Bearer ${token}`);
  });
});

describe('isJWTShaped', () => {
  it('accepts three base64url segments whose first is a JSON object with "alg"', () => {
    expect(isJWTShaped(token)).toBe(true);
    expect(isJWTShaped(`${b64({ alg: 'none' })}.${payload}.`)).toBe(true);
  });

  it('refuses other values', () => {
    for (const value of [
      '',
      'opaque-lambda-token',
      `${header}.${payload}`,
      `${header}.${payload}.sig.extra`,
      `${b64({ kid: 'k1' })}.${payload}.sig`,
      `${b64('[1]')}.${payload}.sig`,
      `${header}.${payload}.si+g`,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/appsync/aws4_request',
    ]) {
      expect(isJWTShaped(value)).toBe(false);
    }
  });
});

describe('peekIssuer', () => {
  it('returns the unverified "iss"', () => {
    expect(peekIssuer(token)).toBe('https://idp.example.com');
  });

  it('returns undefined for a missing or non-string "iss" and for non-JWTs', () => {
    expect(peekIssuer(`${header}.${b64({ iss: 7 })}.sig`)).toBeUndefined();
    expect(peekIssuer(`${header}.${b64({})}.sig`)).toBeUndefined();
    expect(peekIssuer('not a jwt')).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        peekIssuer(value);
        isJWTShaped(value);
        stripBearer(value);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decodeJWT', () => {
  it('decodes the header and payload', () => {
    expect(decodeJWT(token)).toEqual({
      header: { alg: 'RS256', kid: 'k1' },
      payload: { iss: 'https://idp.example.com', sub: 'user-1' },
    });
  });

  it('refuses non-canonical base64url, invalid UTF-8 and oversized tokens with E2', () => {
    // The header is 26 bytes, so its last character carries two unused bits; setting one keeps the bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = `${header.slice(0, -1)}${alphabet[alphabet.indexOf(header.slice(-1)) ^ 1]}`;
    expect(Buffer.from(nonCanonical, 'base64url')).toEqual(Buffer.from(header, 'base64url'));
    for (const value of [
      `${nonCanonical}.${payload}.sig`,
      `${Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')}.${payload}.sig`,
      `${header}.${b64({ pad: 'x'.repeat(20_000) })}.sig`,
    ]) {
      let error: unknown;
      try {
        decodeJWT(value);
      } catch (caught) {
        error = caught;
      }
      expect(isGatehouseError(error) && error.code).toBe('ERR_AUTH_JWT_UNPARSEABLE');
    }
  });
});
