/**
 * AppSync realtime subscriptions (client.md §7): one socket per (URL, mode), the `graphql-ws`
 * handshake with `header-<base64url>`, start/stop, the keep-alive watchdog, reconnects with full
 * jitter, and Hub status events. The core knows only the standard WebSocket interface.
 */
import type { APIAuthorizationMode } from './auth-modes.js';
import {
  ApiException,
  MissingCredentialsException,
  NetworkException,
  UnauthorizedException,
  type GraphQLResponseError,
} from './errors.js';
import { createGraphQLResponse, type GraphQLResponse } from './graphql-request.js';
import type { HubClass } from './hub.js';

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocket;

export type SubscriptionStatus =
  'connecting' | 'connected' | 'pendingDisconnected' | 'disconnected' | 'failed';

export interface SubscriptionHubEvent {
  readonly status: SubscriptionStatus;
  readonly details: {
    readonly networkState: 'connected' | 'disconnected';
    readonly intendedState: 'connected' | 'disconnected';
  };
  readonly apiName: string;
  readonly authorizationMode: APIAuthorizationMode;
}

/** `<id>.appsync-api.<region>.amazonaws.com` → `appsync-realtime-api`; other hosts → path + `/realtime`. */
export function realtimeUrl(endpoint: URL, override?: string): URL {
  if (override !== undefined) return new URL(override);
  const appsync = /^([a-z0-9]+)\.appsync-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(endpoint.hostname);
  if (appsync) {
    return new URL(
      `wss://${appsync[1]}.appsync-realtime-api.${appsync[2]}.amazonaws.com${appsync[3] ?? ''}/graphql`,
    );
  }
  const url = new URL(endpoint.href);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  url.pathname = url.pathname.replace(/\/+$/, '') + '/realtime';
  url.search = '';
  url.hash = '';
  return url;
}

