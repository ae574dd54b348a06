/**
 * The API category (client.md §2, §3, §5, §6): request building, auth headers per mode, SigV4,
 * interceptor, sending, response classification, the 401 refresh-and-retry and backoff.
 */
import { formatAmzDate, pureHasher, signRequest } from '@gatehouse/core';
import { APIAuthProvider } from './auth-providers.js';
import {
  APIAuthorizationType,
  isAPIAuthorizationMode,
  modeListText,
  type APIAuthorizationMode,
} from './auth-modes.js';
import type { AuthSessionSource } from './auth/types.js';
import type { ResolvedApi, ResolvedConfig } from './config.js';
import { isAllowedEndpoint } from './endpoint.js';
import {
  AmplifyException,
  ApiOperationException,
  CancellationException,
  ConfigurationException,
  HttpStatusException,
  MissingCredentialsException,
  NetworkException,
  NoAuthProviderException,
  UnauthorizedException,
  type GraphQLResponseError,
} from './errors.js';
import {
  GraphQLRequest,
  createGraphQLResponse,
  type GraphQLOperation,
  type GraphQLRequestInit,
  type GraphQLResponse,
} from './graphql-request.js';
import {
  AWSBaseHttpClient,
  type AWSHttpRequest,
  type InterceptorContext,
  type RequestInterceptor,
} from './http-client.js';
import type { HubClass } from './hub.js';
import {
  RealtimeConnection,
  createGraphQLSubscription,
  realtimeUrl,
  type GraphQLSubscription,
  type RealtimeAuth,
  type WebSocketConstructor,
} from './realtime.js';
import { version } from './version.js';

export interface RetryOptions {
  /** Attempts for network errors, timeouts, 429 and 5xx (default 3). */
  readonly maxAttempts?: number | undefined;
  readonly baseDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  /** Retry mutations on network errors and 5xx too (default false: only 429). */
  readonly retryMutations?: boolean | undefined;
}

export interface SubscriptionOptions {
  readonly pollInterval?: number | undefined;
  readonly healthCheck?: 'ping' | 'off' | undefined;
  readonly realtimeEndpoints?: Readonly<Record<string, string>> | undefined;
  readonly retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number } | undefined;
}

export interface AmplifyAPIOptions {
  readonly authProviders?: readonly APIAuthProvider[] | undefined;
  readonly baseHttpClient?: AWSBaseHttpClient | undefined;
  readonly interceptor?: RequestInterceptor | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly webSocketImpl?: (new (url: string, protocols: string[]) => WebSocket) | undefined;
  readonly userPoolTokenType?: 'accessToken' | 'idToken' | undefined;
  readonly defaultApiName?: string | undefined;
  /** Per attempt (default 30 000). */
  readonly requestTimeoutMs?: number | undefined;
  readonly retry?: RetryOptions | undefined;
  readonly subscriptionOptions?: SubscriptionOptions | undefined;
  /** Epoch ms; injectable for tests. */
  readonly clock?: (() => number) | undefined;
  /** In [0, 1); injectable for tests. */
  readonly random?: (() => number) | undefined;
}

export interface APIPluginContext {
  readonly auth?: AuthSessionSource | undefined;
  readonly hub?: HubClass | undefined;
}

export interface SubscribeOptions {
  /** Called once, when the server acknowledges the subscription (`start_ack`). */
  readonly onEstablished?: (() => void) | undefined;
}

type OperationType = 'query' | 'mutation';

interface PreparedOperation<T> {
  readonly request: GraphQLRequest<T>;
  readonly type: OperationType;
  readonly api: ResolvedApi;
  readonly mode: APIAuthorizationMode;
  readonly apiKey: string | undefined;
  /** The caller sent its own credential: no auth, no signing, no 401 retry. */
  readonly skipAuth: boolean;
  readonly body: string;
}

const userAgent = `gatehouse/${version} api/graphql`;
const retryableStatuses = new Set([429, 500, 502, 503, 504]);
const iamRetryableErrorTypes = new Set(['ExpiredTokenException', 'InvalidSignatureException']);

