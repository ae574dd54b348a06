/**
 * The AWS_LAMBDA mode (appsync-auth.md §3.5, §6): the `Authorization` header, unchanged, is sent
 * to the configured authorizer, whose answer decides. Pre-check failures are E14, a refusal E15,
 * a throw, timeout or invalid answer E16 (fail closed, logged without the token), a missing
 * function E17.
 */
import { sha256Hex } from '../node-hasher.js';
import { clearTimeout, setTimeout } from 'node:timers';
import { authError, isGatehouseError, silentLogger } from '@gatehouse/core';
import type { AuthProvider, AuthRequest, Authenticated, Clock, Logger } from '@gatehouse/core';
import { createAuthorizerEvent } from './event.js';
import type { LambdaAuthorizerEvent } from './event.js';
import { asError, isLambdaNotInvocableError } from './invoke.js';
import type { LambdaInvoker } from './invoke.js';
import { maxTTLSeconds, parseAuthorizerResponse } from './response.js';
import type { AuthorizerResponse } from './response.js';
import { createResultCache } from './result-cache.js';

export interface LambdaProviderOptions {
  readonly invoker: LambdaInvoker;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  /** `authorizerResultTtlInSeconds`, 0–3600; default 0 (no cache). */
  readonly ttlSeconds?: number;
  /** Regular expression the whole token must match before invocation. */
  readonly identityValidationExpression?: string;
  /** Default 10 000. */
  readonly timeoutMs?: number;
  /** Epoch milliseconds. */
  readonly now: Clock;
  readonly logger?: Logger;
}

/** appsync-auth.md §8. */
export const maxLambdaTokenLength = 2048;
export const defaultLambdaTimeoutMs = 10_000;
/** Decision: bound on cached answers per provider. */
export const maxCachedAuthorizerResults = 10_000;

interface Outcome {
  readonly response: AuthorizerResponse;
  /** Effective TTL: `ttlOverride ?? ttlSeconds`; 0 means the answer was not cached. */
  readonly ttlSeconds: number;
}

export function createLambdaProvider(options: LambdaProviderOptions): AuthProvider {
  const { invoker, region, accountId, apiId, now } = options;
  const ttlSeconds = options.ttlSeconds ?? 0;
  const timeoutMs = options.timeoutMs ?? defaultLambdaTimeoutMs;
  const logger = options.logger ?? silentLogger;
  if (typeof invoker !== 'function') throw new TypeError('"invoker" must be a function.');
  for (const [name, value] of [
    ['region', region],
    ['accountId', accountId],
    ['apiId', apiId],
  ] as const) {
    if (typeof value !== 'string' || value === '')
      throw new TypeError(`"${name}" must be a non-empty string.`);
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > maxTTLSeconds) {
    throw new RangeError('"ttlSeconds" must be an integer from 0 to 3600.');
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2_147_483_647) {
    throw new RangeError('"timeoutMs" must be a positive integer of at most 2147483647.');
  }
  const validation = compileValidation(options.identityValidationExpression);
  const api = { region, accountId, apiId };
  const cache = createResultCache<AuthorizerResponse>(maxCachedAuthorizerResults);
  const inFlight = new Map<string, Promise<Outcome>>();

  const cacheKey = (token: string): string => sha256Hex(`${apiId}\0${token}`);

  const invoke = async (request: AuthRequest, token: string, key: string): Promise<Outcome> => {
    const event = createAuthorizerEvent(request, token, api);
    let answer: unknown;
    try {
      answer = await invokeWithTimeout(invoker, event, timeoutMs);
    } catch (error) {
      if (
        isLambdaNotInvocableError(error) ||
        (isGatehouseError(error) && error.code === 'ERR_LAMBDA_NOT_INVOCABLE')
      ) {
        logger.error('The Lambda authorizer is not invocable.', logFields(request, token, error));
        throw authError('ERR_LAMBDA_NOT_INVOCABLE', 'The Lambda authorizer is not invocable.', {
          cause: error,
        });
      }
      logger.warn('The Lambda authorizer failed.', logFields(request, token, error));
      throw authError('ERR_LAMBDA_FAILED', 'The Lambda authorizer failed.', { cause: error });
    }
    let response: AuthorizerResponse;
    try {
      response = parseAuthorizerResponse(answer, api);
    } catch (error) {
      logger.warn('The Lambda authorizer answered an invalid response.', logFields(request, token, error));
      throw isGatehouseError(error) && error.code === 'ERR_LAMBDA_FAILED'
        ? error
        : authError('ERR_LAMBDA_FAILED', 'The Lambda authorizer answered an invalid response.', {
            cause: error,
          });
    }
    const ttl = response.ttlOverride ?? ttlSeconds;
    if (ttl > 0) {
      const at = now();
      cache.set(key, response, at + ttl * 1000, at);
    }
    return { response, ttlSeconds: ttl };
  };

  return {
    mode: 'AWS_LAMBDA',
    providerId: 'AWS_LAMBDA',
    async authenticate(request: AuthRequest): Promise<Authenticated> {
      // §1: the authorizer gets the header value unchanged, `Bearer ` and all.
      const token = request.headers['authorization'];
      if (token === undefined || token === '') throw authError('ERR_AUTH_NO_CREDENTIAL');
      if (token.length > maxLambdaTokenLength) {
        throw authError('ERR_LAMBDA_PRECHECK_FAILED', 'The token is longer than 2048 characters.');
      }
      if (validation !== undefined && !validation.test(token)) {
        throw authError(
          'ERR_LAMBDA_PRECHECK_FAILED',
          'The token does not match "identityValidationExpression".',
        );
      }

      const key = cacheKey(token);
      const cached = cache.get(key, now());
      if (cached !== undefined) return toAuthenticated(cached);

      const pending = inFlight.get(key);
      if (pending !== undefined) {
        // Decision (ADR): a concurrent miss shares the invocation in flight, but reuses its answer
        // only if that answer is cacheable (effective TTL > 0). An uncached answer was meant for
        // its own request (the authorizer sees the query), so this request invokes for itself.
        // Failures are shared: that only ever refuses.
        const outcome = await pending;
        if (outcome.ttlSeconds > 0) return toAuthenticated(outcome.response);
        return toAuthenticated((await invoke(request, token, key)).response);
      }

      const attempt = invoke(request, token, key);
      inFlight.set(key, attempt);
      const settle = (): void => {
        if (inFlight.get(key) === attempt) inFlight.delete(key);
      };
      attempt.then(settle, settle);
      return toAuthenticated((await attempt).response);
    },
  };
}

