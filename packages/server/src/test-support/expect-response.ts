/**
 * Test support: the §7 request-level answers (appsync-auth.md), written out from the spec rather
 * than from the implementation's table, and an assertion that a response is exactly one of them.
 */
import { expect } from 'vitest';
import type { TestResponse } from './gatehouse-fixture.js';

const notAuthorized = 'You are not authorized to make this call.';

export interface CatalogueRow {
  readonly status: number;
  readonly errorType: string;
  /** Fixed message; `undefined` = the message varies; `null` = no message at all. */
  readonly message: string | undefined | null;
}

/** appsync-auth.md §7, request-level rows. */
export const catalogue = {
  E1: {
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Valid authorization header not provided.',
  },
  E2: { status: 401, errorType: 'UnauthorizedException', message: 'Unable to parse JWT token.' },
  E3: { status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  E4: { status: 401, errorType: 'UnauthorizedException', message: 'Token has expired.' },
  E5: { status: 401, errorType: 'UnauthorizedException', message: 'Unauthorized' },
  E6: { status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  E7: { status: 403, errorType: 'IncompleteSignatureException', message: undefined },
  E8: {
    status: 403,
    errorType: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  E9: { status: 403, errorType: 'InvalidSignatureException', message: undefined },
  E10: { status: 403, errorType: 'InvalidSignatureException', message: undefined },
  E11: {
    status: 403,
    errorType: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  E12: {
    status: 403,
    errorType: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  E12expired: {
    status: 403,
    errorType: 'ExpiredTokenException',
    message: 'The security token included in the request is expired',
  },
  E13: { status: 401, errorType: 'UnauthorizedException', message: 'Permission denied' },
  E14: { status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  E15: { status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  E16: { status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  E17: { status: 400, errorType: 'BadRequestException', message: null },
  E18: { status: 400, errorType: 'BadRequestException', message: undefined },
} as const satisfies Record<string, CatalogueRow>;

export type CatalogueRowName = keyof typeof catalogue;

/** Every response carries a uuid request id. */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function headerOf(response: TestResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  const entry = Object.entries(response.headers).find(([key]) => key.toLowerCase() === lower);
  return entry?.[1];
}

/**
 * The response is a §7 request-level error: status, `content-type`, `x-amzn-RequestId` uuid,
 * `x-amzn-ErrorType` equal to the body's, and a body of exactly `{errors:[{errorType, message}]}`.
 * Returns the message (or `undefined`).
 */
export function expectRequestError(
  response: TestResponse,
  row: CatalogueRow,
  message?: string | RegExp,
): string | undefined {
  expect(response.status).toBe(row.status);
  expect(headerOf(response, 'content-type')).toBe('application/json; charset=UTF-8');
  expect(headerOf(response, 'x-amzn-RequestId')).toMatch(uuidPattern);
  expect(headerOf(response, 'x-amzn-ErrorType')).toBe(row.errorType);
  const body = response.json as { errors: { errorType: string; message?: string }[] };
  expect(Object.keys(body)).toEqual(['errors']);
  expect(body.errors).toHaveLength(1);
  const entry = body.errors[0]!;
  if (row.message === null) {
    expect(response.text).toBe(`{"errors":[{"errorType":"${row.errorType}"}]}`);
    return undefined;
  }
  expect(Object.keys(entry)).toEqual(['errorType', 'message']);
  expect(entry.errorType).toBe(row.errorType);
  expect(typeof entry.message).toBe('string');
  if (row.message !== undefined) expect(entry.message).toBe(row.message);
  if (typeof message === 'string') expect(entry.message).toBe(message);
  else if (message !== undefined) expect(entry.message).toMatch(message);
  return entry.message;
}

/** True when the response is some §7 request-level answer (for properties; no assertion). */
export function isCatalogueAnswer(response: TestResponse): boolean {
  const body = response.json as { errors?: unknown } | undefined;
  if (body === undefined || typeof body !== 'object' || body === null) return false;
  const errors = body.errors;
  if (!Array.isArray(errors) || errors.length !== 1 || Object.keys(body).length !== 1) return false;
  const entry = errors[0] as { errorType?: unknown; message?: unknown };
  const type = headerOf(response, 'x-amzn-ErrorType');
  if (entry.errorType !== type || !uuidPattern.test(headerOf(response, 'x-amzn-RequestId') ?? ''))
    return false;
  if (headerOf(response, 'content-type') !== 'application/json; charset=UTF-8') return false;
  return Object.values(catalogue).some(
    (row) =>
      row.status === response.status &&
      row.errorType === entry.errorType &&
      (row.message === null
        ? !('message' in entry)
        : typeof entry.message === 'string' && (row.message === undefined || row.message === entry.message)),
  );
}
