/**
 * The Cognito user pool API (identity.md §1–§3, §6, §8) over one small plain request type:
 * dispatch on `X-Amz-Target`, per-address rate limits on the unauthenticated operations, SigV4
 * admin authentication, and Cognito's JSON wire form for every answer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock, DocumentStore, Logger, PlainRequest } from '@gatehouse/core';
import { silentLogger } from '@gatehouse/core';
import { IdentityError } from '../errors.js';
import type { IdentityConfig } from '../identity-config.js';
import { decryptBlob, deriveInstallSubkey, encryptBlob } from '../install-key.js';
import type { LocalUserPool } from '../user-pool.js';
import { adminOperations, type AdminOperationName } from './admin-operations.js';
import { authenticateAdminRequest, type AdminAccessKey } from './admin-auth.js';
import type { CodePurpose } from './codes.js';
import {
  createRateLimiter,
  createSignInThrottle,
  type RateLimitOptions,
  type RateLimiter,
  type SignInThrottle,
} from './throttle.js';
import { userOperations, type UserOperationName } from './user-operations.js';
import {
  corsHeaders,
  createOriginMatcher,
  defaultAllowedOrigins,
  errorResponse,
  parseBody,
  preflightResponse,
  successResponse,
  toIdentityError,
  type WireResponse,
} from './wire.js';

export const userPoolTargetPrefix = 'AWSCognitoIdentityProviderService.';

/** What the delivery hook receives: in dev, printed on the server's log. */
export interface CodeDeliveryEvent {
  /** The internal username. */
  readonly username: string;
  /** `TemporaryPassword`: the password of `AdminCreateUser` when the caller gave none. */
  readonly purpose: CodePurpose | 'TemporaryPassword';
  readonly code: string;
  readonly deliveryMedium: 'EMAIL' | 'SMS' | undefined;
  /** Unmasked, e.g. the email address. */
  readonly destination: string | undefined;
}

export interface UserPoolServiceOptions {
  readonly userPool: LocalUserPool;
  readonly store: DocumentStore;
  readonly installKey: Uint8Array;
  readonly region: string;
  readonly accountId: string;
  /** Parsed `identity` config. */
  readonly config?: IdentityConfig | undefined;
  /** `iam.accessKeys`; only entries with `admin: true` may call the admin operations. */
  readonly accessKeys?: readonly AdminAccessKey[] | undefined;
  /** Delivers codes (and generated temporary passwords); the dev server logs them. Default: nowhere. */
  readonly onCode?: ((event: CodeDeliveryEvent) => void | Promise<void>) | undefined;
  /** Per-address limit of the unauthenticated operations; `false` turns it off. */
  readonly rateLimit?: RateLimitOptions | false | undefined;
  readonly now?: Clock | undefined;
  readonly logger?: Logger | undefined;
}

export interface UserPoolService {
  /** Answers a `POST` to `/cognito-idp` (or `/`). Never throws. */
  handle(request: PlainRequest & { readonly requestId: string }): Promise<WireResponse>;
  /** Answers an `OPTIONS` preflight on a Cognito mount. */
  preflight(request: PlainRequest & { readonly requestId: string }): WireResponse;
  readonly isAllowedOrigin: (origin: string) => boolean;
  /** The per-address limiter of unauthenticated calls, shared with the identity pool's GetId. */
  readonly rateLimiter: RateLimiter | undefined;
}

/** Everything an operation needs; built once per service. */
export interface OperationContext {
  readonly pool: LocalUserPool;
  readonly region: string;
  readonly accountId: string;
  readonly now: Clock;
  readonly throttle: SignInThrottle;
  readonly allowUserPasswordAuth: boolean;
  readonly preventUserExistenceErrors: boolean;
  readonly authSessionValidityMs: number;
  deliver(event: CodeDeliveryEvent): Promise<void>;
  /** Seals challenge state (SRP step A, `NEW_PASSWORD_REQUIRED` sessions) under the install key. */
  sealSession(kind: string, state: Record<string, unknown>): string;
  /**
   * Opens sealed state: right kind, unexpired, and marks it used (once, across nodes).
   * `undefined` for anything else.
   */
  openSession(kind: string, sealed: string): Promise<Record<string, unknown> | undefined>;
  /** Stable per-username bytes from the install key, for decoys. */
  decoyBytes(label: string, usernameKey: string): Buffer;
}

const unauthenticatedOperations = new Set<string>([
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'GetTokensFromRefreshToken',
  'RevokeToken',
]);

