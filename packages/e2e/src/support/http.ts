/** Plain GraphQL-over-HTTP requests with `fetch`, and the assertions on AppSync's §7 error form. */
import { expect } from 'vitest';

export interface HTTPResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: unknown;
}

export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** POSTs `body` (an object is JSON-encoded; a string or bytes are sent as they are). */
export async function post(
  url: string,
  body: GraphQLBody | string | Uint8Array | unknown[],
  headers: Record<string, string> = {},
): Promise<HTTPResult> {
  const payload =
    typeof body === 'string'
      ? body
      : body instanceof Uint8Array
        ? new Uint8Array(body)
        : JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: payload,
  });
  return read(response);
}

export async function get(url: string): Promise<HTTPResult> {
  return read(await fetch(url));
}

async function read(response: Response): Promise<HTTPResult> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A request-level failure row of appsync-auth.md §7. */
export interface ErrorRow {
  readonly status: number;
  readonly errorType: string;
  /** Exact message, or a pattern for messages that carry a date. */
  readonly message: string | RegExp;
}

export const E1: ErrorRow = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Valid authorization header not provided.',
};
export const E2: ErrorRow = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Unable to parse JWT token.',
};
export const E3: ErrorRow = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};
export const E4: ErrorRow = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Token has expired.',
};
export const E5: ErrorRow = { status: 401, errorType: 'UnauthorizedException', message: 'Unauthorized' };
export const E6 = E3;
export const E8: ErrorRow = {
  status: 403,
  errorType: 'InvalidSignatureException',
  message:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
};
export const E11: ErrorRow = {
  status: 403,
  errorType: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid.',
};
/** E12 for a session token that is missing, wrong, unsigned or sent with a long-term key. */
export const E12Invalid = E11;
export const E12Expired: ErrorRow = {
  status: 403,
  errorType: 'ExpiredTokenException',
  message: 'The security token included in the request is expired',
};
export const E13: ErrorRow = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Permission denied',
};
export const E14 = E3;
export const E15 = E3;
export const E16 = E3;

export function badRequest(message: string): ErrorRow {
  return { status: 400, errorType: 'BadRequestException', message };
}

/** Asserts status, `x-amzn-ErrorType`, content type, a request id and the exact §7 body. */
export function expectRequestError(result: HTTPResult, row: ErrorRow): void {
  const summary = `${result.status} ${result.text}`;
  expect(result.status, summary).toBe(row.status);
  expect(result.headers.get('x-amzn-errortype'), summary).toBe(row.errorType);
  expect(result.headers.get('content-type')).toBe('application/json; charset=UTF-8');
  expect(result.headers.get('x-amzn-requestid')).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  const body = result.json as { errors?: { errorType?: unknown; message?: unknown }[] } | undefined;
  expect(body, summary).toBeDefined();
  expect(Object.keys(body ?? {})).toEqual(['errors']);
  expect(body?.errors).toHaveLength(1);
  const [error] = body?.errors ?? [];
  expect(Object.keys(error ?? {})).toEqual(['errorType', 'message']);
  expect(error?.errorType).toBe(row.errorType);
  if (typeof row.message === 'string') expect(error?.message).toBe(row.message);
  else expect(error?.message).toMatch(row.message);
}
