import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isGatehouseError } from '@gatehouse/core';
import type { AuthRequest } from '@gatehouse/core';
import type { LambdaAuthorizerEvent } from './event.js';
import {
  createHTTPInvoker,
  createModuleInvoker,
  isLambdaNotInvocableError,
  LambdaNotInvocableError,
  resolveAuthorizerUri,
} from './invoke.js';
import { createLambdaProvider } from './lambda-provider.js';

const event: LambdaAuthorizerEvent = {
  authorizationToken: 'tok',
  requestContext: { apiId: 'a', accountId: '1', requestId: 'r', queryString: '', variables: {} },
  requestHeaders: {},
};

const request: AuthRequest = {
  method: 'POST',
  path: '/graphql',
  headers: { authorization: 'secret-token' },
  body: new Uint8Array(),
  sourceIp: ['127.0.0.1'],
  requestId: 'r-1',
  graphql: { query: '{ echo }', variables: {} },
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await rejection(promise);
  return isGatehouseError(error) ? error.code : undefined;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-invoke-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function moduleFile(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return pathToFileURL(path).href;
}

describe('createModuleInvoker', () => {
  it('calls the default export with a JSON copy of the event', async () => {
    const url = await moduleFile(
      'default.mjs',
      'export default async (event) => ({ isAuthorized: true, seen: event });',
    );
    const answer = await createModuleInvoker(url)(event, new AbortController().signal);
    expect(answer).toEqual({ isAuthorized: true, seen: event });
    expect((answer as { seen: unknown }).seen).not.toBe(event);
  });

  it('calls a named handler export, sync or async', async () => {
    const url = await moduleFile(
      'named.mjs',
      'export function handler() { return { isAuthorized: false }; }',
    );
    await expect(createModuleInvoker(url)(event, new AbortController().signal)).resolves.toEqual({
      isAuthorized: false,
    });
  });

  it('loads the module once', async () => {
    const url = await moduleFile(
      'once.mjs',
      'globalThis.__gatehouseLoads = (globalThis.__gatehouseLoads ?? 0) + 1;\n' +
        'export const handler = () => ({ loads: globalThis.__gatehouseLoads });',
    );
    const invoke = createModuleInvoker(url);
    await invoke(event, new AbortController().signal);
    await expect(invoke(event, new AbortController().signal)).resolves.toEqual({ loads: 1 });
  });

  it('normalises the answer through JSON', async () => {
    const url = await moduleFile('normalise.mjs', 'export default () => ({ a: undefined, d: new Date(0) });');
    await expect(createModuleInvoker(url)(event, new AbortController().signal)).resolves.toEqual({
      d: '1970-01-01T00:00:00.000Z',
    });
    const none = await moduleFile('none.mjs', 'export default () => undefined;');
    await expect(createModuleInvoker(none)(event, new AbortController().signal)).resolves.toBeNull();
  });

  it('reports a missing module as not invocable', async () => {
    const error = await rejection(
      createModuleInvoker(pathToFileURL(join(dir, 'missing.mjs')).href)(event, new AbortController().signal),
    );
    expect(isLambdaNotInvocableError(error)).toBe(true);
  });

  it('reports a module without a function export as not invocable', async () => {
    const url = await moduleFile('nofn.mjs', 'export const handler = 42; export default { handler() {} };');
    const error = await rejection(createModuleInvoker(url)(event, new AbortController().signal));
    expect(isLambdaNotInvocableError(error)).toBe(true);
  });

  it('reports a module that fails to load as a failed invocation', async () => {
    const url = await moduleFile('broken.mjs', 'export default () => {;\n');
    const error = await rejection(createModuleInvoker(url)(event, new AbortController().signal));
    expect(error).toBeDefined();
    expect(isLambdaNotInvocableError(error)).toBe(false);
  });

  it('stops waiting when the signal aborts', async () => {
    const url = await moduleFile('hang.mjs', 'export default () => new Promise(() => {});');
    const controller = new AbortController();
    const pending = rejection(createModuleInvoker(url)(event, controller.signal));
    setTimeout(() => controller.abort(new Error('gave up')), 10);
    expect(((await pending) as Error).message).toBe('gave up');
  });

  it('maps to E17 and E16 through the provider', async () => {
    const base = { region: 'us-east-1', accountId: '123456789012', apiId: 'gatehouse-api', now: () => 0 };
    const missing = createModuleInvoker(pathToFileURL(join(dir, 'missing.mjs')).href);
    expect(await codeOf(createLambdaProvider({ ...base, invoker: missing }).authenticate(request))).toBe(
      'ERR_LAMBDA_NOT_INVOCABLE',
    );
    const throwing = createModuleInvoker(
      await moduleFile('throws.mjs', 'export default () => { throw new Error("x"); };'),
    );
    expect(await codeOf(createLambdaProvider({ ...base, invoker: throwing }).authenticate(request))).toBe(
      'ERR_LAMBDA_FAILED',
    );
  });

  it('refuses a URL that is not an absolute file: URL', () => {
    expect(() => createModuleInvoker('./x.mjs')).toThrow(TypeError);
    expect(() => createModuleInvoker('http://127.0.0.1/x.mjs')).toThrow(TypeError);
  });
});

describe('createHTTPInvoker', () => {
  type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
  let server: Server;
  let handler: Handler;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    server.closeAllConnections();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const provider = (url: string, timeoutMs?: number) =>
    createLambdaProvider({
      invoker: createHTTPInvoker(url),
      region: 'us-east-1',
      accountId: '123456789012',
      apiId: 'gatehouse-api',
      now: () => 0,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });

  it('posts the event as JSON and authenticates on a valid JSON answer', async () => {
    let seen: { method?: string; type?: string; body?: unknown } = {};
    handler = (req, body, res) => {
      seen = { method: req.method, type: req.headers['content-type'], body: JSON.parse(body) };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ isAuthorized: true, resolverContext: { via: 'http' } }));
    };
    const result = await provider(`${base}/authorize`).authenticate(request);
    expect(result.identity).toEqual({ resolverContext: { via: 'http' } });
    expect(seen.method).toBe('POST');
    expect(seen.type).toBe('application/json; charset=UTF-8');
    expect(seen.body).toMatchObject({
      authorizationToken: 'secret-token',
      requestContext: { requestId: 'r-1' },
    });
  });

  it('fails with E16 on HTTP 500', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(500).end('{"isAuthorized":true}');
    };
    expect(await codeOf(provider(base).authenticate(request))).toBe('ERR_LAMBDA_FAILED');
  });

  it('fails with E16 on a redirect, which it does not follow', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(307, { location: `${base}/elsewhere` }).end();
    };
    expect(await codeOf(provider(base).authenticate(request))).toBe('ERR_LAMBDA_FAILED');
  });

  it('fails with E16 on a body that is not JSON', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('isAuthorized: true');
    };
    expect(await codeOf(provider(base).authenticate(request))).toBe('ERR_LAMBDA_FAILED');
  });

  it('reports HTTP 404 and 403 as not invocable (E17)', async () => {
    for (const status of [404, 403]) {
      handler = (_req, _body, res) => {
        res.writeHead(status).end();
      };
      expect(await codeOf(provider(base).authenticate(request))).toBe('ERR_LAMBDA_NOT_INVOCABLE');
    }
  });

  it('reports a refused connection as not invocable (E17)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejection(
      createHTTPInvoker(`http://127.0.0.1:${port}`)(event, new AbortController().signal),
    );
    expect(error).toBeInstanceOf(LambdaNotInvocableError);
    expect(await codeOf(provider(`http://127.0.0.1:${port}`).authenticate(request))).toBe(
      'ERR_LAMBDA_NOT_INVOCABLE',
    );
  });

  it('aborts a slow endpoint on timeout with E16', async () => {
    let closedByClient = false;
    handler = (req, _body, res) => {
      res.on('close', () => {
        closedByClient = true;
      });
      void req;
    };
    const started = Date.now();
    expect(await codeOf(provider(base, 100).authenticate(request))).toBe('ERR_LAMBDA_FAILED');
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedByClient).toBe(true);
  });
});