export function base64UrlJSON(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface RealtimeAuth {
  /** Headers for the handshake (`connHeaders`). */
  connectionHeaders(forceRefresh: boolean): Promise<Record<string, string>>;
  /** `extensions.authorization` of a `start`, for its `data` string. */
  startAuthorization(
    data: string,
    headers: Readonly<Record<string, string>>,
    forceRefresh: boolean,
  ): Promise<Record<string, string>>;
  /** Called before the single Unauthorized retry (provider `invalidateToken`). */
  invalidate(): Promise<void>;
}

export interface RealtimeOptions {
  readonly url: URL;
  readonly apiName: string;
  readonly mode: APIAuthorizationMode;
  readonly webSocketImpl: WebSocketConstructor;
  readonly auth: RealtimeAuth;
  readonly hub: HubClass | undefined;
  readonly retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  readonly random: () => number;
  readonly ping?: (() => Promise<'ok' | 'network-error'>) | undefined;
  readonly onIdle: () => void;
  readonly ackTimeoutMs?: number | undefined;
}

export interface SubscriptionHandlers<T> {
  readonly next: (value: GraphQLResponse<T>) => void;
  readonly error: (error: unknown) => void;
  readonly complete: () => void;
  readonly onEstablished?: (() => void) | undefined;
}

interface ActiveSubscription {
  readonly id: string;
  readonly data: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly handlers: SubscriptionHandlers<unknown>;
  established: boolean;
  ackTimer: ReturnType<typeof setTimeout> | undefined;
  stopped: boolean;
}

interface Frame {
  type?: string;
  id?: string;
  payload?: { data?: unknown; errors?: GraphQLResponseError[]; connectionTimeoutMs?: number };
}

const defaultAckTimeoutMs = 15_000;

function errorFromPayload(payload: Frame['payload']): ApiException {
  const first = payload?.errors?.[0];
  const message = first?.message ?? 'The subscription failed.';
  const errorType = first?.errorType;
  if (errorType !== undefined && errorType.startsWith('Unauthorized')) {
    return new UnauthorizedException(message, {
      statusCode: 401,
      errorType,
      body: JSON.stringify(payload ?? {}),
      graphQLErrors: payload?.errors ?? [],
    });
  }
  return new ApiException('ERR_API_OPERATION', message);
}

/** One socket for one (URL, mode), shared by that pair's subscriptions. */
export class RealtimeConnection {
  readonly #o: RealtimeOptions;
  readonly #subs = new Map<string, ActiveSubscription>();
  #socket: WebSocket | undefined;
  #connected = false;
  #connecting: Promise<void> | undefined;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #keepAliveMs = 300_000;
  #attempt = 0;
  #unauthorizedRetried = false;
  #closing = false;

  constructor(options: RealtimeOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#subs.size;
  }

  /** After the last `stop`; a new subscription then needs a new connection. */
  get closing(): boolean {
    return this.#closing;
  }

  #status(status: SubscriptionStatus): void {
    const connected = status === 'connected';
    const event: SubscriptionHubEvent = {
      status,
      details: {
        networkState: connected ? 'connected' : 'disconnected',
        intendedState:
          status === 'disconnected' || status === 'pendingDisconnected' ? 'disconnected' : 'connected',
      },
      apiName: this.#o.apiName,
      authorizationMode: this.#o.mode,
    };
    this.#o.hub?.dispatch('api', { event: 'ConnectionStateChange', data: event });
  }

  add(
    id: string,
    data: string,
    headers: Readonly<Record<string, string>>,
    handlers: SubscriptionHandlers<unknown>,
  ): void {
    const sub: ActiveSubscription = {
      id,
      data,
      headers,
      handlers,
      established: false,
      ackTimer: undefined,
      stopped: false,
    };
    this.#subs.set(id, sub);
    if (this.#connected) void this.#start(sub, false);
    else void this.#ensureConnected();
  }

  remove(id: string): void {
    const sub = this.#subs.get(id);
    if (sub === undefined) return;
    sub.stopped = true;
    clearTimeout(sub.ackTimer);
    this.#subs.delete(id);
    if (this.#connected) this.#send({ id, type: 'stop' });
    if (this.#subs.size === 0) this.#shutdown();
  }

  #shutdown(): void {
    this.#closing = true;
    this.#status('pendingDisconnected');
    clearTimeout(this.#watchdog);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#connected = false;
    // Give the server a moment to answer the last `stop` with `complete`.
    setTimeout(
      () => {
        try {
          socket?.close(1000);
        } catch {
          // Already closed.
        }
        this.#status('disconnected');
        this.#o.onIdle();
      },
      socket ? 50 : 0,
    );
  }

  #send(frame: Record<string, unknown>): void {
    try {
      this.#socket?.send(JSON.stringify(frame));
    } catch {
      // A failed send surfaces as a close, which reconnects.
    }
  }

  #ensureConnected(forceRefresh = false): Promise<void> {
    this.#connecting ??= this.#connect(forceRefresh).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(forceRefresh: boolean): Promise<void> {
    this.#status('connecting');
    let headers: Record<string, string>;
    try {
      headers = await this.#o.auth.connectionHeaders(forceRefresh);
    } catch (error) {
      this.#failAll(error);
      return;
    }
    if (this.#subs.size === 0) return;
    const protocols = ['graphql-ws', `header-${base64UrlJSON(headers)}`];
    let socket: WebSocket;
    try {
      socket = new this.#o.webSocketImpl(this.#o.url.href, protocols);
    } catch (error) {
      this.#scheduleReconnect(error);
      return;
    }
    this.#socket = socket;
    const ackTimer = setTimeout(() => {
      if (!this.#connected) socket.close();
    }, this.#o.ackTimeoutMs ?? defaultAckTimeoutMs);
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.onmessage = (event: MessageEvent) => {
      if (socket !== this.#socket) return;
      let frame: Frame;
      try {
        frame = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data)) as Frame;
      } catch {
        return;
      }
      this.#armWatchdog();
      if (frame.type === 'connection_ack') {
        clearTimeout(ackTimer);
        this.#connected = true;
        this.#attempt = 0;
        this.#unauthorizedRetried = false;
        this.#keepAliveMs = frame.payload?.connectionTimeoutMs ?? 300_000;
        this.#armWatchdog();
        this.#status('connected');
        for (const sub of this.#subs.values()) void this.#start(sub, false);
      } else if (frame.type === 'connection_error') {
        clearTimeout(ackTimer);
        this.#onConnectionError(errorFromPayload(frame.payload));
      } else {
        this.#onFrame(frame);
      }
    };
    socket.onclose = () => {
      clearTimeout(ackTimer);
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      this.#connected = false;
      clearTimeout(this.#watchdog);
      if (!this.#closing && this.#subs.size > 0)
        this.#scheduleReconnect(new NetworkException('The socket closed.'));
    };
    socket.onerror = () => undefined;
  }

  #onConnectionError(error: ApiException): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#connected = false;
    try {
      socket?.close();
    } catch {
      // Ignore.
    }
    if (error instanceof UnauthorizedException && !this.#unauthorizedRetried) {
      this.#unauthorizedRetried = true;
      void this.#o.auth.invalidate().then(() => this.#ensureConnected(true));
      return;
    }
    this.#failAll(error);
  }

  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    if (!this.#connected) return;
    this.#watchdog = setTimeout(() => {
      const socket = this.#socket;
      this.#socket = undefined;
      this.#connected = false;
      try {
        socket?.close();
      } catch {
        // Ignore.
      }
      this.#scheduleReconnect(new NetworkException('The keep-alive timed out.'));
    }, this.#keepAliveMs);
  }

  #scheduleReconnect(cause: unknown): void {
    if (this.#subs.size === 0) return;
    this.#attempt++;
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.#o.retry;
    if (this.#attempt > maxAttempts) {
      this.#status('failed');
      this.#failAll(new NetworkException('The realtime connection could not be re-established.', { cause }));
      return;
    }
    this.#status('connecting');
    const delay = Math.floor(this.#o.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (this.#attempt - 1)));
    setTimeout(() => {
      void (async () => {
        if (this.#o.ping && (await this.#o.ping()) === 'network-error') {
          this.#scheduleReconnect(cause);
          return;
        }
        await this.#ensureConnected();
      })();
    }, delay);
  }

  #failAll(error: unknown): void {
    const subs = [...this.#subs.values()];
    this.#subs.clear();
    for (const sub of subs) {
      clearTimeout(sub.ackTimer);
      sub.handlers.error(error);
    }
    if (subs.length > 0) this.#shutdown();
  }

  async #start(sub: ActiveSubscription, forceRefresh: boolean): Promise<void> {
    let authorization: Record<string, string>;
    try {
      authorization = await this.#o.auth.startAuthorization(sub.data, sub.headers, forceRefresh);
    } catch (error) {
      this.#subs.delete(sub.id);
      sub.handlers.error(
        error instanceof ApiException
          ? error
          : new MissingCredentialsException(this.#o.mode, 'No credentials for the subscription.', {
              cause: error,
            }),
      );
      if (this.#subs.size === 0) this.#shutdown();
      return;
    }
    if (sub.stopped) return;
    this.#send({ id: sub.id, type: 'start', payload: { data: sub.data, extensions: { authorization } } });
    clearTimeout(sub.ackTimer);
    sub.ackTimer = setTimeout(() => {
      if (!sub.established && this.#subs.has(sub.id)) {
        this.#subs.delete(sub.id);
        sub.handlers.error(
          new NetworkException('The subscription was not acknowledged in time.', { timedOut: true }),
        );
      }
    }, this.#o.ackTimeoutMs ?? defaultAckTimeoutMs);
  }

  #onFrame(frame: Frame): void {
    const sub = frame.id === undefined ? undefined : this.#subs.get(frame.id);
    if (sub === undefined) return;
    switch (frame.type) {
      case 'start_ack':
        clearTimeout(sub.ackTimer);
        if (!sub.established) {
          sub.established = true;
          sub.handlers.onEstablished?.();
        }
        return;
      case 'data': {
        const payload = frame.payload ?? {};
        sub.handlers.next(createGraphQLResponse(payload.data ?? null, payload.errors ?? []));
        return;
      }
      case 'error':
        clearTimeout(sub.ackTimer);
        this.#subs.delete(sub.id);
        sub.handlers.error(errorFromPayload(frame.payload));
        if (this.#subs.size === 0) this.#shutdown();
        return;
      case 'complete':
        clearTimeout(sub.ackTimer);
        this.#subs.delete(sub.id);
        sub.handlers.complete();
        if (this.#subs.size === 0) this.#shutdown();
        return;
    }
  }
}

export interface GraphQLSubscription<T> extends AsyncIterable<GraphQLResponse<T>> {
  subscribe(observer: {
    next?: (value: GraphQLResponse<T>) => void;
    error?: (error: unknown) => void;
    complete?: () => void;
  }): { unsubscribe(): void };
}

/** A cold subscription: every consumer starts its own server subscription. */
export function createGraphQLSubscription<T>(
  start: (handlers: SubscriptionHandlers<T>, first: boolean) => () => void,
): GraphQLSubscription<T> {
  let first = true;
  const take = () => {
    const isFirst = first;
    first = false;
    return isFirst;
  };
  return {
    subscribe(observer) {
      let closed = false;
      const stop = start(
        {
          next: (value) => !closed && observer.next?.(value),
          error: (error) => {
            if (closed) return;
            closed = true;
            observer.error?.(error);
          },
          complete: () => {
            if (closed) return;
            closed = true;
            observer.complete?.();
          },
        },
        take(),
      );
      return {
        unsubscribe: () => {
          if (closed) return;
          closed = true;
          stop();
        },
      };
    },
    [Symbol.asyncIterator](): AsyncIterator<GraphQLResponse<T>> {
      const queue: GraphQLResponse<T>[] = [];
      const waiting: {
        resolve: (r: IteratorResult<GraphQLResponse<T>>) => void;
        reject: (e: unknown) => void;
      }[] = [];
      let done = false;
      let failure: unknown;
      let failed = false;
      const stop = start(
        {
          next: (value) => {
            const waiter = waiting.shift();
            if (waiter) waiter.resolve({ value, done: false });
            else queue.push(value);
          },
          error: (error) => {
            failed = true;
            failure = error;
            done = true;
            for (const waiter of waiting.splice(0)) waiter.reject(error);
          },
          complete: () => {
            done = true;
            for (const waiter of waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
          },
        },
        take(),
      );
      return {
        next: () => {
          const value = queue.shift();
          if (value !== undefined) return Promise.resolve({ value, done: false });
          if (failed) {
            failed = false;
            return Promise.reject(
              failure instanceof Error
                ? failure
                : new ApiException('ERR_API_OPERATION', 'The subscription failed.'),
            );
          }
          if (done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
        },
        return: () => {
          if (!done) {
            done = true;
            stop();
          }
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}
