/**
 * The AWS JSON 1.1 wire form of the identity pool API (identity.md §1, §6): request parsing,
 * success bodies and Cognito-shaped error responses.
 */
import type { PlainRequest } from '@gatehouse/core';
import type { IdentityResponse } from '../http-routes.js';

/** Bodies above this size are refused before parsing (identity.md §8). */
export const maxRequestBodyBytes = 64 * 1024;

export const jsonContentType = 'application/x-amz-json-1.1';

/** Content types that force a browser preflight; a CORS-simple `text/plain` POST is refused. */
const acceptedContentTypes = new Set([
  'application/x-amz-json-1.1',
  'application/x-amz-json-1.0',
  'application/json',
]);

/** The error names this API puts on the wire: Cognito's, plus the AWS JSON protocol's own. */
export type WireErrorType =
  | 'NotAuthorizedException'
  | 'InvalidParameterException'
  | 'ResourceNotFoundException'
  | 'TooManyRequestsException'
  | 'LimitExceededException'
  | 'InternalErrorException'
  | 'UnknownOperationException'
  | 'UnsupportedOperationException'
  | 'SerializationException';

export class WireError extends Error {
  readonly type: WireErrorType;
  constructor(type: WireErrorType, message: string) {
    super(message);
    this.name = type;
    this.type = type;
  }
}

export { corsHeaders, createOriginMatcher, defaultAllowedOrigins } from '../cognito-idp/wire.js';

/** The operation name of `X-Amz-Target: <service>.<Op>`, or `undefined` for another service. */
export function parseTarget(request: Pick<PlainRequest, 'headers'>, service: string): string | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(`${service}.`)) return undefined;
  const operation = target.slice(service.length + 1);
  return /^[A-Za-z]{1,64}$/.test(operation) ? operation : undefined;
}

/** Parses the JSON object body of an AWS JSON 1.1 request. */
export function parseJSONBody(request: Pick<PlainRequest, 'headers' | 'body'>): Record<string, unknown> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!acceptedContentTypes.has(contentType)) {
    throw new WireError('SerializationException', `Content-Type must be "${jsonContentType}".`);
  }
  if (request.body.byteLength > maxRequestBodyBytes) {
    throw new WireError('SerializationException', `The request body exceeds ${maxRequestBodyBytes} bytes.`);
  }
  if (request.body.byteLength === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    throw new WireError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WireError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function successResponse(
  body: unknown,
  requestId: string,
  extraHeaders: Record<string, string>,
): IdentityResponse {
  return {
    status: 200,
    headers: { ...extraHeaders, 'content-type': jsonContentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

/**
 * 400 for every client error, 500 for `InternalErrorException`; the type in `x-amzn-ErrorType`
 * with Cognito's trailing colon and in the body's `__type`, which browsers can always read.
 */
export function errorResponse(
  type: WireErrorType,
  message: string,
  requestId: string,
  extraHeaders: Record<string, string>,
): IdentityResponse {
  return {
    status: type === 'InternalErrorException' ? 500 : 400,
    headers: {
      ...extraHeaders,
      'content-type': jsonContentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${type}:`,
      'x-amzn-errormessage': headerSafe(message),
    },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** Header values carry printable ASCII only; messages may quote client input. */
function headerSafe(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);
}
