/**
 * The `node:http` adapter over a real port (127.0.0.1, port 0): limits of appsync-auth.md §8,
 * header-name case-insensitivity (§1) and a process that keeps serving.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@gatehouse/core';
import { createFixture, validAPIKey, type Fixture } from '../test-support/gatehouse-fixture.js';
import { ping, send } from '../test-support/http-client.js';
import { listen, maxBodyBytes, type Listening } from './node-adapter.js';

let fixture: Fixture;
let server: Listening;
beforeAll(async () => {
  fixture = await createFixture();
  server = await listen(fixture.app.handle, { host: '127.0.0.1', port: 0, logger: silentLogger });
});
afterAll(async () => {
  await server.close();
  await fixture.close();
});

const whoami = JSON.stringify({ query: '{ whoami }' });

describe('listen', () => {
  it('serves GraphQL on 127.0.0.1 with header names in any case', async () => {
    const response = await send(server, {
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': validAPIKey },
      body: whoami,
    });
    expect(response).toMatchObject({ status: 200, text: '{"data":{"whoami":"null"}}' });
    const lambda = await send(server, {
      headers: { 'CONTENT-TYPE': 'application/json', AUTHORIZATION: 'opaque' },
      body: whoami,
    });
    expect(lambda.text).toBe('{"data":{"whoami":"{\\"resolverContext\\":{\\"tenant\\":\\"t1\\"}}"}}');
  });

  it('sends every response with its byte length instead of chunked framing', async () => {
    const response = await send(server, {
      headers: { 'content-type': 'application/json', 'x-api-key': validAPIKey },
      body: JSON.stringify({ query: '{ whoami } # ünïcödé' }),
    });
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text, 'utf8'));
    const refused = await send(server, { headers: { 'content-type': 'application/json' }, body: whoami });
    expect(refused.status).toBe(401);
    expect(Number(refused.headers['content-length'])).toBe(Buffer.byteLength(refused.text, 'utf8'));
  });

  it('reports the TCP peer as the last sourceIp entry', async () => {
    const token = await fixture.userPoolToken();
    const response = await send(server, {
      headers: { 'content-type': 'application/json', authorization: token, 'x-forwarded-for': '203.0.113.9' },
      body: whoami,
    });
    const identity = JSON.parse((JSON.parse(response.text) as { data: { whoami: string } }).data.whoami) as {
      sourceIp: string[];
    };
    expect(identity.sourceIp).toEqual(['203.0.113.9', '127.0.0.1']);
  });

  it('refuses a body over 5 MiB declared by content-length with 400 BadRequestException', async () => {
    const body = Buffer.alloc(maxBodyBytes + 1, 0x20);
    const response = await send(server, {
      headers: { 'content-type': 'application/json', 'content-length': body.length },
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(JSON.parse(response.text)).toEqual({
      errors: [
        { errorType: 'BadRequestException', message: `The request body exceeds ${maxBodyBytes} bytes.` },
      ],
    });
    await ping(server);
  });

  it('refuses a chunked body over 5 MiB with 400 BadRequestException', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const response = await send(server, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: [chunk, chunk, chunk, chunk, chunk, Buffer.from('  ')],
    });
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('BadRequestException');
    await ping(server);
  });

  it('accepts a body of exactly 5 MiB', async () => {
    const query = JSON.stringify({ query: '{ echo }' });
    const body = Buffer.alloc(maxBodyBytes, 0x20);
    body.write(query, 0);
    const response = await send(server, {
      headers: { 'content-type': 'application/json', 'x-api-key': validAPIKey },
      body,
    });
    expect(response).toMatchObject({ status: 200, text: '{"data":{"echo":"echo"}}' });
  });

  it('refuses a header section over 16 KiB and keeps serving', async () => {
    const response = await send(server, {
      headers: { 'content-type': 'application/json', 'x-big': 'a'.repeat(17 * 1024) },
      body: whoami,
    });
    expect(response.status).toBe(431);
    await ping(server);
  });

  it('survives garbage on the socket', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, server.host, () => {
        socket.end('\x00\xff GARBAGE /\r\n\r\n');
      });
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await ping(server);
  });
});
