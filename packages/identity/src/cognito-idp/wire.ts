/**
 * The AWS JSON 1.1 wire form of the Cognito endpoints (identity.md §1, §6): request parsing,
 * success and error responses, and CORS with Cognito's exposed headers.
 */
import type { PlainRequest } from '@gatehouse/core';
import { IdentityError, isIdentityError } from '../errors.js';

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const jsonContentType = 'application/x-amz-json-1.1';
export const maximumBodyBytes = 64 * 1024;
const acceptedContentTypes = new Set([jsonContentType, 'application/x-amz-json-1.0', 'application/json']);
export const defaultAllowedOrigins = ['http://localhost:*', 'http://127.0.0.1:*'] as const;
const exposedHeaders = 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date';

/** Compiles origin patterns: `*` alone allows every origin; `:*` matches any port (or none). */
export function createOriginMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const compiled = patterns.map((pattern) =>
    pattern === '*'
      ? /^/
      : new RegExp(
          `^${pattern
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/:\*$/, '(:\\d{1,5})?')
            .replace(/\*/g, '[^/]*')}$`,
        ),
  );
  return (origin) => compiled.some((pattern) => pattern.test(origin));
}

export function corsHeaders(
  request: Pick<PlainRequest, 'headers'>,
  isAllowedOrigin: (origin: string) => boolean,
): Record<string, string> {
  const origin = request.headers['origin'];
  if (origin === undefined || !isAllowedOrigin(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': exposedHeaders,
    vary: 'Origin',
  };
}

/** The answer to a CORS preflight on a Cognito mount. */
export function preflightResponse(
  request: PlainRequest,
  requestId: string,
  isAllowedOrigin: (origin: string) => boolean,
): WireResponse {
  const cors = corsHeaders(request, isAllowedOrigin);
  return {
    status: 204,
    headers: {
      'x-amzn-requestid': requestId,
      ...cors,
      ...(cors['access-control-allow-origin'] === undefined
        ? {}
        : {
            'access-control-allow-methods': 'POST, OPTIONS',
            'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
            'access-control-max-age': '600',
          }),
    },
    body: '',
  };
}

export function successResponse(
  body: unknown,
  requestId: string,
  cors: Record<string, string>,
): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': jsonContentType, 'x-amzn-requestid': requestId, ...cors },
    body: JSON.stringify(body ?? {}),
  };
}

/** Cognito's error form: 400 (500 for internal errors), `x-amzn-ErrorType: <Type>:`, `{__type, message}`. */
export function errorResponse(
  error: IdentityError,
  requestId: string,
  cors: Record<string, string>,
): WireResponse {
  return {
    status: error.status,
    headers: {
      'content-type': jsonContentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${error.code}:`,
      // Header values must be Latin-1; messages are ASCII by construction, but be safe.
      'x-amzn-errormessage': error.message.replace(/[^\x20-\x7e]/g, '?'),
      ...cors,
    },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

/** Any thrown value as a wire error: identity errors as they are, anything else as an opaque 500. */
export function toIdentityError(error: unknown): IdentityError {
  return isIdentityError(error)
    ? error
    : new IdentityError('InternalErrorException', 'An internal error occurred.');
}

/** The JSON object body of a request; `SerializationException` when it is not one. */
export function parseBody(request: PlainRequest): Record<string, unknown> {
  // A CORS-simple `text/plain` POST would skip the browser's preflight: refuse it.
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!acceptedContentTypes.has(contentType)) {
    throw new IdentityError('SerializationException', `Content-Type must be "${jsonContentType}".`);
  }
  if (request.body.byteLength > maximumBodyBytes) {
    throw new IdentityError(
      'InvalidParameterException',
      `The request body must be at most ${maximumBodyBytes} bytes.`,
    );
  }
  const text = new TextDecoder().decode(request.body);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new IdentityError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new IdentityError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A required string member, with Cognito's validation message when it is missing. */
export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new IdentityError(
      'InvalidParameterException',
      `1 validation error detected: Value null at '${memberName(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new IdentityError('InvalidParameterException', `${name} must be a string.`);
  }
  return value;
}

/** `[{Name, Value}]` → a record; `InvalidParameterException` for another shape. */
export function attributeList(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw new IdentityError('InvalidParameterException', `${name} must be a list.`);
  const attributes: Record<string, string> = {};
  for (const entry of value) {
    const { Name, Value } = (entry ?? {}) as { Name?: unknown; Value?: unknown };
    if (typeof Name !== 'string' || (Value !== undefined && typeof Value !== 'string')) {
      throw new IdentityError(
        'InvalidParameterException',
        `${name} entries must have a string Name and Value.`,
      );
    }
    attributes[Name] = Value ?? '';
  }
  return attributes;
}

/** `{Name: string}` map of string values (`AuthParameters`, `ChallengeResponses`). */
export function stringMap(body: Record<string, unknown>, name: string): Record<string, string> {
  const value = body[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new IdentityError('InvalidParameterException', `${name} must be a map of strings.`);
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry === 'string') map[key] = entry;
  }
  return map;
}

/** `a***@e***` for email, `+*******1234` for phone numbers (Cognito's masks). */
export function maskDestination(value: string, medium: 'EMAIL' | 'SMS'): string {
  if (medium === 'EMAIL') {
    const at = value.indexOf('@');
    return `${value.charAt(0)}***@${at === -1 ? '' : value.charAt(at + 1)}***`;
  }
  return `+${'*'.repeat(Math.max(0, value.length - 5))}${value.slice(-4)}`;
}