/** A set that cannot change once built: a cached answer's `deniedFields` serve many requests. */
class ImmutableSet<T> extends Set<T> {
  constructor(values: Iterable<T>) {
    super();
    for (const value of values) super.add(value);
  }
  override add(): this {
    throw new TypeError('This set cannot be changed.');
  }
  override delete(): boolean {
    throw new TypeError('This set cannot be changed.');
  }
  override clear(): void {
    throw new TypeError('This set cannot be changed.');
  }
}

/** The caller each allowing answer stands for, built once per answer (a cached one is shared). */
const authenticatedByResponse = new WeakMap<AuthorizerResponse, Authenticated>();

function toAuthenticated(response: AuthorizerResponse): Authenticated {
  if (!response.isAuthorized)
    throw authError('ERR_LAMBDA_DENIED', 'The Lambda authorizer refuses the token.');
  let authenticated = authenticatedByResponse.get(response);
  if (authenticated === undefined) {
    authenticated = Object.freeze({
      kind: 'authenticated',
      principal: Object.freeze({
        mode: 'AWS_LAMBDA',
        providerId: 'AWS_LAMBDA',
        deniedFields: new ImmutableSet(response.deniedFields),
      }),
      // Deep-frozen: a cached answer is shared by every request with the same token.
      identity: { resolverContext: response.resolverContext },
    });
    authenticatedByResponse.set(response, authenticated);
  }
  return authenticated;
}

function compileValidation(expression: string | undefined): RegExp | undefined {
  if (expression === undefined) return undefined;
  if (typeof expression !== 'string') throw new TypeError('"identityValidationExpression" must be a string.');
  try {
    // Anchored: the whole token must match (appsync-auth.md §4).
    return new RegExp(`^(?:${expression})$`);
  } catch (cause) {
    throw new TypeError('"identityValidationExpression" is not a valid regular expression.', { cause });
  }
}

class LambdaTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The Lambda authorizer did not answer within ${timeoutMs} ms.`);
    this.name = 'LambdaTimeoutError';
  }
}

/** Runs the invoker, aborting it and giving up after `timeoutMs`; the timer never holds the process. */
function invokeWithTimeout(
  invoker: LambdaInvoker,
  event: LambdaAuthorizerEvent,
  timeoutMs: number,
): Promise<unknown> {
  const controller = new AbortController();
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new LambdaTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    timer.unref();
    let call: Promise<unknown>;
    try {
      call = Promise.resolve(invoker(event, controller.signal));
    } catch (error) {
      call = Promise.reject(asError(error));
    }
    call.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(asError(error));
      },
    );
  });
}

/** Log fields for a failure: what went wrong, with every occurrence of the token removed. */
function logFields(request: AuthRequest, token: string, error: unknown): Record<string, unknown> {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      messages.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else {
      messages.push(typeof current === 'string' ? current : typeof current);
      break;
    }
  }
  const reason = messages.join(' <- ').split(token).join('[token]').slice(0, 1000);
  const code = isGatehouseError(error) ? error.code : undefined;
  return { requestId: request.requestId, reason, ...(code !== undefined ? { code } : {}) };
}
