import { describe, expect, it } from 'vitest';
import { silentLogger, type PlainRequest } from '@gatehouse/core';
import { createRequestHandler } from './handler.js';
import type { PlainResponse } from './types.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function request(method: string, path: string, headers: Record<string, string> = {}): PlainRequest {
  return { method, path, headers, body: new Uint8Array(), sourceIp: ['127.0.0.1'] };
}

const okGraphQL = async (_request: PlainRequest, requestId: string): Promise<PlainResponse> => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=UTF-8', 'x-amzn-requestid': requestId },
  body: '{"data":{}}',
});

describe('createRequestHandler', () => {
  const handle = createRequestHandler({
    graphql: okGraphQL,
    logger: silentLogger,
    routes: [
      { method: 'GET', path: /^\/extra\/\w+$/, handle: () => ({ status: 200, headers: {}, body: 'extra' }) },
    ],
  });

  it('answers GET /ping with "healthy"', async () => {
    const response = await handle(request('GET', '/ping'));
    expect(response.status).toBe(200);
    expect(response.body).toBe('healthy');
    expect(response.headers['x-amzn-requestid']).toMatch(uuid);
  });

  it('answers a CORS preflight with 204, any header allowed and the AppSync headers exposed', async () => {
    const response = await handle(
      request('OPTIONS', '/graphql', {
        origin: 'http://app.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-api-key,x-amz-date,x-amz-security-token,x-custom',
      }),
    );
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-headers']).toBe(
      'authorization,x-api-key,x-amz-date,x-amz-security-token,x-custom',
    );
    expect(response.headers['access-control-expose-headers']).toBe('x-amzn-ErrorType, x-amzn-RequestId');
  });

  it('allows any header in a preflight that lists none', async () => {
    const response = await handle(request('OPTIONS', '/graphql'));
    expect(response.headers['access-control-allow-headers']).toBe('*');
  });

  it('routes /graphql with a query string to GraphQL', async () => {
    const response = await handle(request('POST', '/graphql?x=1'));
    expect(response.body).toBe('{"data":{}}');
  });

  it('serves extra routes by method and pattern', async () => {
    expect((await handle(request('GET', '/extra/abc'))).body).toBe('extra');
    expect((await handle(request('POST', '/extra/abc'))).status).toBe(404);
  });

  it('answers an unknown route with a 404 NotFoundException in JSON', async () => {
    const response = await handle(request('GET', '/nope?q=1'));
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(response.headers['x-amzn-errortype']).toBe('NotFoundException');
    expect(response.headers['x-amzn-requestid']).toMatch(uuid);
    expect(JSON.parse(String(response.body))).toEqual({
      errors: [{ errorType: 'NotFoundException', message: 'No route for GET "/nope".' }],
    });
  });

  it('answers a 500 InternalFailureException without internals when a route throws', async () => {
    const logged: unknown[] = [];
    const failing = createRequestHandler({
      graphql: () => Promise.reject(new TypeError('Cannot read properties of undefined (reading "secret")')),
      logger: { ...silentLogger, error: (_message, fields) => logged.push(fields) },
    });
    const response = await failing(request('POST', '/graphql'));
    expect(response.status).toBe(500);
    expect(response.headers['x-amzn-errortype']).toBe('InternalFailureException');
    expect(response.body).toBe(
      '{"errors":[{"errorType":"InternalFailureException","message":"An internal error occurred."}]}',
    );
    expect(logged).toHaveLength(1);
  });

  it('uses the injected request id', async () => {
    const fixed = createRequestHandler({
      graphql: okGraphQL,
      logger: silentLogger,
      newRequestId: () => 'id-1',
    });
    expect((await fixed(request('GET', '/ping'))).headers['x-amzn-requestid']).toBe('id-1');
  });
});
