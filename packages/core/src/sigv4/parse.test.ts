import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors.js';
import { parseGeneralSigV4Authorization, parseSigV4Authorization } from './parse.js';

const signature = '1f1ccf18bfaafd09d0919b7d9708ab18cf556313c94be79e82aa01a9fc56306e';
const credential = 'Credential=AKIDEXAMPLE/20261126/us-east-1/appsync/aws4_request';
const signedHeaders = 'SignedHeaders=content-type;host;x-amz-date';

function expectIncomplete(value: string, message: string): void {
  try {
    parseSigV4Authorization(value);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('ERR_SIGV4_INCOMPLETE');
    expect((error as GatehouseError).message).toBe(message);
    return;
  }
  throw new Error('expected ERR_SIGV4_INCOMPLETE');
}

describe('parseSigV4Authorization', () => {
  it('splits a well-formed header into its parts', () => {
    expect(
      parseSigV4Authorization(`AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, Signature=${signature}`),
    ).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20261126',
      region: 'us-east-1',
      service: 'appsync',
      terminator: 'aws4_request',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature,
    });
  });

  it('accepts parameters without spaces after the commas', () => {
    expect(
      parseSigV4Authorization(`AWS4-HMAC-SHA256 ${credential},${signedHeaders},Signature=${signature}`)
        .signature,
    ).toBe(signature);
  });

  it('names each missing parameter in AWS wording', () => {
    expectIncomplete(
      `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}`,
      "Authorization header requires 'Signature' parameter.",
    );
    expectIncomplete(
      `AWS4-HMAC-SHA256 ${signedHeaders}, Signature=${signature}`,
      "Authorization header requires 'Credential' parameter.",
    );
    expectIncomplete(
      `AWS4-HMAC-SHA256 ${credential}, Signature=${signature}`,
      "Authorization header requires 'SignedHeaders' parameter.",
    );
    expectIncomplete(
      'AWS4-HMAC-SHA256 ',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
    expectIncomplete(
      `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, Signature=`,
      "Authorization header requires 'Signature' parameter.",
    );
  });

  it('rejects other algorithms, unknown and repeated parameters', () => {
    expectIncomplete(
      `AWS4-HMAC-SHA512 ${credential}`,
      "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm.",
    );
    expectIncomplete(
      `AWS4-HMAC-SHA256${credential}`,
      "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm.",
    );
    expectIncomplete(
      `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, Signature=${signature}, Extra=1`,
      "Authorization header has a parameter other than 'Credential', 'SignedHeaders' and 'Signature'.",
    );
    expectIncomplete(
      `AWS4-HMAC-SHA256 ${credential}, ${credential}, ${signedHeaders}, Signature=${signature}`,
      "Authorization header has the 'Credential' parameter more than once.",
    );
  });

  it('rejects a credential without exactly five elements', () => {
    for (const bad of [
      'AKID/20261126/us-east-1/appsync',
      'AKID/20261126/us-east-1/appsync/aws4_request/x',
      'AKID//us-east-1/appsync/aws4_request',
    ]) {
      expectIncomplete(
        `AWS4-HMAC-SHA256 Credential=${bad}, ${signedHeaders}, Signature=${signature}`,
        'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.',
      );
    }
  });

  it('requires signed headers lowercase, sorted, unique and including host and x-amz-date', () => {
    const withNames = (names: string) =>
      `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=${names}, Signature=${signature}`;
    expectIncomplete(
      withNames('Host;x-amz-date'),
      "'SignedHeaders' must list lowercase header names separated by ';'.",
    );
    expectIncomplete(
      withNames('host;;x-amz-date'),
      "'SignedHeaders' must list lowercase header names separated by ';'.",
    );
    expectIncomplete(
      withNames('x-amz-date;host'),
      "'SignedHeaders' must be sorted and list each header once.",
    );
    expectIncomplete(
      withNames('host;host;x-amz-date'),
      "'SignedHeaders' must be sorted and list each header once.",
    );
    expectIncomplete(
      withNames('content-type;x-amz-date'),
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
    expectIncomplete(
      withNames('content-type;host'),
      "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('requires a 64-character lowercase hex signature', () => {
    for (const bad of [signature.toUpperCase(), signature.slice(1), `${signature}0`, 'z'.repeat(64)]) {
      expectIncomplete(
        `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, Signature=${bad}`,
        "'Signature' must be 64 lowercase hexadecimal characters.",
      );
    }
  });

  it('throws only ERR_SIGV4_INCOMPLETE for arbitrary input, never repeating it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((rest) => `AWS4-HMAC-SHA256 ${rest}`),
        ),
        (value) => {
          try {
            parseSigV4Authorization(value);
          } catch (error) {
            expect(error).toBeInstanceOf(GatehouseError);
            expect((error as GatehouseError).code).toBe('ERR_SIGV4_INCOMPLETE');
          }
        },
      ),
    );
  });
});

describe('parseSigV4Authorization: the usual form', () => {
  /** The outcome of a parse: the parts, or the error's code and message. */
  function outcome(parse: (value: string) => unknown, value: string): unknown {
    try {
      return { parsed: parse(value) };
    } catch (error) {
      return error instanceof GatehouseError ? { code: error.code, message: error.message } : { error };
    }
  }

  const element = fc.stringMatching(/^[A-Za-z0-9=/, _.-]{0,12}$/);
  const headerList = fc.oneof(
    fc.constantFrom(
      'host;x-amz-date',
      'content-type;host;x-amz-date;x-amz-security-token',
      'x-amz-date;host',
    ),
    fc.stringMatching(/^[a-z;=, -]{0,30}$/),
  );
  const signature = fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9a-fA-F]{63,65}$/));

  it('gives exactly what the general parser gives, for headers close to the usual form', () => {
    fc.assert(
      fc.property(
        fc.array(element, { minLength: 5, maxLength: 5 }),
        headerList,
        signature,
        fc.constantFrom(', ', ',', ' , ', ',  '),
        (credential, signedHeaders, sig, separator) => {
          const value = `AWS4-HMAC-SHA256 Credential=${credential.join('/')}${separator}SignedHeaders=${signedHeaders}${separator}Signature=${sig}`;
          expect(outcome(parseSigV4Authorization, value)).toEqual(
            outcome(parseGeneralSigV4Authorization, value),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads an SDK-written header and keeps refusing a bad list after a good one', () => {
    const sig = 'a'.repeat(64);
    const good = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`;
    for (let i = 0; i < 2; i += 1) {
      expect(parseSigV4Authorization(good)).toEqual({
        accessKeyId: 'AKIDEXAMPLE',
        date: '20261126',
        region: 'us-east-1',
        service: 'appsync',
        terminator: 'aws4_request',
        signedHeaders: ['host', 'x-amz-date'],
        signature: sig,
      });
    }
    expect(() => parseSigV4Authorization(good.replace('host;x-amz-date', 'x-amz-date;host'))).toThrow(
      "'SignedHeaders' must be sorted and list each header once.",
    );
    expect(() => parseSigV4Authorization(good.replace('host;x-amz-date', 'x-amz-date'))).toThrow(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });
});
