/**
 * Mounts of the Cognito JSON APIs (identity.md §1): `POST /cognito-idp` (user pool), `POST /`
 * (AWS SDKs with an endpoint override; dispatched on `X-Amz-Target` to either service) and the
 * CORS preflight of every mount.
 */
import type { IdentityRoute } from '../http-routes.js';
import {
  createCognitoIdentityHandler,
  cognitoIdentityPath,
  cognitoIdentityService,
} from '../cognito-identity/routes.js';
import type { IdentityPool } from '../identity-pool.js';
import type { UserPoolService } from './service.js';

export const userPoolPath = '/cognito-idp';

export function createUserPoolRoutes(identity: {
  readonly userPoolAPI: UserPoolService;
  readonly identityPool: IdentityPool;
  readonly allowedOrigins?: readonly string[] | undefined;
}): IdentityRoute[] {
  const userPool = identity.userPoolAPI;
  const identityPool = createCognitoIdentityHandler(identity, {
    allowedOrigins: identity.allowedOrigins,
    rateLimiter: userPool.rateLimiter,
  });
  const preflight: IdentityRoute['handle'] = async (request) => userPool.preflight(request);
  return [
    { method: 'POST', path: userPoolPath, handle: (request) => userPool.handle(request) },
    {
      method: 'POST',
      path: '/',
      handle: (request) =>
        (request.headers['x-amz-target'] ?? '').startsWith(`${cognitoIdentityService}.`)
          ? identityPool(request)
          : userPool.handle(request),
    },
    ...[userPoolPath, cognitoIdentityPath, '/'].map((path): IdentityRoute => ({
      method: 'OPTIONS',
      path,
      handle: preflight,
    })),
  ];
}
