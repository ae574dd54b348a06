import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Logger, PlainRequest } from '@gatehouse/core';
import { badRequest } from './responses.js';
import type { PlainResponse, RequestHandler } from './types.js';

/** appsync-auth.md §8: request headers 16 KiB, body 5 MiB. */
export const maxBodyBytes = 5 * 1024 * 1024;
export const maxHeaderBytes = 16 * 1024;

/**
 * The request's headers as one string per name. Node already lowercases names and joins repeated
 * values with ", ", except for the few it keeps as arrays (`set-cookie`), which are joined here.
 */
function headersOf(req: IncomingMessage): Record<string, string> {
  const headers = req.headers;
  for (const name in headers) {
    if (typeof headers[name] !== 'string') return joinedHeaders(headers);
  }
  return headers as Record<string, string>;
}

function joinedHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) joined[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return joined;
}

/** `X-Forwarded-For` entries, then the TCP peer, as AppSync reports `sourceIp`. */
function sourceIpOf(req: IncomingMessage): string[] {
  const forwarded = req.headers['x-forwarded-for'];
  const entries =
    typeof forwarded === 'string'
      ? forwarded
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : [];
  const peer = req.socket.remoteAddress;
  if (peer) entries.push(peer);
  return entries;
}

/**
 * Writes a response with its length, so keep-alive connections need no chunked framing. A string
 * body goes to the socket as it is (no intermediate buffer).
 */
function send(res: ServerResponse, response: PlainResponse): void {
  const { body, headers } = response;
  // A flat name/value list rather than a spread copy of `headers`: copying an object and adding a
  // property made V8 build new hidden classes on every response.
  const list: string[] = [];
  for (const name in headers) list.push(name, headers[name] as string);
  list.push(
    'content-length',
    String(typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength),
  );
  res.writeHead(response.status, list);
  res.end(body);
}

function refuseOversized(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  send(res, badRequest(`The request body exceeds ${maxBodyBytes} bytes.`, randomUUID()));
}

/**
 * Adapts a transport-independent handler to `node:http`: reads the body up to `maxBodyBytes`,
 * answers an oversized one with E18 and closes the connection, and never lets a failure escape.
 */
export function toNodeListener(handler: RequestHandler, logger: Logger) {
  const fail = (res: ServerResponse, error: unknown): void => {
    logger.error('Serving a request failed.', { error: String(error) });
    if (!res.headersSent) send(res, badRequest('The request could not be read.', randomUUID()));
    else res.destroy();
  };
  const dispatch = (req: IncomingMessage, res: ServerResponse, body: Uint8Array): void => {
    const request: PlainRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: headersOf(req),
      body,
      sourceIp: sourceIpOf(req),
    };
    handler(request).then(
      (response) => send(res, response),
      (error: unknown) => fail(res, error),
    );
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBodyBytes) {
      req.resume();
      refuseOversized(res);
      return;
    }
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > maxBodyBytes) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        first = undefined;
        chunks = undefined;
        refuseOversized(res);
      } else if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) return;
      dispatch(req, res, chunks ? Buffer.concat(chunks) : (first ?? emptyBody));
    });
    req.on('error', (error) => fail(res, error));
  };
}

const emptyBody = new Uint8Array(0);

export interface Listening {
  readonly server: Server;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a handler over `node:http` on `host:port` (port 0 picks a free port). */
export async function listen(
  handler: RequestHandler,
  options: { host: string; port: number; logger: Logger },
): Promise<Listening> {
  const server = createServer(
    { maxHeaderSize: maxHeaderBytes, keepAliveTimeout: 5000 },
    toNodeListener(handler, options.logger),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    host: address.address,
    port: address.port,
    url: `http://${hostForUrl}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
