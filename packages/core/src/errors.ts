/**
 * Gatehouse errors: one base class with a stable `code`, and one exhaustive table that maps each
 * code to AppSync's wire form (appsync-auth.md §7). The compiler rejects an unmapped code.
 */

export const errorCodes = [
  'ERR_AUTH_NO_CREDENTIAL',
  'ERR_AUTH_JWT_UNPARSEABLE',
  'ERR_AUTH_JWT_INVALID',
  'ERR_AUTH_JWT_EXPIRED',
  'ERR_AUTH_CLIENT_MISMATCH',
  'ERR_AUTH_API_KEY_INVALID',
  'ERR_SIGV4_INCOMPLETE',
  'ERR_SIGV4_SIGNATURE_MISMATCH',
  'ERR_SIGV4_DATE_OUT_OF_WINDOW',
  'ERR_SIGV4_BAD_SCOPE',
  'ERR_SIGV4_UNKNOWN_ACCESS_KEY',
  'ERR_SIGV4_SESSION_TOKEN_INVALID',
  'ERR_SIGV4_SESSION_TOKEN_EXPIRED',
  'ERR_IAM_PERMISSION_DENIED',
  'ERR_LAMBDA_PRECHECK_FAILED',
  'ERR_LAMBDA_DENIED',
  'ERR_LAMBDA_FAILED',
  'ERR_LAMBDA_NOT_INVOCABLE',
  'ERR_REQUEST_INVALID',
  'ERR_FIELD_UNAUTHORIZED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface WireForm {
  /** Catalogue row in appsync-auth.md §7. */
  readonly row: string;
  readonly status: number;
  readonly errorType: string;
  /** Fixed message; `undefined` means the error's own message is sent; `null` means no message at all. */
  readonly message: string | undefined | null;
}

const notAuthorized = 'You are not authorized to make this call.';

export const wireForms: { readonly [C in ErrorCode]: WireForm } = {
  ERR_AUTH_NO_CREDENTIAL: {
    row: 'E1',
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Valid authorization header not provided.',
  },
  ERR_AUTH_JWT_UNPARSEABLE: {
    row: 'E2',
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Unable to parse JWT token.',
  },
  ERR_AUTH_JWT_INVALID: {
    row: 'E3',
    status: 401,
    errorType: 'UnauthorizedException',
    message: notAuthorized,
  },
  ERR_AUTH_JWT_EXPIRED: {
    row: 'E4',
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Token has expired.',
  },
  ERR_AUTH_CLIENT_MISMATCH: {
    row: 'E5',
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Unauthorized',
  },
  ERR_AUTH_API_KEY_INVALID: {
    row: 'E6',
    status: 401,
    errorType: 'UnauthorizedException',
    message: notAuthorized,
  },
  ERR_SIGV4_INCOMPLETE: {
    row: 'E7',
    status: 403,
    errorType: 'IncompleteSignatureException',
    message: undefined,
  },
  ERR_SIGV4_SIGNATURE_MISMATCH: {
    row: 'E8',
    status: 403,
    errorType: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  ERR_SIGV4_DATE_OUT_OF_WINDOW: {
    row: 'E9',
    status: 403,
    errorType: 'InvalidSignatureException',
    message: undefined,
  },
  ERR_SIGV4_BAD_SCOPE: {
    row: 'E10',
    status: 403,
    errorType: 'InvalidSignatureException',
    message: undefined,
  },
  ERR_SIGV4_UNKNOWN_ACCESS_KEY: {
    row: 'E11',
    status: 403,
    errorType: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  ERR_SIGV4_SESSION_TOKEN_INVALID: {
    row: 'E12',
    status: 403,
    errorType: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  ERR_SIGV4_SESSION_TOKEN_EXPIRED: {
    row: 'E12',
    status: 403,
    errorType: 'ExpiredTokenException',
    message: 'The security token included in the request is expired',
  },
  ERR_IAM_PERMISSION_DENIED: {
    row: 'E13',
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Permission denied',
  },
  ERR_LAMBDA_PRECHECK_FAILED: {
    row: 'E14',
    status: 401,
    errorType: 'UnauthorizedException',
    message: notAuthorized,
  },
  ERR_LAMBDA_DENIED: { row: 'E15', status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  ERR_LAMBDA_FAILED: { row: 'E16', status: 401, errorType: 'UnauthorizedException', message: notAuthorized },
  ERR_LAMBDA_NOT_INVOCABLE: { row: 'E17', status: 400, errorType: 'BadRequestException', message: null },
  ERR_REQUEST_INVALID: { row: 'E18', status: 400, errorType: 'BadRequestException', message: undefined },
  ERR_FIELD_UNAUTHORIZED: { row: 'F1', status: 200, errorType: 'Unauthorized', message: undefined },
};

export class GatehouseError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatehouseError';
    this.code = code;
  }
}

export function isGatehouseError(value: unknown): value is GatehouseError {
  return value instanceof GatehouseError;
}

/** Creates an error whose wire message is the catalogue's fixed one. */
export function authError(code: ErrorCode, detail?: string, options?: { cause?: unknown }): GatehouseError {
  const form = wireForms[code];
  return new GatehouseError(code, detail ?? form.message ?? form.errorType, options);
}

export interface RequestErrorBody {
  errors: { errorType: string; message?: string }[];
}

/** The request-level wire form of an error: status, headers (minus the request id) and body. */
export function toWireError(error: GatehouseError): {
  status: number;
  errorType: string;
  body: RequestErrorBody;
} {
  const form = wireForms[error.code];
  const message = form.message === null ? undefined : (form.message ?? error.message);
  const entry: { errorType: string; message?: string } = { errorType: form.errorType };
  if (message !== undefined) entry.message = message;
  return { status: form.status, errorType: form.errorType, body: { errors: [entry] } };
}