describe('resolveAuthorizerUri', () => {
  it('resolves a relative file: URI against the config directory', () => {
    expect(resolveAuthorizerUri('file:./auth/authorizer.mjs', '/srv/app')).toEqual({
      kind: 'module',
      fileUrl: 'file:///srv/app/auth/authorizer.mjs',
    });
    expect(resolveAuthorizerUri('file:authorizer.mjs', '/srv/app')).toEqual({
      kind: 'module',
      fileUrl: 'file:///srv/app/authorizer.mjs',
    });
  });

  it('keeps an absolute file: URI', () => {
    expect(resolveAuthorizerUri('file:///opt/authorizer.mjs', '/srv/app')).toEqual({
      kind: 'module',
      fileUrl: 'file:///opt/authorizer.mjs',
    });
  });

  it('accepts https anywhere and http on loopback hosts only', () => {
    expect(resolveAuthorizerUri('https://auth.example.com/x', '/srv')).toEqual({
      kind: 'http',
      url: 'https://auth.example.com/x',
    });
    for (const uri of [
      'http://127.0.0.1:9000/x',
      'http://localhost/x',
      'http://[::1]:9000/',
      'http://127.1.2.3/',
    ]) {
      expect(resolveAuthorizerUri(uri, '/srv').kind).toBe('http');
    }
    for (const uri of [
      'http://auth.example.com/x',
      'http://10.0.0.1/',
      'http://127.0.0.1.nip.io/',
      'http://[::2]/',
    ]) {
      expect(() => resolveAuthorizerUri(uri, '/srv')).toThrow(TypeError);
    }
  });

  it('refuses other schemes, credentials in the URL and an empty file path', () => {
    for (const uri of [
      'arn:aws:lambda:us-east-1:123456789012:function:auth',
      'ftp://x/',
      'file:',
      'https://u:p@x.example/',
      '',
    ]) {
      expect(() => resolveAuthorizerUri(uri, '/srv')).toThrow(TypeError);
    }
  });
});