function assertPositiveInteger(name: string, value: number | undefined, min = 1): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`"${name}" must be an integer of at least ${min}.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** AppSync's error type: `x-amzn-ErrorType` (text before `:`), else the body (client.md §5). */
function errorTypeOf(response: Response, body: unknown): string | undefined {
  const header = response.headers.get('x-amzn-errortype');
  if (header !== null && header !== '') return header.split(':')[0]!.trim();
  if (isObject(body)) {
    const first: unknown = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (isObject(first) && typeof first.errorType === 'string') return first.errorType;
    if (typeof body.__type === 'string') return body.__type.split('#').pop();
    if (typeof body.code === 'string') return body.code;
  }
  return undefined;
}

function graphQLErrorsOf(body: unknown): GraphQLResponseError[] {
  if (!isObject(body) || !Array.isArray(body.errors)) return [];
  return body.errors.filter(isObject).map((error) => ({
    ...error,
    message: typeof error.message === 'string' ? error.message : '',
  }));
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `query`/`mutation` from the document's first operation (a `subscription` is refused). */
function operationTypeOf(document: string): OperationType {
  const stripped = document.replace(/#[^\n\r]*/g, ' ').trimStart();
  if (stripped.startsWith('mutation')) return 'mutation';
  return 'query';
}

export class AmplifyAPI {
  readonly category = 'API';
  readonly #providers = new Map<APIAuthorizationMode, APIAuthProvider>();
  readonly #httpClient: AWSBaseHttpClient | undefined;
  readonly #interceptor: RequestInterceptor | undefined;
  readonly #fetch: typeof fetch | undefined;
  readonly #userPoolTokenType: 'accessToken' | 'idToken';
  readonly #defaultApiName: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #retryMutations: boolean;
  readonly #clock: () => number;
  readonly #random: () => number;
  readonly webSocketImpl: (new (url: string, protocols: string[]) => WebSocket) | undefined;
  #config: ResolvedConfig | undefined;
  #auth: AuthSessionSource | undefined;
  #hub: HubClass | undefined;
  readonly #subscriptionOptions: SubscriptionOptions;
  readonly #connections = new Map<string, RealtimeConnection>();

  constructor(options: AmplifyAPIOptions = {}) {
    if (options.baseHttpClient !== undefined && options.interceptor !== undefined) {
      throw new TypeError('Pass either "baseHttpClient" or "interceptor", not both.');
    }
    if (options.baseHttpClient !== undefined && !(options.baseHttpClient instanceof AWSBaseHttpClient)) {
      throw new TypeError('"baseHttpClient" must be an AWSBaseHttpClient.');
    }
    if (options.interceptor !== undefined && typeof options.interceptor !== 'function') {
      throw new TypeError('"interceptor" must be a function.');
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new TypeError('"fetch" must be a function.');
    }
    if (options.webSocketImpl !== undefined && typeof options.webSocketImpl !== 'function') {
      throw new TypeError('"webSocketImpl" must be a WebSocket constructor.');
    }
    for (const provider of options.authProviders ?? []) {
      if (
        !(provider instanceof APIAuthProvider) &&
        typeof (provider as Partial<APIAuthProvider>).getLatestAuthToken !== 'function'
      ) {
        throw new TypeError('"authProviders" must contain APIAuthProvider instances.');
      }
      const type = provider.type as string;
      if (type !== APIAuthorizationType.oidc && type !== APIAuthorizationType.function) {
        throw new TypeError(
          `"authProviders" accepts only OPENID_CONNECT and AWS_LAMBDA providers, not "${type}".`,
        );
      }
      if (this.#providers.has(provider.type)) {
        throw new TypeError(`"authProviders" has more than one "${type}" provider.`);
      }
      this.#providers.set(provider.type, provider);
    }
    const tokenType = options.userPoolTokenType ?? 'accessToken';
    if (tokenType !== 'accessToken' && tokenType !== 'idToken') {
      throw new TypeError('"userPoolTokenType" must be "accessToken" or "idToken".');
    }
    assertPositiveInteger('requestTimeoutMs', options.requestTimeoutMs);
    assertPositiveInteger('retry.maxAttempts', options.retry?.maxAttempts);
    assertPositiveInteger('retry.baseDelayMs', options.retry?.baseDelayMs, 0);
    assertPositiveInteger('retry.maxDelayMs', options.retry?.maxDelayMs, 0);
    const sub = options.subscriptionOptions;
    assertPositiveInteger('subscriptionOptions.pollInterval', sub?.pollInterval);
    if (sub?.healthCheck !== undefined && sub.healthCheck !== 'ping' && sub.healthCheck !== 'off') {
      throw new TypeError('"subscriptionOptions.healthCheck" must be "ping" or "off".');
    }
    this.#httpClient = options.baseHttpClient;
    this.#interceptor = options.interceptor;
    this.#fetch = options.fetch;
    this.webSocketImpl = options.webSocketImpl;
    this.#userPoolTokenType = tokenType;
    this.#defaultApiName = options.defaultApiName;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#maxAttempts = options.retry?.maxAttempts ?? 3;
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 250;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
    this.#retryMutations = options.retry?.retryMutations ?? false;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#subscriptionOptions = options.subscriptionOptions ?? {};
  }

  /** Called by `Amplify.configure`. */
  configure(config: ResolvedConfig, context: APIPluginContext = {}): void {
    if (this.#defaultApiName !== undefined && !config.apis.some((api) => api.name === this.#defaultApiName)) {
      throw new ConfigurationException(`No GraphQL API matches defaultApiName "${this.#defaultApiName}".`, {
        code: 'ERR_CONFIG_UNKNOWN_API',
      });
    }
    this.#config = config;
    this.#auth = context.auth;
    this.#hub = context.hub;
  }

  /**
   * A cold subscription over AppSync's realtime protocol (client.md §7): iterate it with
   * `for await`, or call `.subscribe({next, error, complete})`.
   */
  subscribe<T = unknown>(
    input: GraphQLRequest<T> | GraphQLRequestInit<T>,
    options: SubscribeOptions = {},
  ): GraphQLSubscription<T> {
    const op = this.#prepare(input, 'query');
    const impl = this.webSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof impl !== 'function') {
      throw new ConfigurationException(
        'No WebSocket implementation is available: pass "webSocketImpl" (e.g. the "ws" package) or use Node 22+.',
      );
    }
    const url = realtimeUrl(op.api.endpoint, this.#subscriptionOptions.realtimeEndpoints?.[op.api.name]);
    const key = `${url.href} ${op.mode}`;
    const connection = () => {
      let existing = this.#connections.get(key);
      if (existing === undefined || existing.closing) {
        const retry = this.#subscriptionOptions.retry ?? {};
        existing = new RealtimeConnection({
          url,
          apiName: op.api.name,
          mode: op.mode,
          webSocketImpl: impl,
          auth: this.#realtimeAuth(op),
          hub: this.#hub,
          retry: {
            maxAttempts: retry.maxAttempts ?? 8,
            baseDelayMs: retry.baseDelayMs ?? 1000,
            maxDelayMs: retry.maxDelayMs ?? 30_000,
          },
          random: this.#random,
          ping: this.#subscriptionOptions.healthCheck === 'off' ? undefined : () => this.#probe(op.api),
          onIdle: () => {
            if (this.#connections.get(key) === existing) this.#connections.delete(key);
          },
        });
        this.#connections.set(key, existing);
      }
      return existing;
    };
    return createGraphQLSubscription<T>((handlers, first) => {
      const id = first ? op.request.id : globalThis.crypto.randomUUID();
      const conn = connection();
      conn.add(id, op.body, op.request.headers, {
        next: (value) => handlers.next(value as GraphQLResponse<T>),
        error: handlers.error,
        complete: handlers.complete,
        onEstablished: first ? options.onEstablished : undefined,
      });
      return () => conn.remove(id);
    });
  }

  /** Any HTTP answer from `/ping` is enough to try reconnecting; only a network error waits. */
  async #probe(api: ResolvedApi): Promise<'ok' | 'network-error'> {
    try {
      const response = await this.#fetchImpl()(new URL('/ping', api.endpoint).href, { method: 'GET' });
      await response.text();
      return 'ok';
    } catch {
      return 'network-error';
    }
  }

  #realtimeAuth(op: PreparedOperation<unknown>): RealtimeAuth {
    const host = op.api.endpoint.host;
    const callerHeaders = () => {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(op.request.headers)) {
        const lower = name.toLowerCase();
        if (lower === 'authorization') out.Authorization = value;
        else if (lower === 'x-api-key') out['x-api-key'] = value;
      }
      return out;
    };
    const iamHeaders = async (
      path: string,
      body: string,
      extra: Record<string, string>,
      forceRefresh: boolean,
    ) => {
      const headers: Record<string, string> = {
        accept: 'application/json, text/javascript',
        'content-encoding': 'amz-1.0',
        'content-type': 'application/json; charset=UTF-8',
        ...extra,
        host,
      };
      const session = await this.#auth!.fetchAuthSession({ forceRefresh });
      if (session.credentials === undefined) {
        throw new MissingCredentialsException('AWS_IAM', 'No AWS credentials are available for AWS_IAM.', {
          cause: session.errors.credentials,
        });
      }
      const signed = signRequest({
        method: 'POST',
        path,
        headers,
        body,
        region: op.api.region!,
        service: 'appsync',
        credentials: session.credentials,
        date: new Date(this.#clock()),
        hasher: pureHasher,
      });
      return { ...headers, ...signed };
    };
    const modeHeaders = async (forceRefresh: boolean): Promise<Record<string, string>> => {
      if (op.skipAuth) return callerHeaders();
      if (op.mode === 'API_KEY') return { 'x-api-key': op.apiKey! };
      if (op.mode === 'NONE') return callerHeaders();
      const headers = await this.#authHeaders(op, forceRefresh);
      return headers.authorization === undefined ? {} : { Authorization: headers.authorization };
    };
    const basePath = op.api.endpoint.pathname.replace(/\/+$/, '');
    return {
      connectionHeaders: async (forceRefresh) => {
        if (op.mode === 'AWS_IAM' && !op.skipAuth) {
          return iamHeaders(`${basePath}/connect`, '{}', {}, forceRefresh);
        }
        const headers: Record<string, string> = { host, ...(await modeHeaders(forceRefresh)) };
        if (op.mode === 'API_KEY') headers['x-amz-date'] = formatAmzDate(new Date(this.#clock()));
        return headers;
      },
      startAuthorization: async (data, requestHeaders, forceRefresh) => {
        const extra: Record<string, string> = { ...requestHeaders, 'x-amz-user-agent': userAgent };
        if (op.mode === 'AWS_IAM' && !op.skipAuth) {
          return iamHeaders(op.api.endpoint.pathname + op.api.endpoint.search, data, extra, forceRefresh);
        }
        return { ...extra, ...(await modeHeaders(forceRefresh)), host };
      },
      invalidate: async () => {
        await this.#providers.get(op.mode)?.invalidateToken?.();
      },
    };
  }

  query<T = unknown>(request: GraphQLRequest<T> | GraphQLRequestInit<T>): GraphQLOperation<T> {
    return this.#operation(request, 'query');
  }

  mutate<T = unknown>(request: GraphQLRequest<T> | GraphQLRequestInit<T>): GraphQLOperation<T> {
    return this.#operation(request, 'mutation');
  }

  /** `GET <scheme>://<host>/ping` without auth: true when the server answers 200 `healthy`. */
  async ping(apiName?: string): Promise<boolean> {
    const api = this.#selectApi(apiName, undefined);
    const url = new URL('/ping', api.endpoint);
    let request: AWSHttpRequest = { method: 'GET', url, headers: new Headers(), body: '' };
    request = await this.#intercept(request, {
      apiName: api.name,
      authorizationMode: APIAuthorizationType.none,
      signedHeaders: [],
      attempt: 1,
    });
    try {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
      try {
        let response = await this.#fetchImpl()(request.url.href, {
          method: request.method,
          headers: request.headers,
          signal: controller.signal,
        });
        if (this.#httpClient) response = await this.#httpClient.transformResponse(response);
        const text = await response.text();
        return response.status === 200 && text.trim() === 'healthy';
      } finally {
        clearTimeout(timer);
      }
    } catch {
      return false;
    }
  }

  #fetchImpl(): typeof fetch {
    const impl = this.#fetch ?? globalThis.fetch;
    if (typeof impl !== 'function') {
      throw new ConfigurationException('No fetch implementation is available; pass "fetch".');
    }
    return impl;
  }

  #requireConfig(): ResolvedConfig {
    if (this.#config === undefined) {
      throw new ConfigurationException('Amplify is not configured: call "Amplify.configure" first.', {
        code: 'ERR_CONFIG_NOT_CONFIGURED',
      });
    }
    return this.#config;
  }

  /** API selection (client.md §3.2). */
  #selectApi(apiName: string | undefined, mode: APIAuthorizationMode | undefined): ResolvedApi {
    const { apis } = this.#requireConfig();
    if (apiName !== undefined) {
      const api = apis.find((candidate) => candidate.name === apiName);
      if (api === undefined) {
        throw new ConfigurationException(`No GraphQL API matches apiName "${apiName}".`, {
          code: 'ERR_CONFIG_UNKNOWN_API',
        });
      }
      return api;
    }
    if (apis.length === 1) return apis[0]!;
    if (this.#defaultApiName !== undefined) {
      const api = apis.find((candidate) => candidate.name === this.#defaultApiName);
      if (api !== undefined) return api;
    }
    if (
      mode !== undefined &&
      apis.length > 0 &&
      apis.every((api) => api.endpoint.href === apis[0]!.endpoint.href)
    ) {
      return apis.find((api) => api.defaultAuthorizationType === mode) ?? apis[0]!;
    }
    throw new ConfigurationException('Multiple GraphQL APIs are defined, so pass "apiName" to choose one.', {
      code: 'ERR_CONFIG_AMBIGUOUS_API',
    });
  }

  #prepare<T>(input: GraphQLRequest<T> | GraphQLRequestInit<T>, type: OperationType): PreparedOperation<T> {
    const request = input instanceof GraphQLRequest ? input : new GraphQLRequest<T>(input);
    if (request.authorizationMode !== undefined && !isAPIAuthorizationMode(request.authorizationMode)) {
      throw new TypeError(
        `Unknown authorizationMode "${String(request.authorizationMode)}"; expected ${modeListText}.`,
      );
    }
    const api = this.#selectApi(request.apiName, request.authorizationMode);
    const mode = request.authorizationMode ?? api.defaultAuthorizationType;
    const headerNames = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
    const skipAuth =
      headerNames.has('authorization') ||
      (mode === APIAuthorizationType.apiKey && headerNames.has('x-api-key'));
    const apiKey =
      api.apiKey ??
      this.#requireConfig().apis.find(
        (other) => other.apiKey !== undefined && other.endpoint.href === api.endpoint.href,
      )?.apiKey;
    if (!skipAuth) this.#assertProvider(mode, apiKey);
    if (type === 'query' && operationTypeOf(request.document) === 'mutation') type = 'mutation';
    const body = JSON.stringify({ query: request.document, variables: request.variables });
    return { request, type, api, mode, apiKey, skipAuth, body };
  }

  #assertProvider(mode: APIAuthorizationMode, apiKey: string | undefined): void {
    switch (mode) {
      case 'API_KEY':
        if (apiKey === undefined)
          throw new NoAuthProviderException(mode, 'Add "apiKey" to the API configuration.');
        return;
      case 'AMAZON_COGNITO_USER_POOLS':
        if (!this.#auth?.capabilities.userPoolTokens) {
          throw new NoAuthProviderException(
            mode,
            'Add the AmplifyAuthCognito plugin and a user pool to the configuration (or pass a "tokenProvider").',
          );
        }
        return;
      case 'AWS_IAM':
        if (!this.#auth?.capabilities.credentials) {
          throw new NoAuthProviderException(
            mode,
            'Add the AmplifyAuthCognito plugin and an identity pool to the configuration (or pass a "credentialsProvider").',
          );
        }
        return;
      case 'OPENID_CONNECT':
        if (!this.#providers.has(mode)) {
          throw new NoAuthProviderException(
            mode,
            'Pass an OIDCAuthProvider in the "authProviders" option of AmplifyAPI.',
          );
        }
        return;
      case 'AWS_LAMBDA':
        if (!this.#providers.has(mode)) {
          throw new NoAuthProviderException(
            mode,
            'Pass a FunctionAuthProvider in the "authProviders" option of AmplifyAPI.',
          );
        }
        return;
      case 'NONE':
        return;
    }
  }

  #operation<T>(input: GraphQLRequest<T> | GraphQLRequestInit<T>, type: OperationType): GraphQLOperation<T> {
    const prepared = this.#prepare(input, type);
    const controller = new AbortController();
    let settled = false;
    let rejectCancelled: ((error: CancellationException) => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      rejectCancelled = reject;
    });
    cancelled.catch(() => undefined);
    const work = this.#run(prepared, controller.signal);
    const response = Promise.race([work, cancelled]).finally(() => {
      settled = true;
    });
    work.catch(() => undefined);
    return {
      response,
      cancel: () => {
        if (controller.signal.aborted) return;
        controller.abort();
        if (!settled) rejectCancelled?.(new CancellationException());
      },
    };
  }

  async #run<T>(op: PreparedOperation<T>, signal: AbortSignal): Promise<GraphQLResponse<T>> {
    let attempt = 0;
    let backoffAttempt = 0;
    let authRetried = false;
    let forceRefresh = false;
    for (;;) {
      if (signal.aborted) throw new CancellationException();
      attempt++;
      backoffAttempt++;
      let response: Response;
      try {
        const request = await this.#buildRequest(op, attempt, forceRefresh);
        forceRefresh = false;
        response = await this.#send(request, signal);
      } catch (error) {
        if (signal.aborted) throw new CancellationException();
        if (
          error instanceof NetworkException &&
          this.#mayBackoff(op, 0) &&
          backoffAttempt < this.#maxAttempts
        ) {
          await this.#sleep(this.#backoffDelay(backoffAttempt), signal);
          continue;
        }
        throw error;
      }

      const text = await response.text().catch((error: unknown) => {
        throw new NetworkException('The response body could not be read.', { cause: error });
      });
      if (response.status >= 200 && response.status < 300) return this.#decode(op, text);

      const failure = this.#classify(response, text);
      const authRetryable =
        failure instanceof UnauthorizedException ||
        (op.mode === APIAuthorizationType.iam &&
          response.status === 403 &&
          failure.errorType !== undefined &&
          iamRetryableErrorTypes.has(failure.errorType));
      if (authRetryable && !authRetried && !op.skipAuth && this.#refreshableMode(op.mode)) {
        authRetried = true;
        forceRefresh = true;
        backoffAttempt--;
        await this.#providers.get(op.mode)?.invalidateToken?.();
        continue;
      }
      if (this.#mayBackoff(op, response.status) && backoffAttempt < this.#maxAttempts) {
        await this.#sleep(this.#retryAfter(response) ?? this.#backoffDelay(backoffAttempt), signal);
        continue;
      }
      throw failure;
    }
  }

  #refreshableMode(mode: APIAuthorizationMode): boolean {
    return mode !== APIAuthorizationType.apiKey && mode !== APIAuthorizationType.none;
  }

  /** Status 0 stands for a network error or timeout. */
  #mayBackoff(op: PreparedOperation<unknown>, status: number): boolean {
    if (status !== 0 && !retryableStatuses.has(status)) return false;
    return op.type === 'query' || status === 429 || this.#retryMutations;
  }

  /** Full jitter: random(0, min(max, base·2^(n−1))). */
  #backoffDelay(attempt: number): number {
    return Math.floor(this.#random() * Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1)));
  }

  #retryAfter(response: Response): number | undefined {
    const header = response.headers.get('retry-after');
    if (header === null) return undefined;
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - this.#clock();
    if (!Number.isFinite(ms)) return undefined;
    return Math.min(this.#maxDelayMs, Math.max(0, ms));
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new CancellationException());
        return;
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancellationException());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async #authHeaders(op: PreparedOperation<unknown>, forceRefresh: boolean): Promise<Record<string, string>> {
    const { mode } = op;
    switch (mode) {
      case 'API_KEY':
        return { 'x-api-key': op.apiKey! };
      case 'AMAZON_COGNITO_USER_POOLS': {
        const session = await this.#auth!.fetchAuthSession({ forceRefresh });
        const tokens = session.userPoolTokens;
        if (tokens === undefined) {
          throw new MissingCredentialsException(
            mode,
            'No user pool tokens are available: no user is signed in, or the session expired.',
            { cause: session.errors.userPoolTokens, recoverySuggestion: 'Sign in first.' },
          );
        }
        return { authorization: tokens[this.#userPoolTokenType].raw };
      }
      case 'OPENID_CONNECT':
      case 'AWS_LAMBDA': {
        const provider = this.#providers.get(mode)!;
        let token: string | null | undefined;
        try {
          token = await provider.getLatestAuthToken();
        } catch (error) {
          throw new MissingCredentialsException(
            mode,
            `The ${mode} provider's getLatestAuthToken returned no token.`,
            {
              cause: error,
            },
          );
        }
        if (typeof token !== 'string' || token === '') {
          throw new MissingCredentialsException(
            mode,
            `The ${mode} provider's getLatestAuthToken returned no token.`,
          );
        }
        return { authorization: token };
      }
      case 'AWS_IAM':
      case 'NONE':
        return {};
    }
  }

  async #buildRequest(
    op: PreparedOperation<unknown>,
    attempt: number,
    forceRefresh: boolean,
  ): Promise<AWSHttpRequest> {
    const headers = new Headers({
      'content-type': 'application/json; charset=UTF-8',
      'x-amz-user-agent': userAgent,
    });
    for (const [name, value] of Object.entries(op.request.headers)) headers.set(name, value);
    const url = new URL(op.api.endpoint.href);
    let signedHeaders: string[] = [];
    if (!op.skipAuth) {
      for (const [name, value] of Object.entries(await this.#authHeaders(op, forceRefresh)))
        headers.set(name, value);
      if (op.mode === APIAuthorizationType.iam) {
        signedHeaders = await this.#sign(op, url, headers, forceRefresh);
      }
    }
    let request: AWSHttpRequest = { method: 'POST', url, headers, body: op.body };
    const context: InterceptorContext = {
      apiName: op.api.name,
      authorizationMode: op.mode,
      signedHeaders,
      attempt,
    };
    const before = signedHeaders.length > 0 ? snapshot(request, signedHeaders) : undefined;
    request = await this.#intercept(request, context);
    if (before !== undefined) {
      const changed = changedSignedPart(before, request, signedHeaders);
      if (changed !== undefined) {
        throw new ApiOperationException(
          `Interceptor modified signed request part "${changed}", which invalidates the AWS_IAM signature.`,
          { recoverySuggestion: 'Set the header in GraphQLRequest.headers, which are signed.' },
        );
      }
    }
    if (!isAllowedEndpoint(request.url)) {
      throw new ApiOperationException(
        `Non-HTTPS endpoint for API "${op.api.name}": http:// is allowed only for loopback hosts.`,
      );
    }
    return request;
  }

  async #sign(
    op: PreparedOperation<unknown>,
    url: URL,
    headers: Headers,
    forceRefresh: boolean,
  ): Promise<string[]> {
    const mode = APIAuthorizationType.iam;
    const session = await this.#auth!.fetchAuthSession({ forceRefresh });
    const credentials = session.credentials;
    if (credentials === undefined) {
      throw new MissingCredentialsException(mode, 'No AWS credentials are available for AWS_IAM.', {
        cause: session.errors.credentials,
      });
    }
    const toSign: Record<string, string> = { host: url.host };
    headers.forEach((value, name) => {
      toSign[name] = value;
    });
    const added = signRequest({
      method: 'POST',
      path: url.pathname + url.search,
      headers: toSign,
      body: op.body,
      region: op.api.region!,
      service: 'appsync',
      credentials,
      date: new Date(this.#clock()),
      hasher: pureHasher,
    });
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
    const match = /SignedHeaders=([^,]+)/.exec(added.authorization ?? '');
    return match?.[1]?.split(';') ?? [];
  }

  async #intercept(request: AWSHttpRequest, context: InterceptorContext): Promise<AWSHttpRequest> {
    if (this.#httpClient) return this.#httpClient.transformRequest(request, context);
    if (this.#interceptor) return this.#interceptor(request, context);
    return request;
  }

  async #send(request: AWSHttpRequest, signal: AbortSignal): Promise<Response> {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    try {
      let response = await this.#fetchImpl()(request.url.href, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      if (this.#httpClient) response = await this.#httpClient.transformResponse(response);
      return response;
    } catch (error) {
      if (error instanceof AmplifyException) throw error;
      if (signal.aborted) throw new CancellationException();
      if (timedOut) {
        throw new NetworkException(`The request timed out after ${this.#timeoutMs} ms.`, {
          timedOut: true,
          cause: error,
        });
      }
      throw new NetworkException('The request failed before a response arrived.', { cause: error });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  #classify(response: Response, text: string): HttpStatusException {
    const body = parseJSON(text);
    const errorType = errorTypeOf(response, body);
    const graphQLErrors = graphQLErrorsOf(body);
    const details = { statusCode: response.status, errorType, body: text, graphQLErrors };
    const bodyMessage =
      graphQLErrors[0]?.message ||
      (isObject(body) && typeof body.message === 'string' ? body.message : undefined);
    if (response.status === 401 || errorType === 'UnauthorizedException') {
      return new UnauthorizedException(bodyMessage || 'Unauthorized', details);
    }
    return new HttpStatusException(
      bodyMessage || `The server answered HTTP ${response.status}${errorType ? ` (${errorType})` : ''}.`,
      details,
    );
  }

  #decode<T>(op: PreparedOperation<T>, text: string): GraphQLResponse<T> {
    const body = parseJSON(text);
    if (!isObject(body)) throw new ApiOperationException('The response is not a JSON object.');
    const errors = graphQLErrorsOf(body);
    let data: unknown = body.data ?? null;
    const { decodePath, modelType } = op.request;
    if (decodePath !== undefined && data !== null) {
      for (const key of decodePath.split('.')) {
        if (!isObject(data) || !(key in data)) {
          if (errors.length > 0) return createGraphQLResponse<T>(null, errors);
          throw new ApiOperationException(`The response has no data at decodePath "${decodePath}".`);
        }
        data = data[key];
      }
    } else if (decodePath !== undefined && errors.length === 0) {
      throw new ApiOperationException(`The response has no data at decodePath "${decodePath}".`);
    }
    if (modelType !== undefined && data !== null && data !== undefined) {
      try {
        data = modelType.fromJson(data);
      } catch (error) {
        throw new ApiOperationException('modelType.fromJson failed to decode the response data.', {
          cause: error,
        });
      }
    }
    return createGraphQLResponse<T>((data ?? null) as T | null, errors);
  }
}

interface Snapshot {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: Map<string, string | null>;
}

function snapshot(request: AWSHttpRequest, signed: readonly string[]): Snapshot {
  const headers = new Map<string, string | null>();
  for (const name of signed) if (name !== 'host') headers.set(name, request.headers.get(name));
  return { method: request.method, url: request.url.href, body: request.body, headers };
}

function changedSignedPart(
  before: Snapshot,
  after: AWSHttpRequest,
  signed: readonly string[],
): string | undefined {
  if (after.method.toUpperCase() !== before.method) return 'method';
  if (after.url.href !== before.url) return new URL(before.url).host === after.url.host ? 'url' : 'host';
  if (after.body !== before.body) return 'body';
  for (const name of signed) {
    if (name === 'host') continue;
    if (after.headers.get(name) !== before.headers.get(name)) return name;
  }
  return undefined;
}
