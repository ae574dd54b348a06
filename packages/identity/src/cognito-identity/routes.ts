/**
 * `POST /cognito-identity`: the Cognito identity pool API (`X-Amz-Target:
 * AWSCognitoIdentityService.<Op>`, AWS JSON 1.1) as aws-amplify v6 calls it with
 * `Auth.Cognito.identityPoolEndpoint` (identity.md §1, §4, §6, §7).
 */
import type { PlainRequest } from '@gatehouse/core';
import { isIdentityError, type IdentityErrorCode } from '../errors.js';
import type { IdentityResponse, IdentityRoute } from '../http-routes.js';
import type { IdentityPool } from '../identity-pool.js';
import { isSupportedOperation, runOperation, unsupportedOperations } from './operations.js';
import {
  corsHeaders,
  createOriginMatcher,
  defaultAllowedOrigins,
  errorResponse,
  parseJSONBody,
  parseTarget,
  successResponse,
  WireError,
  type WireErrorType,
} from './wire.js';

export const cognitoIdentityService = 'AWSCognitoIdentityService';
export const cognitoIdentityPath = '/cognito-identity';

export interface CognitoIdentityRoutesOptions {
  /** Browser origins allowed to read responses; default `http://localhost:*`, `http://127.0.0.1:*`. */
  readonly allowedOrigins?: readonly string[] | undefined;
  /**
   * Per-address token buckets for `GetId`, which creates identities without authentication
   * (identity.md §8); keyed by `<identityPoolId>\n<TCP peer address>`. Default: no limit.
   */
  readonly rateLimiter?: { take(key: string): Promise<boolean> } | undefined;
  /** Called with unexpected failures (never with request bodies). */
  readonly onInternalError?: ((error: unknown, requestId: string) => void) | undefined;
}

export type CognitoIdentityHandler = (
  request: PlainRequest & { readonly requestId: string },
) => Promise<IdentityResponse>;

/** Identity-service error codes this API may report, with their wire type. */
const wireTypes: Partial<Record<IdentityErrorCode, WireErrorType>> = {
  NotAuthorizedException: 'NotAuthorizedException',
  InvalidParameterException: 'InvalidParameterException',
  ResourceNotFoundException: 'ResourceNotFoundException',
  TooManyRequestsException: 'TooManyRequestsException',
  LimitExceededException: 'LimitExceededException',
  InternalErrorException: 'InternalErrorException',
};

/** The request handler alone, for a mount that dispatches several services on `X-Amz-Target`. */
export function createCognitoIdentityHandler(
  identity: { readonly identityPool: IdentityPool },
  options: CognitoIdentityRoutesOptions = {},
): CognitoIdentityHandler {
  const isAllowedOrigin = createOriginMatcher(options.allowedOrigins ?? defaultAllowedOrigins);
  return async (request) => {
    const cors = corsHeaders(request, isAllowedOrigin);
    const fail = (type: WireErrorType, message: string) =>
      errorResponse(type, message, request.requestId, cors);
    const operation = parseTarget(request, cognitoIdentityService);
    if (
      operation === undefined ||
      (!isSupportedOperation(operation) && !unsupportedOperations.has(operation))
    ) {
      return fail('UnknownOperationException', 'The operation in "X-Amz-Target" is not known.');
    }
    if (!isSupportedOperation(operation)) {
      return fail(
        'UnsupportedOperationException',
        `Gatehouse does not support the operation "${operation.slice(0, 64).replace(/[^\w]/g, '')}".`,
      );
    }
    try {
      const body = parseJSONBody(request);
      if (operation === 'GetId' && options.rateLimiter) {
        // The TCP peer, not a client-supplied X-Forwarded-For entry.
        const address = request.sourceIp[request.sourceIp.length - 1] ?? 'unknown';
        if (!(await options.rateLimiter.take(`${identity.identityPool.identityPoolId}\n${address}`))) {
          return fail('TooManyRequestsException', 'Rate exceeded');
        }
      }
      return successResponse(
        await runOperation(identity.identityPool, operation, body),
        request.requestId,
        cors,
      );
    } catch (error) {
      if (error instanceof WireError) return fail(error.type, error.message);
      if (isIdentityError(error)) {
        const type = wireTypes[error.code];
        if (type) return fail(type, error.message);
      }
      options.onInternalError?.(error, request.requestId);
      return fail('InternalErrorException', 'An internal error occurred.');
    }
  };
}

/** The route mounted at `/cognito-identity`. */
export function createCognitoIdentityRoutes(
  identity: { readonly identityPool: IdentityPool },
  options: CognitoIdentityRoutesOptions = {},
): IdentityRoute[] {
  return [
    { method: 'POST', path: cognitoIdentityPath, handle: createCognitoIdentityHandler(identity, options) },
  ];
}
