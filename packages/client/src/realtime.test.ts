/**
 * Subscriptions (client.md §7, checklist S1–S6) against a loopback fake of AppSync's realtime
 * endpoint built on `ws` (the Gatehouse server has no realtime endpoint yet).
 */
import type { AddressInfo } from 'node:net';
import { signRequest } from '@gatehouse/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  AmplifyAPI,
  AmplifyAuthCognito,
  AmplifyClass,
  ConfigurationException,
  NetworkException,
  UnauthorizedException,
  createJsonWebToken,
  realtimeUrl,
  type AmplifyAPIOptions,
  type HubPayload,
  type SubscriptionHubEvent,
} from './index.js';

interface FakeConnection {
  readonly protocols: string[];
  readonly headers: Record<string, string>;
  readonly frames: Record<string, unknown>[];
  readonly socket: WebSocket;
}

interface FakeOptions {
  /** Send `ka` frames? */
  readonly keepAlive?: boolean;
  readonly connectionTimeoutMs?: number;
  readonly connectionError?: (attempt: number) => Record<string, unknown> | undefined;
}

async function startFake(options: FakeOptions = {}) {
  const connections: FakeConnection[] = [];
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/graphql/realtime',
    handleProtocols: () => 'graphql-ws',
  });
  server.on('connection', (socket, request) => {
    const protocols = String(request.headers['sec-websocket-protocol'])
      .split(',')
      .map((p) => p.trim());
    const header = protocols.find((p) => p.startsWith('header-'))!.slice('header-'.length);
    const connection: FakeConnection = {
      protocols,
      headers: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, string>,
      frames: [],
      socket,
    };
    connections.push(connection);
    const send = (frame: unknown) => socket.send(JSON.stringify(frame));
    socket.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as { type: string; id?: string; payload?: { data: string } };
      connection.frames.push(frame);
      if (frame.type === 'connection_init') {
        const error = options.connectionError?.(connections.length);
        if (error) return send({ type: 'connection_error', payload: error });
        send({
          type: 'connection_ack',
          payload: { connectionTimeoutMs: options.connectionTimeoutMs ?? 300_000 },
        });
        if (options.keepAlive !== false) send({ type: 'ka' });
      } else if (frame.type === 'start') {
        send({ type: 'start_ack', id: frame.id });
        send({ type: 'data', id: frame.id, payload: { data: { onCreate: { n: 1 } } } });
      } else if (frame.type === 'stop') {
        send({ type: 'complete', id: frame.id });
      }
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    connections,
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    close: () => {
      for (const client of server.clients) client.terminate();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const credentials = {
  accessKeyId: 'ASIAFAKEFAKEFAKEFAKE',
  secretAccessKey: 'x'.repeat(40),
  sessionToken: 'session',
};
const jwt = (claims: Record<string, unknown>) =>
  ['{"alg":"none"}', JSON.stringify(claims)]
    .map((part) => Buffer.from(part).toString('base64url'))
    .join('.') + '.sig';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(fakeOptions: FakeOptions = {}, api: AmplifyAPIOptions = {}, tokenCalls: boolean[] = []) {
  const fake = await startFake(fakeOptions);
  closers.push(fake.close);
  const amplify = new AmplifyClass();
  const access = jwt({ token_use: 'access', exp: 4_000_000_000 });
  await amplify.addPlugins([
    new AmplifyAPI({
      webSocketImpl: WebSocket as never,
      subscriptionOptions: { healthCheck: 'off' },
      ...api,
    }),
    new AmplifyAuthCognito({
      tokenProvider: {
        getTokens: async ({ forceRefresh }) => {
          tokenCalls.push(forceRefresh);
          return { accessToken: access, idToken: access };
        },
      },
      credentialsProvider: { getCredentialsAndIdentityId: async () => ({ credentials }) },
    }),
  ]);
  await amplify.configure({
    version: '1.3',
    data: {
      url: fake.url,
      aws_region: 'us-east-1',
      api_key: 'da2-fake',
      default_authorization_type: 'API_KEY',
      authorization_types: ['AMAZON_COGNITO_USER_POOLS', 'AWS_IAM', 'NONE'],
    },
  });
  const hub: SubscriptionHubEvent[] = [];
  amplify.Hub.listen('api', (payload: HubPayload) => hub.push(payload.data as SubscriptionHubEvent));
  return { amplify, fake, hub, access };
}

const SUB = 'subscription OnCreate { onCreate { n } }';
const until = async (check: () => boolean, ms = 3000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('realtime URL (S1)', () => {
  it('maps AppSync, custom and loopback endpoints', () => {
    expect(realtimeUrl(new URL('https://abc123.appsync-api.eu-west-1.amazonaws.com/graphql')).href).toBe(
      'wss://abc123.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
    );
    expect(realtimeUrl(new URL('https://abc.appsync-api.cn-north-1.amazonaws.com.cn/graphql')).href).toBe(
      'wss://abc.appsync-realtime-api.cn-north-1.amazonaws.com.cn/graphql',
    );
    expect(realtimeUrl(new URL('https://api.example.com/graphql?x=1')).href).toBe(
      'wss://api.example.com/graphql/realtime',
    );
    expect(realtimeUrl(new URL('http://127.0.0.1:4000/graphql')).href).toBe(
      'ws://127.0.0.1:4000/graphql/realtime',
    );
    expect(realtimeUrl(new URL('https://x.example.com/graphql'), 'wss://rt.example.com/ws').href).toBe(
      'wss://rt.example.com/ws',
    );
  });
});

describe('subscriptions (S2–S6)', () => {
  it('S2/S3: API_KEY handshake, start, onEstablished, data, and stop on break', async () => {
    const { amplify, fake } = await setup();
    let established = 0;
    const sub = amplify.API.subscribe<{ onCreate: { n: number } }>(
      { document: SUB },
      { onEstablished: () => established++ },
    );
    for await (const event of sub) {
      expect(event.data).toEqual({ onCreate: { n: 1 } });
      break;
    }
    expect(established).toBe(1);
    const [connection] = fake.connections;
    expect(connection!.protocols[0]).toBe('graphql-ws');
    expect(connection!.protocols[1]).toMatch(/^header-[A-Za-z0-9_-]+$/);
    expect(Object.keys(connection!.headers).sort()).toEqual(['host', 'x-amz-date', 'x-api-key']);
    expect(connection!.headers).toMatchObject({ host: `127.0.0.1:${fake.port}`, 'x-api-key': 'da2-fake' });
    await until(() => connection!.frames.some((frame) => frame.type === 'stop'));
    const types = connection!.frames.map((frame) => frame.type);
    expect(types).toEqual(['connection_init', 'start', 'stop']);
    const start = connection!.frames[1] as {
      payload: { data: string; extensions: { authorization: Record<string, string> } };
    };
    expect(JSON.parse(start.payload.data)).toEqual({ query: SUB, variables: {} });
    expect(start.payload.extensions.authorization).toMatchObject({
      'x-api-key': 'da2-fake',
      host: `127.0.0.1:${fake.port}`,
    });
  });

  it('S2: user pools, NONE and IAM handshakes; two modes use two sockets', async () => {
    const { amplify, fake, access } = await setup();
    const seen: string[] = [];
    const subs = (['AMAZON_COGNITO_USER_POOLS', 'NONE', 'AWS_IAM'] as const).map((mode) =>
      amplify.API.subscribe({ document: SUB, authorizationMode: mode }).subscribe({
        next: () => seen.push(mode),
      }),
    );
    await until(() => seen.length === 3);
    expect(fake.connections).toHaveLength(3);
    const byKeys = fake.connections.map((c) => c.headers);
    const userPools = byKeys.find((h) => h.Authorization === access)!;
    expect(Object.keys(userPools).sort()).toEqual(['Authorization', 'host']);
    expect(byKeys.find((h) => Object.keys(h).length === 1)).toEqual({ host: `127.0.0.1:${fake.port}` });
    const iam = byKeys.find((h) => h.authorization?.startsWith('AWS4-HMAC-SHA256'))!;
    expect(Object.keys(iam).sort()).toEqual([
      'accept',
      'authorization',
      'content-encoding',
      'content-type',
      'host',
      'x-amz-date',
      'x-amz-security-token',
    ]);
    const date = iam['x-amz-date']!;
    const expected = signRequest({
      method: 'POST',
      path: '/graphql/connect',
      headers: {
        accept: iam.accept!,
        'content-encoding': iam['content-encoding']!,
        'content-type': iam['content-type']!,
        host: iam.host!,
      },
      body: '{}',
      region: 'us-east-1',
      service: 'appsync',
      credentials,
      date: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      ),
    });
    expect(iam.authorization).toBe(expected.authorization);
    for (const sub of subs) sub.unsubscribe();
    expect(createJsonWebToken(access).claims.token_use).toBe('access');
  });

  it('S4: a missed keep-alive reconnects with fresh headers and restarts subscriptions', async () => {
    const { amplify, fake, hub } = await setup(
      { keepAlive: false, connectionTimeoutMs: 150 },
      { subscriptionOptions: { healthCheck: 'off', retry: { baseDelayMs: 1, maxDelayMs: 5 } } },
    );
    let established = 0;
    let events = 0;
    const sub = amplify.API.subscribe({ document: SUB }, { onEstablished: () => established++ }).subscribe({
      next: () => events++,
    });
    await until(() => fake.connections.length >= 2 && events >= 2);
    sub.unsubscribe();
    expect(established).toBe(1);
    expect(fake.connections[1]!.frames.map((frame) => frame.type)).toContain('start');
    const statuses = hub.map((event) => event.status);
    expect(statuses.slice(0, 2)).toEqual(['connecting', 'connected']);
    expect(statuses.lastIndexOf('connected')).toBeGreaterThan(statuses.indexOf('connecting', 2));
  });

  it('S5: an Unauthorized connection_error gets one forced refresh, then an UnauthorizedException', async () => {
    const tokenCalls: boolean[] = [];
    const { amplify, fake } = await setup(
      {
        connectionError: () => ({
          errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }],
        }),
      },
      {},
      tokenCalls,
    );
    const error = await new Promise((resolve) => {
      amplify.API.subscribe({ document: SUB, authorizationMode: 'AMAZON_COGNITO_USER_POOLS' }).subscribe({
        error: resolve,
      });
    });
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(fake.connections).toHaveLength(2);
    expect(tokenCalls).toEqual([false, true]);
  });

  it('S5: exhausted retries give "failed" and a NetworkException', async () => {
    const { amplify, fake, hub } = await setup(
      { keepAlive: false, connectionTimeoutMs: 50 },
      {
        subscriptionOptions: { healthCheck: 'off', retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
      },
    );
    const errorPromise = new Promise((resolve) => {
      amplify.API.subscribe({ document: SUB }).subscribe({ error: resolve });
    });
    await until(() => fake.connections.length >= 1);
    await fake.close();
    const error = await errorPromise;
    expect(error).toBeInstanceOf(NetworkException);
    expect(hub.map((event) => event.status)).toContain('failed');
  });

  it('S6: with healthCheck "ping", a 404 lets the reconnect proceed and a network error blocks it', async () => {
    let pings = 0;
    const notFound = (async () => {
      pings++;
      return new Response('no route', { status: 404 });
    }) as typeof fetch;
    const ok = await setup(
      { keepAlive: false, connectionTimeoutMs: 100 },
      {
        fetch: notFound,
        subscriptionOptions: { healthCheck: 'ping', retry: { baseDelayMs: 1, maxDelayMs: 5 } },
      },
    );
    const sub = ok.amplify.API.subscribe({ document: SUB }).subscribe({});
    await until(() => ok.fake.connections.length >= 2);
    sub.unsubscribe();
    expect(pings).toBeGreaterThan(0);

    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const blocked = await setup(
      { keepAlive: false, connectionTimeoutMs: 50 },
      {
        fetch: offline,
        subscriptionOptions: {
          healthCheck: 'ping',
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
        },
      },
    );
    const error = await new Promise((resolve) => {
      blocked.amplify.API.subscribe({ document: SUB }).subscribe({ error: resolve });
    });
    expect(error).toBeInstanceOf(NetworkException);
    expect(blocked.fake.connections).toHaveLength(1);
  });

  it.runIf(typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined')(
    'S6: without a WebSocket implementation (Node 20) subscribe throws ConfigurationException',
    async () => {
      const amplify = new AmplifyClass();
      await amplify.addPlugin(new AmplifyAPI());
      await amplify.configure({
        version: '1',
        data: {
          url: 'https://api.example.com/graphql',
          aws_region: 'r',
          api_key: 'k',
          default_authorization_type: 'API_KEY',
        },
      });
      expect(() => amplify.API.subscribe({ document: SUB })).toThrow(ConfigurationException);
    },
  );
});
