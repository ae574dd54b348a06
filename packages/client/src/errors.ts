/**
 * The client's exceptions (client.md §5): one base class with a stable `code`. Messages never
 * contain tokens, keys or signatures.
 */

export const clientErrorCodes = [
  'ERR_AMPLIFY_PLUGIN',
  'ERR_CONFIG_INVALID',
  'ERR_CONFIG_NOT_CONFIGURED',
  'ERR_CONFIG_ALREADY_CONFIGURED',
  'ERR_CONFIG_UNKNOWN_API',
  'ERR_CONFIG_AMBIGUOUS_API',
  'ERR_AUTH_FAILED',
  'ERR_AUTH_SIGNED_OUT',
  'ERR_AUTH_SESSION_EXPIRED',
  'ERR_AUTH_SERVICE',
  'ERR_AUTH_NETWORK',
  'ERR_API_NO_AUTH_PROVIDER',
  'ERR_API_MISSING_CREDENTIALS',
  'ERR_API_NETWORK',
  'ERR_API_HTTP_STATUS',
  'ERR_API_UNAUTHORIZED',
  'ERR_API_OPERATION',
  'ERR_API_CANCELLED',
] as const;

export type ClientErrorCode = (typeof clientErrorCodes)[number];

export interface AmplifyExceptionOptions {
  readonly recoverySuggestion?: string | undefined;
  readonly cause?: unknown;
}

export class AmplifyException extends Error {
  readonly code: ClientErrorCode;
  readonly recoverySuggestion: string | undefined;

  constructor(code: ClientErrorCode, message: string, options: AmplifyExceptionOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.recoverySuggestion = options.recoverySuggestion;
  }

  /** Flutter's name for `cause`. */
  get underlyingException(): unknown {
    return this.cause;
  }
}

export interface ConfigurationIssue {
  /** JSON path into the configuration, e.g. `api.plugins.awsAPIPlugin.blog.endpoint`. */
  readonly path: string;
  readonly message: string;
}

export class ConfigurationException extends AmplifyException {
  readonly issues: readonly ConfigurationIssue[];

  constructor(
    message: string,
    options: AmplifyExceptionOptions & {
      code?: ClientErrorCode | undefined;
      issues?: readonly ConfigurationIssue[] | undefined;
    } = {},
  ) {
    super(options.code ?? 'ERR_CONFIG_INVALID', message, options);
    this.issues = options.issues ?? [];
  }
}

export class AmplifyAlreadyConfiguredException extends ConfigurationException {
  constructor() {
    super('Amplify has already been configured.', {
      code: 'ERR_CONFIG_ALREADY_CONFIGURED',
      recoverySuggestion: 'Call "configure" once, or use a new AmplifyClass instance.',
    });
  }
}

export class AuthException extends AmplifyException {
  constructor(message: string, options: AmplifyExceptionOptions & { code?: ClientErrorCode } = {}) {
    super(options.code ?? 'ERR_AUTH_FAILED', message, options);
  }
}

export class SignedOutException extends AuthException {
  constructor(message = 'No user is signed in.') {
    super(message, { code: 'ERR_AUTH_SIGNED_OUT', recoverySuggestion: 'Sign in first.' });
  }
}

export class SessionExpiredException extends AuthException {
  constructor(options: AmplifyExceptionOptions = {}) {
    super('The session has expired and could not be refreshed, so the user is signed out.', {
      code: 'ERR_AUTH_SESSION_EXPIRED',
      recoverySuggestion: 'Sign in again.',
      ...options,
    });
  }
}

/** A Cognito (or Gatehouse identity service) error answer, e.g. `NotAuthorizedException`. */
export class AuthServiceException extends AuthException {
  readonly errorType: string;
  readonly statusCode: number;

  constructor(errorType: string, message: string, statusCode: number) {
    super(message, { code: 'ERR_AUTH_SERVICE' });
    this.errorType = errorType;
    this.statusCode = statusCode;
  }
}

export class ApiException extends AmplifyException {}

export class NoAuthProviderException extends ApiException {
  readonly authorizationMode: string;

  constructor(authorizationMode: string, recoverySuggestion: string) {
    super('ERR_API_NO_AUTH_PROVIDER', `No auth provider exists for auth mode "${authorizationMode}".`, {
      recoverySuggestion,
    });
    this.authorizationMode = authorizationMode;
  }
}

export class MissingCredentialsException extends ApiException {
  readonly authorizationMode: string;

  constructor(authorizationMode: string, message: string, options: AmplifyExceptionOptions = {}) {
    super('ERR_API_MISSING_CREDENTIALS', message, options);
    this.authorizationMode = authorizationMode;
  }
}

export class NetworkException extends ApiException {
  readonly timedOut: boolean;

  constructor(message: string, options: AmplifyExceptionOptions & { timedOut?: boolean } = {}) {
    super('ERR_API_NETWORK', message, options);
    this.timedOut = options.timedOut ?? false;
  }
}

export interface GraphQLResponseError {
  readonly message: string;
  readonly locations?: readonly { line: number; column: number }[] | undefined;
  readonly path?: readonly (string | number)[] | undefined;
  readonly extensions?: Record<string, unknown> | undefined;
  readonly errorType?: string | undefined;
  readonly errorInfo?: unknown;
}

export interface HttpStatusDetails {
  readonly statusCode: number;
  readonly errorType: string | undefined;
  readonly body: string;
  readonly graphQLErrors: readonly GraphQLResponseError[];
}

export class HttpStatusException extends ApiException {
  readonly statusCode: number;
  readonly errorType: string | undefined;
  readonly body: string;
  readonly graphQLErrors: readonly GraphQLResponseError[];

  constructor(message: string, details: HttpStatusDetails, code: ClientErrorCode = 'ERR_API_HTTP_STATUS') {
    super(code, message);
    this.statusCode = details.statusCode;
    this.errorType = details.errorType;
    this.body = details.body;
    this.graphQLErrors = details.graphQLErrors;
  }
}

export class UnauthorizedException extends HttpStatusException {
  constructor(message: string, details: HttpStatusDetails) {
    super(message, details, 'ERR_API_UNAUTHORIZED');
  }
}

/** Bad JSON, a failed decode, a protocol violation, or an interceptor that broke a signature. */
export class ApiOperationException extends ApiException {
  constructor(message: string, options: AmplifyExceptionOptions = {}) {
    super('ERR_API_OPERATION', message, options);
  }
}

export class CancellationException extends ApiException {
  constructor() {
    super('ERR_API_CANCELLED', 'The operation was cancelled.');
  }
}

export function isAmplifyException(value: unknown): value is AmplifyException {
  return value instanceof AmplifyException;
}
