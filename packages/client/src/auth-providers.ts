/**
 * Custom auth providers for OPENID_CONNECT and AWS_LAMBDA (client.md §4), and the opt-in
 * `withTokenCache` wrapper.
 */
import { APIAuthorizationType } from './auth-modes.js';
import { decodeJWTClaims } from './jwt.js';

export type APIAuthProviderType = typeof APIAuthorizationType.oidc | typeof APIAuthorizationType.function;

export abstract class APIAuthProvider {
  abstract readonly type: APIAuthProviderType;
  /** Runs before every HTTP attempt; `null`, `undefined` or `''` means no token. */
  abstract getLatestAuthToken(): Promise<string | null | undefined>;
  /** Called before the 401 retry. */
  invalidateToken?(): void | Promise<void>;
}

export abstract class OIDCAuthProvider extends APIAuthProvider {
  readonly type = APIAuthorizationType.oidc;
}

export abstract class FunctionAuthProvider extends APIAuthProvider {
  readonly type = APIAuthorizationType.function;
}

type TokenFunction = () => Promise<string | null | undefined> | string | null | undefined;

class FunctionOIDCProvider extends OIDCAuthProvider {
  constructor(private readonly fn: TokenFunction) {
    super();
  }
  async getLatestAuthToken(): Promise<string | null | undefined> {
    return this.fn();
  }
}

class FunctionLambdaProvider extends FunctionAuthProvider {
  constructor(private readonly fn: TokenFunction) {
    super();
  }
  async getLatestAuthToken(): Promise<string | null | undefined> {
    return this.fn();
  }
}

export function createOIDCAuthProvider(getLatestAuthToken: TokenFunction): OIDCAuthProvider {
  if (typeof getLatestAuthToken !== 'function')
    throw new TypeError('"getLatestAuthToken" must be a function.');
  return new FunctionOIDCProvider(getLatestAuthToken);
}

export function createFunctionAuthProvider(getLatestAuthToken: TokenFunction): FunctionAuthProvider {
  if (typeof getLatestAuthToken !== 'function')
    throw new TypeError('"getLatestAuthToken" must be a function.');
  return new FunctionLambdaProvider(getLatestAuthToken);
}

export interface TokenCacheOptions {
  /** Cache tokens without a usable `exp` for this long; also caps JWTs when given. */
  readonly ttlMs?: number | undefined;
  /** Cache a JWT until `exp·1000 − refreshSkewMs` (signature not verified). Default true. */
  readonly useExpClaim?: boolean | undefined;
  /** Default 30 000. */
  readonly refreshSkewMs?: number | undefined;
  /** Injectable clock (epoch ms). */
  readonly clock?: (() => number) | undefined;
}

function assertNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`"${name}" must be a non-negative number.`);
  }
}

/**
 * Wraps a provider so its token is reused until it is about to expire. Calls are single-flight;
 * errors and empty tokens are never cached; `invalidateToken()` drops the cached token.
 */
export function withTokenCache<P extends APIAuthProvider>(provider: P, options: TokenCacheOptions = {}): P {
  assertNonNegative('ttlMs', options.ttlMs);
  assertNonNegative('refreshSkewMs', options.refreshSkewMs);
  const useExp = options.useExpClaim ?? true;
  const skew = options.refreshSkewMs ?? 30_000;
  const clock = options.clock ?? Date.now;
  let cached: { token: string; until: number } | undefined;
  let inFlight: Promise<string | null | undefined> | undefined;
  let generation = 0;

  const expiryOf = (token: string, now: number): number | undefined => {
    const candidates: number[] = [];
    if (useExp) {
      const exp = decodeJWTClaims(token)?.exp;
      if (typeof exp === 'number') candidates.push(exp * 1000 - skew);
    }
    if (options.ttlMs !== undefined) candidates.push(now + options.ttlMs);
    return candidates.length === 0 ? undefined : Math.min(...candidates);
  };

  const fetchToken = async (): Promise<string | null | undefined> => {
    const started = generation;
    const token = await provider.getLatestAuthToken();
    if (typeof token === 'string' && token !== '' && started === generation) {
      const now = clock();
      const until = expiryOf(token, now);
      cached = until !== undefined && until > now ? { token, until } : undefined;
    }
    return token;
  };

  const wrapper = Object.create(provider) as P;
  Object.defineProperties(wrapper, {
    type: { value: provider.type, enumerable: true },
    getLatestAuthToken: {
      value: (): Promise<string | null | undefined> => {
        if (cached !== undefined && clock() < cached.until) return Promise.resolve(cached.token);
        if (inFlight === undefined) {
          const current = fetchToken().finally(() => {
            if (inFlight === current) inFlight = undefined;
          });
          inFlight = current;
        }
        return inFlight;
      },
    },
    invalidateToken: {
      value: async (): Promise<void> => {
        cached = undefined;
        inFlight = undefined;
        generation++;
        await provider.invalidateToken?.();
      },
    },
  });
  return wrapper;
}
