import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalURI,
  deriveSigningKey,
  formatAmzDate,
  parseAmzDate,
  uriEncode,
} from './canonical.js';
import { pureHasher, toHex } from './hash.js';
import { signRequest } from './sign.js';

/** appsync-auth.md §3.4 test vector (Amplify JS 6.22.1). */
const vector = {
  credentials: {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'FAKESESSIONTOKEN',
  },
  date: new Date('2026-11-26T12:24:21Z'),
  headers: {
    host: '127.0.0.1:4100',
    'content-type': 'application/json; charset=UTF-8',
    'x-amz-user-agent': 'aws-amplify/6.22.1 api/1 framework/100',
  },
  body: '{"query":"query Q {\\n  echo\\n}\\n","variables":{}}',
  signature: '1f1ccf18bfaafd09d0919b7d9708ab18cf556313c94be79e82aa01a9fc56306e',
};

describe('signRequest', () => {
  it('reproduces the appsync-auth.md §3.4 vector signature', () => {
    expect(pureHasher.sha256Hex(vector.body)).toBe(
      'e00ab073d8d44411361d590e972617f5b17692b59623d84e967368365ad6c1f2',
    );
    const added = signRequest({
      method: 'POST',
      path: '/graphql',
      headers: vector.headers,
      body: vector.body,
      region: 'us-east-1',
      service: 'appsync',
      credentials: vector.credentials,
      date: vector.date,
    });
    expect(added).toEqual({
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/appsync/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-user-agent, ' +
        `Signature=${vector.signature}`,
      'x-amz-date': '20261126T122421Z',
      'x-amz-security-token': 'FAKESESSIONTOKEN',
    });
  });

  it('reproduces the AWS test suite get-vanilla signature', () => {
    const added = signRequest({
      method: 'GET',
      path: '/',
      headers: { Host: 'example.amazonaws.com' },
      body: '',
      region: 'us-east-1',
      service: 'service',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      date: new Date('2015-08-30T12:36:00Z'),
    });
    expect(added['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(added['x-amz-security-token']).toBeUndefined();
  });

  it('signs only the named headers plus host, x-amz-date and the session token', () => {
    const added = signRequest({
      method: 'POST',
      path: '/graphql',
      headers: { ...vector.headers, 'x-extra': 'not signed' },
      body: vector.body,
      region: 'us-east-1',
      service: 'appsync',
      credentials: vector.credentials,
      date: vector.date,
      signedHeaders: ['Content-Type', 'x-amz-user-agent'],
    });
    expect(added['authorization']).toContain(
      `SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-user-agent, Signature=${vector.signature}`,
    );
  });

  it('never signs user-agent or authorization by default', () => {
    const added = signRequest({
      method: 'POST',
      path: '/graphql',
      headers: { host: 'h', 'user-agent': 'ua', authorization: 'old' },
      body: '',
      region: 'r',
      service: 's',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'S' },
      date: vector.date,
    });
    expect(added['authorization']).toContain('SignedHeaders=host;x-amz-date,');
  });

  it('rejects headers without host and signed names that are not headers', () => {
    const base = {
      method: 'POST',
      path: '/',
      body: '',
      region: 'r',
      service: 's',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'S' },
      date: vector.date,
    };
    expect(() => signRequest({ ...base, headers: {} })).toThrow('"headers" must include "host".');
    expect(() => signRequest({ ...base, headers: { host: 'h' }, signedHeaders: ['x-missing'] })).toThrow(
      TypeError,
    );
    expect(() => signRequest({ ...base, headers: { host: 'h', Host: 'i' } })).toThrow(TypeError);
  });

  it('matches @smithy/signature-v4 on random requests', async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/);
    const pathSegment = fc.oneof(
      fc.constantFrom('.', '..', '', 'graphql', '%F0%9F%98%80', 'caf%C3%A9', '😀é'),
      fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@% ]{1,8}$/),
    );
    const path = fc.array(pathSegment, { maxLength: 5 }).map((segments) => `/${segments.join('/')}`);
    const query = fc.array(fc.tuple(fc.stringMatching(/^q[a-z0-9]{0,4}$/), fc.string({ maxLength: 8 })), {
      maxLength: 4,
    });
    const headerValue = fc.stringMatching(/^[ \tA-Za-z0-9;=,/.:"-]{0,20}$/);
    const headers = fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,10}$/), headerValue, { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT'),
          path,
          query,
          headers,
          host: fc.constantFrom('127.0.0.1:4100', 'api.example.com', 'localhost:20002'),
          body: fc.string({ unit: 'grapheme', maxLength: 60 }),
          accessKeyId: fc.stringMatching(/^(AKIA|ASIA)[A-Z0-9]{16}$/),
          secretAccessKey: fc.stringMatching(/^[A-Za-z0-9+/]{40}$/),
          sessionToken: fc.option(token, { nil: undefined }),
          region: fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-1'),
          service: fc.constantFrom('appsync', 'execute-api'),
          date: fc.date({
            min: new Date('2000-01-01T00:00:00Z'),
            max: new Date('2099-12-31T23:59:59Z'),
            noInvalidDate: true,
          }),
        }),
        async (r) => {
          const rawQuery = r.query
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
          const smithyQuery: Record<string, string[]> = {};
          for (const [k, v] of r.query) (smithyQuery[k] ??= []).push(v);
          const allHeaders = { ...r.headers, host: r.host };
          const credentials = {
            accessKeyId: r.accessKeyId,
            secretAccessKey: r.secretAccessKey,
            ...(r.sessionToken === undefined ? {} : { sessionToken: r.sessionToken }),
          };
          const ours = signRequest({
            method: r.method,
            path: rawQuery === '' ? r.path : `${r.path}?${rawQuery}`,
            headers: allHeaders,
            body: r.body,
            region: r.region,
            service: r.service,
            credentials,
            date: r.date,
          });
          const signer = new SignatureV4({
            credentials,
            region: r.region,
            service: r.service,
            sha256: Sha256,
            uriEscapePath: true,
            applyChecksum: false,
          });
          const theirs = await signer.sign(
            {
              method: r.method,
              protocol: 'https:',
              hostname: r.host.split(':')[0]!,
              path: r.path,
              query: smithyQuery,
              headers: { ...allHeaders },
              body: r.body,
            },
            { signingDate: r.date },
          );
          expect(ours['authorization']).toBe(theirs.headers['authorization']);
          expect(ours['x-amz-date']).toBe(theirs.headers['x-amz-date']);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('canonical parts', () => {
  it('derives the signing key of the AWS documentation example', () => {
    const key = deriveSigningKey(
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      '20120215',
      'us-east-1',
      'iam',
      pureHasher,
    );
    expect(toHex(key)).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('encodes everything but unreserved characters, with uppercase hex', () => {
    expect(uriEncode("a b/c~d!*'()é")).toBe('a%20b%2Fc~d%21%2A%27%28%29%C3%A9');
    expect(uriEncode('a/b', true)).toBe('a/b');
  });

  it('double-encodes percent escapes and removes dot segments in the path', () => {
    expect(canonicalURI('')).toBe('/');
    expect(canonicalURI('/')).toBe('/');
    expect(canonicalURI('/a%20b/./c/../graphql')).toBe('/a%2520b/graphql');
    expect(canonicalURI('//a//b/')).toBe('/a/b/');
  });

  it('sorts query parameters by name then value', () => {
    expect(canonicalQuery('b=2&a=z&a=y&c')).toBe('a=y&a=z&b=2&c=');
    expect(canonicalQuery('x=a%20b&y=%E2%9C%93')).toBe('x=a%20b&y=%E2%9C%93');
  });

  it('formats and parses X-Amz-Date and rejects impossible times', () => {
    expect(formatAmzDate(new Date('2026-11-26T12:24:21.999Z'))).toBe('20261126T122421Z');
    expect(parseAmzDate('20261126T122421Z')).toBe(Date.parse('2026-11-26T12:24:21Z'));
    for (const bad of [
      '20261326T122421Z',
      '20260230T000000Z',
      '20261126T242421Z',
      '20261126T122421',
      '2026-11-26T12:24:21Z',
      '',
    ]) {
      expect(parseAmzDate(bad)).toBeUndefined();
    }
  });
});