export async function createUserPoolService(options: UserPoolServiceOptions): Promise<UserPoolService> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const config = options.config ?? {};
  const isAllowedOrigin = createOriginMatcher(config.allowedOrigins ?? defaultAllowedOrigins);
  const throttle = await createSignInThrottle({
    store: options.store,
    poolId: options.userPool.userPoolId,
    now,
  });
  const limiter =
    options.rateLimit === false
      ? undefined
      : await createRateLimiter({ store: options.store, now, limit: options.rateLimit });
  const sessions = await options.store.table('identity_auth_sessions', { partitionKey: 'id' });
  const decoyKey = deriveInstallSubkey(options.installKey, 'srp-decoy');
  const poolArn = `arn:aws:cognito-idp:${options.region}:${options.accountId}:userpool/${options.userPool.userPoolId}`;

  const context: OperationContext = {
    pool: options.userPool,
    region: options.region,
    accountId: options.accountId,
    now,
    throttle,
    allowUserPasswordAuth: config.allowUserPasswordAuth === true,
    preventUserExistenceErrors: (config.preventUserExistenceErrors ?? 'ENABLED') === 'ENABLED',
    authSessionValidityMs: (config.authSessionValidityMinutes ?? 3) * 60_000,
    async deliver(event) {
      try {
        await options.onCode?.(event);
      } catch {
        logger.error('The code delivery hook failed.', { purpose: event.purpose });
      }
    },
    sealSession(kind, state) {
      const id = randomBytes(16).toString('hex');
      const body = JSON.stringify({ ...state, id, kind, expiresAt: now() + context.authSessionValidityMs });
      return encryptBlob(options.installKey, 'auth-session', Buffer.from(body, 'utf8'), kind);
    },
    async openSession(kind, sealed) {
      let state: Record<string, unknown>;
      try {
        state = JSON.parse(
          Buffer.from(decryptBlob(options.installKey, 'auth-session', sealed, kind)).toString('utf8'),
        ) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      const { id, expiresAt } = state;
      if (state['kind'] !== kind || typeof id !== 'string' || typeof expiresAt !== 'number') return undefined;
      if (now() >= expiresAt) return undefined;
      try {
        await sessions.put({ id, expiresAt }, { condition: { id: { attributeExists: false } } });
      } catch {
        return undefined;
      }
      return state;
    },
    decoyBytes(label, usernameKey) {
      return createHmac('sha256', decoyKey).update(`${label}\n${usernameKey}`, 'utf8').digest();
    },
  };

  return {
    isAllowedOrigin,
    rateLimiter: limiter,
    preflight: (request) => preflightResponse(request, request.requestId, isAllowedOrigin),
    async handle(request) {
      const cors = corsHeaders(request, isAllowedOrigin);
      const requestId = request.requestId;
      let operation = '';
      try {
        const target = request.headers['x-amz-target'] ?? '';
        if (!target.startsWith(userPoolTargetPrefix)) {
          throw new IdentityError(
            'UnknownOperationException',
            'The operation in "X-Amz-Target" is not known.',
          );
        }
        operation = target.slice(userPoolTargetPrefix.length);
        if (Object.hasOwn(adminOperations, operation)) {
          authenticateAdminRequest(request, {
            accessKeys: options.accessKeys ?? [],
            region: options.region,
            now,
            operation,
            resourceArn: poolArn,
          });
          const body = parseBody(request);
          const result = await adminOperations[operation as AdminOperationName](context, body);
          return successResponse(result, requestId, cors);
        }
        if (!Object.hasOwn(userOperations, operation)) {
          throw new IdentityError(
            'UnsupportedOperationException',
            `Gatehouse does not support the operation "${operation.slice(0, 64).replace(/[^\w]/g, '')}".`,
          );
        }
        if (limiter && unauthenticatedOperations.has(operation)) {
          const address = request.sourceIp[request.sourceIp.length - 1] ?? 'unknown';
          if (!(await limiter.take(`${options.userPool.userPoolId}\n${address}`))) {
            throw new IdentityError('TooManyRequestsException', 'Rate exceeded');
          }
        }
        const body = parseBody(request);
        const result = await userOperations[operation as UserOperationName](context, body);
        return successResponse(result, requestId, cors);
      } catch (error) {
        const wire = toIdentityError(error);
        if (wire.code === 'InternalErrorException') {
          logger.error('A Cognito operation failed unexpectedly.', {
            requestId,
            operation,
            error: error instanceof Error ? error.name : typeof error,
          });
        }
        return errorResponse(wire, requestId, cors);
      }
    },
  };
}
