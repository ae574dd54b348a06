/**
 * The Auth category (client.md §2): sign-in with SRP or password against a Cognito-compatible
 * user pool, session tokens with single-flight refresh, identity-pool credentials, sign-out.
 */
import type { ResolvedAuth, ResolvedIdentityPool, ResolvedUserPool } from '../config.js';
import {
  AuthException,
  ConfigurationException,
  SessionExpiredException,
  SignedOutException,
} from '../errors.js';
import type { HubClass } from '../hub.js';
import { isAllowedEndpoint } from '../endpoint.js';
import { createJsonWebToken } from '../jwt.js';
import { createCognitoCall, defaultCognitoEndpoint, type CognitoCall } from './cognito-wire.js';
import { computePasswordClaim, createSRPClient, formatSRPTimestamp } from './srp.js';
import type {
  AWSCredentials,
  AuthSession,
  AuthSessionSource,
  AuthTokens,
  FetchAuthSessionOptions,
} from './types.js';

/** Key-value storage for the signed-in tokens (e.g. `localStorage`); default in memory. */
export interface AuthStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Replaces the user pool (tests, an external IdP): returns raw or parsed tokens, or null. */
export interface TokenProvider {
  getTokens(options: { forceRefresh: boolean }): Promise<{ accessToken: string; idToken: string } | null>;
}

/** Replaces the identity pool: returns credentials, or null. */
export interface CredentialsProvider {
  getCredentialsAndIdentityId(options: {
    forceRefresh: boolean;
    tokens: AuthTokens | undefined;
  }): Promise<{ credentials: AWSCredentials; identityId?: string | undefined } | null>;
}

export interface AmplifyAuthCognitoOptions {
  readonly storage?: AuthStorage | undefined;
  /** Overrides of the configured (or AWS default) service URLs. */
  readonly endpoints?:
    { readonly userPool?: string | undefined; readonly identityPool?: string | undefined } | undefined;
  readonly tokenProvider?: TokenProvider | undefined;
  readonly credentialsProvider?: CredentialsProvider | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly clock?: (() => number) | undefined;
  readonly randomBytes?: ((length: number) => Uint8Array) | undefined;
}

export type AuthFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';

export interface SignInInput {
  readonly username: string;
  readonly password: string;
  readonly options?: { readonly authFlowType?: AuthFlowType | undefined } | undefined;
}

export interface SignInResult {
  readonly isSignedIn: boolean;
  readonly nextStep: { readonly signInStep: 'DONE' };
}

interface StoredTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string | undefined;
}

const tokenRefreshWindowMs = 60_000;
const credentialsRefreshWindowMs = 5 * 60_000;

