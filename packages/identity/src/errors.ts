/**
 * Errors of the identity service. `code` (also the `name`) is the wire `__type` of the service the
 * operation belongs to: Cognito's (identity.md §6) or AppSync's for API keys (appsync-auth.md §4),
 * so the HTTP layer maps an error without a table of its own. Messages never carry secrets.
 */

export const identityErrorCodes = [
  // Cognito user pool and identity pool (identity.md §6)
  'NotAuthorizedException',
  'UserNotFoundException',
  'UsernameExistsException',
  'UserNotConfirmedException',
  'PasswordResetRequiredException',
  'InvalidPasswordException',
  'InvalidParameterException',
  'ResourceNotFoundException',
  'LimitExceededException',
  'TooManyRequestsException',
  'InternalErrorException',
  'CodeMismatchException',
  'ExpiredCodeException',
  'AliasExistsException',
  'GroupExistsException',
  'RefreshTokenReuseException',
  'UnknownOperationException',
  'UnsupportedOperationException',
  'SerializationException',
  // AWS request authentication of the admin operations (identity.md §8)
  'MissingAuthenticationTokenException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'AccessDeniedException',
  // AppSync API keys (appsync-auth.md §4)
  'ApiKeyValidityOutOfBoundsException',
  'ApiKeyLimitExceededException',
  'NotFoundException',
  'BadRequestException',
] as const;

export type IdentityErrorCode = (typeof identityErrorCodes)[number];

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  /** HTTP status of the wire form: 400 for every client error (identity.md §6), 500 for internal ones. */
  readonly status: number;

  constructor(code: IdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = code;
    this.code = code;
    this.status = code === 'InternalErrorException' ? 500 : 400;
  }
}

export function isIdentityError(value: unknown): value is IdentityError {
  return value instanceof IdentityError;
}