function memoryStorage(): AuthStorage {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

function defaultRandomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function toAuthTokens(tokens: { accessToken: string; idToken: string }): AuthTokens {
  return { accessToken: createJsonWebToken(tokens.accessToken), idToken: createJsonWebToken(tokens.idToken) };
}

function resultOf(response: Record<string, unknown>): Record<string, unknown> | undefined {
  const result = response.AuthenticationResult;
  return typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : undefined;
}

function stringField(source: Record<string, unknown>, key: string, operation: string): string {
  const value = source[key];
  if (typeof value !== 'string' || value === '') {
    throw new AuthException(`The ${operation} response has no "${key}".`);
  }
  return value;
}

export class AmplifyAuthCognito implements AuthSessionSource {
  readonly category = 'Auth';
  readonly #storage: AuthStorage;
  readonly #options: AmplifyAuthCognitoOptions;
  readonly #clock: () => number;
  readonly #randomBytes: (length: number) => Uint8Array;
  readonly #call: CognitoCall;
  #userPool: ResolvedUserPool | undefined;
  #identityPool: ResolvedIdentityPool | undefined;
  #hub: HubClass | undefined;
  #configured = false;
  #tokens: StoredTokens | undefined;
  #loaded: Promise<void> | undefined;
  #refreshing: Promise<StoredTokens> | undefined;
  #credentials: { value: AWSCredentials; identityId: string | undefined; authenticated: boolean } | undefined;
  #credentialsInFlight:
    Promise<{ value: AWSCredentials; identityId: string | undefined; authenticated: boolean }> | undefined;
  #identityIds: { guest?: string | undefined; authenticated?: string | undefined } = {};

  constructor(options: AmplifyAuthCognitoOptions = {}) {
    for (const [name, value] of Object.entries(options.endpoints ?? {})) {
      if (value !== undefined) {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new TypeError(`"endpoints.${name}" must be an absolute URL.`);
        }
        if (!isAllowedEndpoint(url)) {
          throw new TypeError(
            `"endpoints.${name}" must use https (http is allowed only for loopback hosts).`,
          );
        }
      }
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new TypeError('"fetch" must be a function.');
    }
    this.#options = options;
    this.#storage = options.storage ?? memoryStorage();
    this.#clock = options.clock ?? Date.now;
    this.#randomBytes = options.randomBytes ?? defaultRandomBytes;
    this.#call = createCognitoCall(() => {
      const impl = options.fetch ?? globalThis.fetch;
      if (typeof impl !== 'function')
        throw new ConfigurationException('No fetch implementation is available.');
      return impl;
    });
  }

  get capabilities(): { userPoolTokens: boolean; credentials: boolean } {
    return {
      userPoolTokens: this.#options.tokenProvider !== undefined || this.#userPool !== undefined,
      credentials: this.#options.credentialsProvider !== undefined || this.#identityPool !== undefined,
    };
  }

  /** Called by `Amplify.configure`. */
  configure(auth: ResolvedAuth | undefined, context: { hub?: HubClass | undefined } = {}): void {
    this.#userPool = auth?.userPool;
    this.#identityPool = auth?.identityPool;
    this.#hub = context.hub;
    this.#configured = true;
  }

  #requireUserPool(): ResolvedUserPool {
    if (!this.#configured) {
      throw new ConfigurationException('Amplify is not configured: call "Amplify.configure" first.', {
        code: 'ERR_CONFIG_NOT_CONFIGURED',
      });
    }
    if (this.#userPool === undefined) {
      throw new ConfigurationException('The configuration has no user pool.', {
        recoverySuggestion: 'Add awsCognitoAuthPlugin.CognitoUserPool (Gen 1) or auth (Gen 2).',
      });
    }
    return this.#userPool;
  }

  #userPoolEndpoint(pool: ResolvedUserPool): URL {
    const override = this.#options.endpoints?.userPool;
    return override !== undefined
      ? new URL(override)
      : (pool.endpoint ?? defaultCognitoEndpoint('userPool', pool.region));
  }

  #identityPoolEndpoint(pool: ResolvedIdentityPool): URL {
    const override = this.#options.endpoints?.identityPool;
    return override !== undefined
      ? new URL(override)
      : (pool.endpoint ?? defaultCognitoEndpoint('identityPool', pool.region));
  }

  #storageKey(): string {
    return `gatehouse.auth.${this.#userPool?.appClientId ?? 'default'}`;
  }

  async #load(): Promise<void> {
    this.#loaded ??= (async () => {
      if (this.#userPool === undefined) return;
      const raw = await this.#storage.getItem(this.#storageKey());
      if (raw === null) return;
      try {
        const parsed = JSON.parse(raw) as Partial<StoredTokens>;
        if (typeof parsed.accessToken === 'string' && typeof parsed.idToken === 'string') {
          this.#tokens = {
            accessToken: parsed.accessToken,
            idToken: parsed.idToken,
            refreshToken: typeof parsed.refreshToken === 'string' ? parsed.refreshToken : undefined,
          };
        }
      } catch {
        await this.#storage.removeItem(this.#storageKey());
      }
    })();
    return this.#loaded;
  }

  async #store(tokens: StoredTokens | undefined): Promise<void> {
    this.#tokens = tokens;
    if (tokens === undefined) await this.#storage.removeItem(this.#storageKey());
    else await this.#storage.setItem(this.#storageKey(), JSON.stringify(tokens));
  }

  async signIn(input: SignInInput): Promise<SignInResult> {
    const pool = this.#requireUserPool();
    if (typeof input?.username !== 'string' || input.username === '') {
      throw new TypeError('"username" must be a non-empty string.');
    }
    if (typeof input.password !== 'string' || input.password === '') {
      throw new TypeError('"password" must be a non-empty string.');
    }
    const flow = input.options?.authFlowType ?? 'USER_SRP_AUTH';
    if (flow !== 'USER_SRP_AUTH' && flow !== 'USER_PASSWORD_AUTH') {
      throw new TypeError('"authFlowType" must be "USER_SRP_AUTH" or "USER_PASSWORD_AUTH".');
    }
    await this.#load();
    if (this.#tokens !== undefined) throw new AuthException('A user is already signed in; sign out first.');
    const endpoint = this.#userPoolEndpoint(pool);
    let response: Record<string, unknown>;
    if (flow === 'USER_PASSWORD_AUTH') {
      response = await this.#call('userPool', endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: pool.appClientId,
        AuthParameters: { USERNAME: input.username, PASSWORD: input.password },
      });
    } else {
      const state = createSRPClient(this.#randomBytes);
      const challenge = await this.#call('userPool', endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: pool.appClientId,
        AuthParameters: { USERNAME: input.username, SRP_A: state.A.toString(16) },
      });
      if (challenge.ChallengeName !== 'PASSWORD_VERIFIER') {
        throw new AuthException(
          `Sign-in answered with an unexpected challenge instead of PASSWORD_VERIFIER.`,
        );
      }
      const params = (challenge.ChallengeParameters ?? {}) as Record<string, unknown>;
      const userId = stringField(params, 'USER_ID_FOR_SRP', 'InitiateAuth');
      const secretBlock = stringField(params, 'SECRET_BLOCK', 'InitiateAuth');
      const timestamp = formatSRPTimestamp(new Date(this.#clock()));
      const poolName = pool.poolId.split('_')[1] ?? '';
      const claim = computePasswordClaim({
        state,
        serverB: stringField(params, 'SRP_B', 'InitiateAuth'),
        salt: stringField(params, 'SALT', 'InitiateAuth'),
        poolName,
        userId,
        password: input.password,
        secretBlock,
        timestamp,
      });
      response = await this.#call('userPool', endpoint, 'RespondToAuthChallenge', {
        ChallengeName: 'PASSWORD_VERIFIER',
        ClientId: pool.appClientId,
        ChallengeResponses: {
          USERNAME: typeof params.USERNAME === 'string' ? params.USERNAME : userId,
          PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
          TIMESTAMP: timestamp,
          PASSWORD_CLAIM_SIGNATURE: claim.signature,
        },
        ...(typeof challenge.Session === 'string' ? { Session: challenge.Session } : {}),
      });
    }
    const result = resultOf(response);
    if (result === undefined) {
      const name = typeof response.ChallengeName === 'string' ? response.ChallengeName : 'unknown';
      throw new AuthException(`Sign-in needs the "${name}" challenge, which this client does not support.`);
    }
    await this.#store({
      accessToken: stringField(result, 'AccessToken', 'sign-in'),
      idToken: stringField(result, 'IdToken', 'sign-in'),
      refreshToken: typeof result.RefreshToken === 'string' ? result.RefreshToken : undefined,
    });
    this.#credentials = undefined;
    this.#hub?.dispatch('auth', { event: 'signedIn' });
    return { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
  }

  /** Signs out locally, revoking the refresh token (or every session with `global`) on the server. */
  async signOut(options: { global?: boolean } = {}): Promise<void> {
    await this.#load();
    const tokens = this.#tokens;
    const pool = this.#userPool;
    if (tokens !== undefined && pool !== undefined) {
      const endpoint = this.#userPoolEndpoint(pool);
      try {
        if (options.global) {
          await this.#call('userPool', endpoint, 'GlobalSignOut', { AccessToken: tokens.accessToken });
        } else if (
          tokens.refreshToken !== undefined &&
          createJsonWebToken(tokens.accessToken).claims.origin_jti
        ) {
          await this.#call('userPool', endpoint, 'RevokeToken', {
            ClientId: pool.appClientId,
            Token: tokens.refreshToken,
          });
        }
      } catch {
        // Local sign-out happens whatever the server says (as in Amplify).
      }
    }
    await this.#store(undefined);
    this.#credentials = undefined;
    this.#identityIds.authenticated = undefined;
    this.#hub?.dispatch('auth', { event: 'signedOut' });
  }

  /** The signed-in user from the ID token (no server call). */
  async getCurrentUser(): Promise<{ username: string; userId: string }> {
    await this.#load();
    if (this.#tokens === undefined) throw new SignedOutException();
    const claims = createJsonWebToken(this.#tokens.idToken).claims;
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    return { username: text(claims['cognito:username']), userId: text(claims.sub) };
  }

  async fetchAuthSession(options: FetchAuthSessionOptions = {}): Promise<AuthSession> {
    const forceRefresh = options.forceRefresh ?? false;
    let userPoolTokens: AuthTokens | undefined;
    let tokensError: AuthException | undefined;
    try {
      userPoolTokens = await this.#getTokens(forceRefresh);
    } catch (error) {
      tokensError =
        error instanceof AuthException
          ? error
          : new AuthException('Tokens are unavailable.', { cause: error });
    }
    let credentials: AWSCredentials | undefined;
    let identityId: string | undefined;
    let credentialsError: AuthException | undefined;
    if (this.capabilities.credentials) {
      try {
        const got = await this.#getCredentials(forceRefresh, userPoolTokens);
        credentials = got.value;
        identityId = got.identityId;
      } catch (error) {
        credentialsError =
          error instanceof AuthException
            ? error
            : new AuthException('Credentials are unavailable.', { cause: error });
      }
    }
    return {
      isSignedIn: userPoolTokens !== undefined,
      identityId,
      userPoolTokens,
      credentials,
      errors: { userPoolTokens: tokensError, credentials: credentialsError },
    };
  }

  async #getTokens(forceRefresh: boolean): Promise<AuthTokens | undefined> {
    const provider = this.#options.tokenProvider;
    if (provider !== undefined) {
      const tokens = await provider.getTokens({ forceRefresh });
      if (tokens === null) throw new SignedOutException();
      return toAuthTokens(tokens);
    }
    if (this.#userPool === undefined) return undefined;
    await this.#load();
    const tokens = this.#tokens;
    if (tokens === undefined) throw new SignedOutException();
    const expiresAt = createJsonWebToken(tokens.accessToken).expiresAt?.getTime();
    const stale = expiresAt !== undefined && expiresAt - tokenRefreshWindowMs <= this.#clock();
    if (!forceRefresh && !stale) return toAuthTokens(tokens);
    return toAuthTokens(await this.#refresh(tokens));
  }

  /** `InitiateAuth REFRESH_TOKEN_AUTH`, single-flight; a failure signs the user out. */
  #refresh(tokens: StoredTokens): Promise<StoredTokens> {
    this.#refreshing ??= (async () => {
      const pool = this.#userPool!;
      try {
        if (tokens.refreshToken === undefined) throw new AuthException('No refresh token is stored.');
        const response = await this.#call('userPool', this.#userPoolEndpoint(pool), 'InitiateAuth', {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: pool.appClientId,
          AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
        });
        const result = resultOf(response);
        if (result === undefined)
          throw new AuthException('The refresh response has no AuthenticationResult.');
        const next: StoredTokens = {
          accessToken: stringField(result, 'AccessToken', 'refresh'),
          idToken: stringField(result, 'IdToken', 'refresh'),
          refreshToken: typeof result.RefreshToken === 'string' ? result.RefreshToken : tokens.refreshToken,
        };
        await this.#store(next);
        this.#hub?.dispatch('auth', { event: 'tokenRefresh' });
        return next;
      } catch (error) {
        this.#hub?.dispatch('auth', { event: 'tokenRefresh_failure' });
        // A refresh that never reached the service keeps the session: the next call tries again.
        if (error instanceof AuthException && error.code === 'ERR_AUTH_NETWORK') throw error;
        await this.#store(undefined);
        this.#credentials = undefined;
        throw new SessionExpiredException({ cause: error });
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async #getCredentials(
    forceRefresh: boolean,
    tokens: AuthTokens | undefined,
  ): Promise<{ value: AWSCredentials; identityId: string | undefined }> {
    const authenticated = tokens !== undefined;
    const cached = this.#credentials;
    if (
      !forceRefresh &&
      cached !== undefined &&
      cached.authenticated === authenticated &&
      (cached.value.expiration === undefined ||
        cached.value.expiration.getTime() - credentialsRefreshWindowMs > this.#clock())
    ) {
      return cached;
    }
    this.#credentialsInFlight ??= this.#loadCredentials(forceRefresh, tokens).finally(() => {
      this.#credentialsInFlight = undefined;
    });
    const fresh = await this.#credentialsInFlight;
    this.#credentials = fresh;
    return fresh;
  }

  async #loadCredentials(
    forceRefresh: boolean,
    tokens: AuthTokens | undefined,
  ): Promise<{ value: AWSCredentials; identityId: string | undefined; authenticated: boolean }> {
    const authenticated = tokens !== undefined;
    const provider = this.#options.credentialsProvider;
    if (provider !== undefined) {
      const got = await provider.getCredentialsAndIdentityId({ forceRefresh, tokens });
      if (got === null) throw new AuthException('The credentials provider returned no credentials.');
      return { value: got.credentials, identityId: got.identityId, authenticated };
    }
    const pool = this.#identityPool!;
    if (!authenticated && !pool.allowGuest) {
      throw new SignedOutException('No user is signed in and the identity pool does not allow guests.');
    }
    const endpoint = this.#identityPoolEndpoint(pool);
    const userPool = this.#userPool;
    const logins =
      tokens !== undefined && userPool !== undefined
        ? { [`cognito-idp.${userPool.region}.amazonaws.com/${userPool.poolId}`]: tokens.idToken.raw }
        : undefined;
    const kind = authenticated ? 'authenticated' : 'guest';
    let identityId = this.#identityIds[kind];
    if (identityId === undefined) {
      const response = await this.#call('identityPool', endpoint, 'GetId', {
        IdentityPoolId: pool.poolId,
        ...(logins ? { Logins: logins } : {}),
      });
      identityId = stringField(response, 'IdentityId', 'GetId');
    }
    const response = await this.#call('identityPool', endpoint, 'GetCredentialsForIdentity', {
      IdentityId: identityId,
      ...(logins ? { Logins: logins } : {}),
    });
    identityId = typeof response.IdentityId === 'string' ? response.IdentityId : identityId;
    this.#identityIds[kind] = identityId;
    const raw = (response.Credentials ?? {}) as Record<string, unknown>;
    const expiration = typeof raw.Expiration === 'number' ? new Date(raw.Expiration * 1000) : undefined;
    return {
      value: {
        accessKeyId: stringField(raw, 'AccessKeyId', 'GetCredentialsForIdentity'),
        secretAccessKey: stringField(raw, 'SecretKey', 'GetCredentialsForIdentity'),
        sessionToken: typeof raw.SessionToken === 'string' ? raw.SessionToken : undefined,
        expiration,
      },
      identityId,
      authenticated,
    };
  }
}
